"""What only the SQLite store does: one writer across processes, a checkpointer thread."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from platekeeper.store.migrations import load_migrations
from platekeeper.store.sqlite import SqliteStore
from platekeeper.store.sqlite.readers import ReaderPool
from tests.conftest import make_agency, make_camera, make_read


def test_stores_upgrading_one_file_at_once_apply_each_migration_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    stores = [SqliteStore(path) for _ in range(4)]
    try:
        with ThreadPoolExecutor(len(stores)) as pool:
            applied = list(pool.map(lambda store: store.upgrade(), stores))
    finally:
        for store in stores:
            store.close()
    labels = [m.label for m in load_migrations("platekeeper.store.sqlite.migrations")]
    assert sorted(label for each in applied for label in each) == labels


def rows_in_main_file(path: Path, copy: Path) -> int:
    """Count reads in a copy of the database file alone, as a file backup would see them."""
    copy.write_bytes(path.read_bytes())
    with sqlite3.connect(copy) as connection:
        tables = connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'reads'")
        if tables.fetchone() == (0,):
            return 0
        count: int = connection.execute("SELECT count(*) FROM reads").fetchone()[0]
    return count


def test_the_checkpointer_moves_writes_into_the_database_file_while_open(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = SqliteStore(path)
    try:
        store.upgrade()
        store.agencies.add(make_agency())
        store.cameras.add(make_camera()[0])
        for batch in range(10):
            store.reads.add([make_read(batch * 100 + i) for i in range(100)])
        deadline = time.monotonic() + 10
        while rows_in_main_file(path, tmp_path / "copy.sqlite3") < 1000:
            assert time.monotonic() < deadline, "the writes stayed in the write-ahead log"
            time.sleep(0.05)
    finally:
        store.close()


def test_readers_are_lent_from_a_bounded_pool(tmp_path: Path) -> None:
    opened: list[sqlite3.Connection] = []

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(tmp_path / "pool.sqlite3", check_same_thread=False)
        opened.append(connection)
        return connection

    pool = ReaderPool(connect, size=3)

    def read(_: int) -> int:
        with pool.lend() as connection:
            time.sleep(0.01)
            value: int = connection.execute("SELECT 1").fetchone()[0]
            return value

    try:
        with ThreadPoolExecutor(12) as threads:
            assert sum(threads.map(read, range(60))) == 60
    finally:
        pool.close()
    assert 1 <= len(opened) <= 3
