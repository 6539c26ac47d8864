"""Connections to one SQLite file: a single writer behind a lock, a reader per thread, and a
checkpointer thread."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from platekeeper.errors import StoreError
from platekeeper.store.files import private_file, private_folder, require_private
from platekeeper.store.migrations import Migration, load_migrations
from platekeeper.store.sql.database import constraint_violations
from platekeeper.store.sqlite.checkpointer import Checkpointer
from platekeeper.store.sqlite.dialect import SQLITE
from platekeeper.store.sqlite.readers import ReaderPool

_MIGRATIONS_PACKAGE = "platekeeper.store.sqlite.migrations"
BUSY_TIMEOUT_MS = 10_000
# The plate index takes writes all over; a large page cache keeps its hot pages in memory.
WRITER_CACHE_KIB = 64 * 1024
READER_CACHE_KIB = 8 * 1024
READERS = 8


def _private_database(path: Path) -> None:
    """The database's folder 0700 and its file 0600 before SQLite first opens it: SQLite makes
    the write-ahead log and shared-memory files with the database file's mode, so they are
    private too; ones left by an older run are checked like the file."""
    private_folder(path.parent)
    private_file(path)
    for suffix in ("-wal", "-shm"):
        require_private(path.with_name(path.name + suffix))


class SqliteDatabase:
    """SQLite allows one writer at a time; serialising writers here avoids SQLITE_BUSY storms."""

    dialect = SQLITE

    def __init__(self, path: Path) -> None:
        self.path = path
        self._write_lock = threading.Lock()
        try:
            _private_database(path)
            self._writer = self._connect()
            self._writer.execute("PRAGMA journal_mode = WAL")
            # The checkpointer thread moves pages from the log; the writer rarely waits for it.
            self._writer.execute("PRAGMA wal_autocheckpoint = 0")
            self._checkpointer = Checkpointer(self._connect, self._write_lock)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"cannot open the SQLite database {path}: {exc}",
                hint="Check that the data directory exists and is writable.",
            ) from None
        self._readers = ReaderPool(lambda: self._connect(cache_kib=READER_CACHE_KIB), READERS)

    def _connect(self, cache_kib: int = WRITER_CACHE_KIB) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        connection.execute("PRAGMA foreign_keys = ON")
        # In WAL mode NORMAL keeps the database consistent across a crash; only the last
        # transactions before a power loss can be lost.
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute(f"PRAGMA cache_size = -{cache_kib}")
        return connection

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed on success and rolled back on any error."""
        with (
            self._write_lock,
            _unavailable_as_store_error(self.path),
            constraint_violations(SQLITE),
        ):
            self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                self._writer.execute("ROLLBACK")
                raise
            self._writer.execute("COMMIT")
        self._checkpointer.nudge()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection for the block; fetch everything inside it."""
        with self._readers.lend() as connection, _unavailable_as_store_error(self.path):
            yield connection

    def schema_version(self) -> int:
        with self.read() as connection:
            row = connection.execute(
                "SELECT count(*) FROM sqlite_master"
                " WHERE type = 'table' AND name = 'schema_migrations'"
            ).fetchone()
            if row[0] == 0:
                return 0
            version = connection.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(version[0] or 0)

    def pending_migrations(self) -> list[str]:
        version = self.schema_version()
        return [m.label for m in load_migrations(_MIGRATIONS_PACKAGE) if m.version > version]

    def upgrade(self) -> list[str]:
        with self.write() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        return [m.label for m in load_migrations(_MIGRATIONS_PACKAGE) if self._apply(m)]

    def _apply(self, migration: Migration) -> bool:
        """Apply ``migration`` in one transaction unless another process got there first."""
        with self.write() as connection:
            done = connection.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
            ).fetchone()
            if done is not None:
                return False
            # One statement at a time: executescript would commit the transaction first.
            for statement in _statements(migration.sql):
                connection.execute(statement)
            connection.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, "
                "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                (migration.version, migration.name),
            )
        return True

    def close(self) -> None:
        self._readers.close()
        with self._write_lock:
            self._writer.close()
        self._checkpointer.stop()


def _statements(script: str) -> Iterator[str]:
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""


# SQLite's ways of saying that the database cannot be used now, rather than that a statement is
# wrong (which stays a plain error: it is a bug).
_UNAVAILABLE = (
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_FULL",
    "SQLITE_IOERR",
    "SQLITE_CANTOPEN",
    "SQLITE_READONLY",
    "SQLITE_CORRUPT",
    "SQLITE_NOTADB",
)


@contextmanager
def _unavailable_as_store_error(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as exc:
        name = exc.sqlite_errorname or ""
        if not name.startswith(_UNAVAILABLE):
            raise
        raise StoreError(
            f"the SQLite database {path} cannot be used now: {exc}",
            hint="Retry shortly; if it persists, check the disk and what else holds the file.",
        ) from None
