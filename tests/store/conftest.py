"""Every backend behind one ``store`` fixture, so one contract suite tests them all."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from platekeeper.store import Store
from platekeeper.store.postgres import PostgresStore
from platekeeper.store.sqlite import SqliteStore
from tests.conftest import make_agency, make_camera

POSTGRES_DSN_ENV = "PLATEKEEPER_TEST_POSTGRES_DSN"


def postgres_dsn() -> str:
    dsn = os.environ.get(POSTGRES_DSN_ENV)
    if not dsn:
        if os.environ.get("PLATEKEEPER_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{POSTGRES_DSN_ENV} is not set but PostgreSQL tests are required")
        pytest.skip(f"set {POSTGRES_DSN_ENV} to run the PostgreSQL tests (scripts/test does)")
    return dsn


@pytest.fixture
def postgres_schema_dsn() -> Iterator[str]:
    """A DSN whose search_path is a fresh schema, dropped after the test."""
    dsn = postgres_dsn()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield make_conninfo(dsn, options=f"-csearch_path={schema}")
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


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
