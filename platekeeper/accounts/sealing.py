"""TOTP secrets sealed at rest, with a key kept outside the database.

Whoever reads a TOTP secret can make its holder's codes; a copied database must not give them.
Each secret is sealed with AES-GCM under a 256-bit key in a file (mode 0600, in the data
directory's keys/ folder unless ``accounts.second_factor_key_path`` puts it elsewhere), made on
first use like the image master key. The account and the factor are the associated data: a
sealed secret copied to another person's row, or another factor's, does not open.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from platekeeper.errors import ConfigError, StoreError
from platekeeper.store.files import private_folder, require_private

_KEY_BYTES = 32
_NONCE_BYTES = 12
_VERSION = "v1:"


class SecretSeal:
    """Seals and opens second-factor secrets with one key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != _KEY_BYTES:
            raise ConfigError("the second-factor key is not 32 bytes")
        self._aead = AESGCM(key)

    @classmethod
    def generated(cls) -> SecretSeal:
        """A seal with a fresh key kept nowhere: for tests and throw-away databases."""
        return cls(secrets.token_bytes(_KEY_BYTES))

    def seal(self, secret: str, account_id: str, factor_id: str) -> str:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, secret.encode(), _context(account_id, factor_id))
        return _VERSION + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, sealed: str, account_id: str, factor_id: str) -> str:
        try:
            if not sealed.startswith(_VERSION):
                raise ValueError(sealed[:3])
            raw = base64.b64decode(sealed[len(_VERSION) :], validate=True)
            nonce, body = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
            return self._aead.decrypt(nonce, body, _context(account_id, factor_id)).decode()
        except (ValueError, InvalidTag):
            raise StoreError(
                "a TOTP secret does not open with the second-factor key",
                hint="Restore the key file that sealed it (accounts.second_factor_key_path), "
                "or reset the person's second factors so they enrol again.",
            ) from None


def load_secret_seal(path: Path) -> SecretSeal:
    """The seal whose key is in ``path``, made there (0600, folder 0700) if missing."""
    private_folder(path.parent)
    if not path.exists():
        encoded = base64.b64encode(secrets.token_bytes(_KEY_BYTES)) + b"\n"
        try:
            # O_EXCL: two processes starting at once must not each write a different key.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(encoded)
    require_private(path)
    try:
        key = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (ValueError, UnicodeDecodeError):
        key = b""
    if len(key) != _KEY_BYTES:
        raise ConfigError(
            f"the second-factor key in {path} is not 32 bytes in base64",
            hint="Restore the key file, or point accounts.second_factor_key_path at it.",
        )
    return SecretSeal(key)


def _context(account_id: str, factor_id: str) -> bytes:
    return f"platekeeper totp secret v1\x00{account_id}\x00{factor_id}".encode()
