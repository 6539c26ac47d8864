"""Images encrypted per capture day: legacy images, the master key, moved objects."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from platekeeper.config import Settings
from platekeeper.errors import ConfigError, StoreError
from platekeeper.store import Store
from platekeeper.store.factory import open_image_store
from platekeeper.store.images import ImageKind, LocalImageStore
from platekeeper.store.images.encrypted import EncryptedImageStore, load_master_key
from tests.conftest import NOW, FixedClock
from tests.retention.conftest import JPEG, MASTER_KEY

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"pixels" * 10


def _encrypted(store: Store, root: Path, key: bytes = MASTER_KEY) -> EncryptedImageStore:
    return EncryptedImageStore(LocalImageStore(root), store.image_keys, key, FixedClock())


def test_images_round_trip_and_are_not_plain_on_disk(store: Store, tmp_path: Path) -> None:
    images = _encrypted(store, tmp_path)
    for data in (JPEG, PNG):
        ref = images.put(data, kind=ImageKind.CROP, captured_at=NOW)
        assert images.get(ref) == data
        on_disk = (tmp_path / ref).read_bytes()
        assert data[20:] not in on_disk
    assert store.image_keys.live() == ["2026/11/28"]


def test_an_unencrypted_legacy_image_stays_readable(store: Store, tmp_path: Path) -> None:
    ref = LocalImageStore(tmp_path).put(JPEG, kind=ImageKind.FULL, captured_at=NOW)
    assert _encrypted(store, tmp_path).get(ref) == JPEG


def test_another_master_key_opens_nothing(store: Store, tmp_path: Path) -> None:
    ref = _encrypted(store, tmp_path).put(JPEG, kind=ImageKind.FULL, captured_at=NOW)
    with pytest.raises(StoreError, match="master key"):
        _encrypted(store, tmp_path, bytes(32)).get(ref)


def test_an_image_moved_to_another_day_does_not_decrypt(store: Store, tmp_path: Path) -> None:
    images = _encrypted(store, tmp_path)
    ref = images.put(JPEG, kind=ImageKind.FULL, captured_at=NOW)
    other = images.put(JPEG, kind=ImageKind.FULL, captured_at=NOW.replace(day=27))
    (tmp_path / other).write_bytes((tmp_path / ref).read_bytes())
    with pytest.raises(StoreError, match="does not decrypt"):
        images.get(other)


def test_the_master_key_file_is_made_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "images.master-key"
    key = load_master_key(path, None)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_master_key(path, None) == key


def test_the_master_key_may_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PK_IMAGE_KEY", base64.b64encode(MASTER_KEY).decode())
    assert load_master_key(tmp_path / "unused", "PK_IMAGE_KEY") == MASTER_KEY
    assert not (tmp_path / "unused").exists()
    monkeypatch.setenv("PK_IMAGE_KEY", "short")
    with pytest.raises(ConfigError, match="32 bytes"):
        load_master_key(tmp_path / "unused", "PK_IMAGE_KEY")


def test_the_default_image_store_encrypts(settings: Settings, store: Store) -> None:
    assert isinstance(open_image_store(settings, store.image_keys), EncryptedImageStore)
    plain = settings.model_copy(
        update={"images": settings.images.model_copy(update={"encrypt": False})}
    )
    assert isinstance(open_image_store(plain, store.image_keys), LocalImageStore)
