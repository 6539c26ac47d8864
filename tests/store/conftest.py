"""Every backend behind one ``store`` fixture, so one contract suite tests them all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from platekeeper.store import Store
from platekeeper.store.postgres import PostgresStore
from platekeeper.store.sqlite import SqliteStore
from tests.conftest import make_agency, make_camera


def _sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = SqliteStore(tmp_path / "store.sqlite3")
    yield store
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store of each backend with no schema yet."""
    if request.param == "sqlite":
        yield from _sqlite_store(tmp_path)
        return
    dsn = request.getfixturevalue("postgres_schema_dsn")
    store = PostgresStore(dsn, min_size=1, max_size=4)
    yield store
    store.close()


@pytest.fixture
def store(empty_store: Store) -> Store:
    """A migrated store holding one agency and one fixed camera, ``main-st-north``."""
    empty_store.upgrade()
    empty_store.agencies.add(make_agency())
    camera, _ = make_camera()
    empty_store.cameras.add(camera)
    return empty_store
