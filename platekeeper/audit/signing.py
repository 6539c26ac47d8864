"""Ed25519 keys that sign access-log checkpoints, and the check of a checkpoint's signature.

The private key lives in one PEM file (PKCS #8, unencrypted) readable by its owner only, in a
folder only its owner may enter; it is made on first use. The public key is what an outside party
holds to check checkpoints; its id is the first 16 hex digits of SHA-256 of the raw 32-byte key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from platekeeper.domain.access import Checkpoint, checkpoint_message
from platekeeper.errors import ConfigError
from platekeeper.store.files import private_folder, require_private

KEY_ID_HEX_DIGITS = 16


class CheckpointSigner:
    """Signs checkpoints with one private key."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self.public_key = private_key.public_key()
        self.key_id = key_id_of(self.public_key)

    @classmethod
    def generate(cls) -> CheckpointSigner:
        return cls(Ed25519PrivateKey.generate())

    def sign(self, seq: int, entry_hash: str, signed_at: datetime) -> Checkpoint:
        signature = self._private_key.sign(checkpoint_message(seq, entry_hash, signed_at))
        return Checkpoint(seq, entry_hash, signed_at, self.key_id, signature.hex())

    def sign_bytes(self, message: bytes) -> str:
        """The hex signature of ``message``, which must begin with its own domain prefix (a
        purge statement's does) so that it is never taken for a checkpoint's."""
        return self._private_key.sign(message).hex()

    def public_key_pem(self) -> str:
        return public_key_pem(self.public_key)

    def derived_secret(self, label: bytes) -> bytes:
        """A 32-byte secret for ``label`` derived from the private key (HMAC-SHA256 keyed by
        the raw key): held only by the server, as the key is, and unrelated to any signature."""
        raw = self._private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return hmac.new(raw, label, hashlib.sha256).digest()


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:KEY_ID_HEX_DIGITS]


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_key(pem: str | bytes, source: str = "the public key") -> Ed25519PublicKey:
    """An Ed25519 public key from PEM, or ``ConfigError`` naming ``source``."""
    data = pem.encode("ascii", "replace") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise ConfigError(
            f"{source} is not a PEM public key",
            hint="Use the output of 'platekeeper audit public-key'.",
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError(f"{source} is not an Ed25519 key", hint="Checkpoints are Ed25519.")
    return key


def signature_valid(checkpoint: Checkpoint, public_key: Ed25519PublicKey) -> bool:
    """Whether ``public_key`` made ``checkpoint``'s signature over its own fields."""
    try:
        signature = bytes.fromhex(checkpoint.signature)
        public_key.verify(signature, checkpoint.message)
    except (ValueError, InvalidSignature):
        return False
    return True


def load_or_create_signer(path: Path) -> CheckpointSigner:
    """The signer whose key is in ``path``, made there (mode 0600, folder 0700) if missing."""
    try:
        return _load(path)
    except FileNotFoundError:
        pass
    try:
        _create(path)
    except FileExistsError:
        pass  # another process made it first; use theirs
    except OSError as exc:
        raise ConfigError(
            f"cannot create the checkpoint signing key {path}: {exc.strerror}",
            hint="Check that the folder is writable, or set audit.signing_key_path.",
        ) from None
    return _load(path)


def _load(path: Path) -> CheckpointSigner:
    require_private(path.parent)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ConfigError(
            f"cannot read the checkpoint signing key {path}: {exc.strerror}",
            hint="Run PlateKeeper as the user that owns the key.",
        ) from None
    # A key others can read signs checkpoints for them too; it proves nothing any more.
    require_private(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise ConfigError(
            f"{path} is not an unencrypted PEM private key",
            hint="Point audit.signing_key_path at the key PlateKeeper made, or remove the file "
            "to make a new one (old checkpoints then need the old public key to verify).",
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{path} is not an Ed25519 key", hint="Checkpoints are signed Ed25519.")
    return CheckpointSigner(key)


def _create(path: Path) -> None:
    private_folder(path.parent)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Written whole under another name, then linked into place: a process that finds the key
    # file never reads half of it, and of two processes making it at once only one wins.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
    finally:
        os.unlink(temporary)
