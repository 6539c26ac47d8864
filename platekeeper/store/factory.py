"""Backends by name: the ``type`` key of a settings section picks the class, through this table."""

from __future__ import annotations

from collections.abc import Callable

from platekeeper.config import PostgresStoreSettings, Settings
from platekeeper.store.images import ImageStore, LocalImageStore
from platekeeper.store.postgres import PostgresStore
from platekeeper.store.protocols import Store
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
    return STORE_BACKENDS[settings.store.type](settings)


def open_image_store(settings: Settings) -> ImageStore:
    return IMAGE_BACKENDS[settings.images.type](settings)
