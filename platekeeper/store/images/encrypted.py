"""Images encrypted at rest with a key per capture day, so that a day can be shredded.

Each capture-day bucket (``YYYY/MM/DD``, the first part of every image reference) has a random
256-bit AES-GCM key. Bucket keys are kept in the database (``image_keys``) wrapped by a master
key that lives outside it (a file in the data directory, mode 0600, or an environment variable):
a copied database or a copied image folder alone decrypts nothing. Destroying a bucket's key
(``destroy_bucket``) makes every copy of that day's images unreadable, even with the master key.

An encrypted object is ``signature || MAGIC || nonce || ciphertext``. The image type's signature
stays in clear because the inner store names objects by type (the reference's extension says it
anyway); the bucket is the associated data, so an object moved to another day fails to decrypt.
Objects without ``MAGIC`` are images stored before encryption and are returned as they are.
"""

from __future__ import annotations

import base64
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from platekeeper.domain import ImageRef
from platekeeper.domain.time import Clock
from platekeeper.errors import ConfigError, NotFound, StoreError
from platekeeper.store.files import private_folder, require_private
from platekeeper.store.images.protocol import ImageKind, ImageStore, detect_image_type
from platekeeper.store.protocols import ImageKeyRepository

MAGIC = b"\x00PKENC1\x00"
_NONCE_BYTES = 12
_KEY_BYTES = 32
_SIGNATURES = {"jpg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n", "webp": b"RIFF\0\0\0\0WEBP"}
_WRAP_CONTEXT = b"platekeeper-image-key-v1\x00"


class ShreddedImage(NotFound):
    """The image's bucket key was destroyed: the image is gone for good."""


def bucket_of(captured_at: datetime) -> str:
    return captured_at.astimezone(UTC).strftime("%Y/%m/%d")


class EncryptedImageStore:
    def __init__(
        self, inner: ImageStore, keys: ImageKeyRepository, master_key: bytes, clock: Clock
    ) -> None:
        if len(master_key) != _KEY_BYTES:
            raise ConfigError("the image master key must be 32 bytes")
        self.inner = inner
        self._keys = keys
        self._master = AESGCM(master_key)
        self._clock = clock

    def put(self, data: bytes, *, kind: ImageKind, captured_at: datetime) -> ImageRef:
        extension = detect_image_type(data)
        bucket = bucket_of(captured_at)
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = AESGCM(self._bucket_key(bucket)).encrypt(nonce, data, bucket.encode())
        envelope = _SIGNATURES[extension] + MAGIC + nonce + sealed
        return self.inner.put(envelope, kind=kind, captured_at=captured_at)

    def get(self, ref: ImageRef) -> bytes:
        stored = self.inner.get(ref)
        body = _encrypted_body(stored)
        if body is None:
            return stored  # written before encryption was switched on
        bucket = ref[:10]
        wrapped = self._keys.get(bucket)
        if wrapped is None:
            raise ShreddedImage(f"image {ref} was shredded with its day's key")
        key = self._unwrap(bucket, wrapped)
        try:
            return AESGCM(key).decrypt(body[:_NONCE_BYTES], body[_NONCE_BYTES:], bucket.encode())
        except InvalidTag:
            raise StoreError(f"image {ref} does not decrypt: damaged or moved") from None

    def delete(self, ref: ImageRef) -> None:
        self.inner.delete(ref)

    def destroy_bucket(self, bucket: str) -> bool:
        """Destroy the key of one capture day; its images can never be read again."""
        return self._keys.destroy(bucket, self._clock.now())

    def _bucket_key(self, bucket: str) -> bytes:
        wrapped = self._keys.get(bucket)
        if wrapped is None:
            fresh = secrets.token_bytes(_KEY_BYTES)
            wrapped = self._keys.add(bucket, self._wrap(bucket, fresh), self._clock.now())
        return self._unwrap(bucket, wrapped)

    def _wrap(self, bucket: str, key: bytes) -> bytes:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return nonce + self._master.encrypt(nonce, key, _WRAP_CONTEXT + bucket.encode())

    def _unwrap(self, bucket: str, wrapped: bytes) -> bytes:
        try:
            return self._master.decrypt(
                wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], _WRAP_CONTEXT + bucket.encode()
            )
        except InvalidTag:
            raise StoreError(
                f"the key of image bucket {bucket} does not open with this master key",
                hint="Use the master key the images were written with (images.master_key_env "
                "or images.master_key_path).",
            ) from None


def _encrypted_body(stored: bytes) -> bytes | None:
    """The nonce and ciphertext of an encrypted object, or None for a plain image."""
    for signature in _SIGNATURES.values():
        start = len(signature)
        if stored.startswith(signature) and stored[start : start + len(MAGIC)] == MAGIC:
            return stored[start + len(MAGIC) :]
    return None


def load_master_key(path: Path, env_name: str | None) -> bytes:
    """The master key: base64 in the variable ``env_name`` when given, else the file at ``path``,
    made on first use with mode 0600."""
    if env_name is not None:
        value = os.environ.get(env_name)
        if not value:
            raise ConfigError(
                f"environment variable {env_name} (images.master_key_env) is not set",
                hint="Set it to 32 random bytes in base64: "
                "python -c 'import os,base64;print(base64.b64encode(os.urandom(32)).decode())'.",
            )
        return _decode(value, env_name)
    private_folder(path.parent)
    if not path.exists():
        _create_key_file(path)
    # Whoever reads the master key opens every image still kept, around the access log.
    require_private(path)
    return _decode(path.read_text(encoding="ascii").strip(), str(path))


def _create_key_file(path: Path) -> None:
    encoded = base64.b64encode(secrets.token_bytes(_KEY_BYTES)) + b"\n"
    try:
        # O_EXCL: two processes starting at once must not each write a different key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(encoded)


def _decode(value: str, where: str) -> bytes:
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError:
        key = b""
    if len(key) != _KEY_BYTES:
        raise ConfigError(f"the image master key in {where} is not 32 bytes in base64")
    return key
