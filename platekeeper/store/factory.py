"""Backends by name: the ``type`` key of a settings section picks the class, through this table."""

from __future__ import annotations

from collections.abc import Callable

from platekeeper.config import PostgresStoreSettings, Settings
from platekeeper.domain.time import Clock, SystemClock
from platekeeper.store.files import is_inside, require_private
from platekeeper.store.images import ImageStore, LocalImageStore
from platekeeper.store.images.encrypted import EncryptedImageStore, load_master_key
from platekeeper.store.postgres import PostgresStore
from platekeeper.store.protocols import ImageKeyRepository, Store
from platekeeper.store.sqlite import SqliteStore


def _sqlite(settings: Settings) -> Store:
    return SqliteStore(settings.sqlite_path)


def _postgres(settings: Settings) -> Store:
    assert isinstance(settings.store, PostgresStoreSettings)
    return PostgresStore(
        settings.store.dsn.get_secret_value(),
        min_size=settings.store.pool_min_size,
        max_size=settings.store.pool_max_size,
    )


def _local_images(settings: Settings) -> ImageStore:
    return LocalImageStore(settings.image_path)


STORE_BACKENDS: dict[str, Callable[[Settings], Store]] = {
    "sqlite": _sqlite,
    "postgres": _postgres,
}
IMAGE_BACKENDS: dict[str, Callable[[Settings], ImageStore]] = {"local": _local_images}


def open_store(settings: Settings) -> Store:
    require_private(settings.data_dir)
    return STORE_BACKENDS[settings.store.type](settings)


def file_warnings(settings: Settings) -> list[str]:
    """What a server should be told at start about where its files are."""
    images = settings.images
    if not images.encrypt or images.master_key_env is not None:
        return []
    if not is_inside(settings.image_master_key_path, settings.data_dir):
        return []
    return [
        f"the image master key {settings.image_master_key_path} is inside the data directory "
        f"{settings.data_dir}: a copy of the folder (a backup, a stolen disk) carries the key "
        "that opens its images. On a server set images.master_key_path to a file elsewhere "
        "(e.g. /etc/platekeeper/images.master-key), or images.master_key_env; see "
        "docs/operations.md"
    ]


def open_image_store(
    settings: Settings, keys: ImageKeyRepository, clock: Clock | None = None
) -> ImageStore:
    """The image backend named in settings, encrypted per capture day unless ``images.encrypt``
    is off; ``keys`` is the store's ``image_keys``."""
    require_private(settings.data_dir)
    images = IMAGE_BACKENDS[settings.images.type](settings)
    if not settings.images.encrypt:
        return images
    master_key = load_master_key(settings.image_master_key_path, settings.images.master_key_env)
    return EncryptedImageStore(images, keys, master_key, clock or SystemClock())
