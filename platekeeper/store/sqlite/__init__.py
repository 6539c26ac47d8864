"""The embedded backend: one SQLite file in WAL mode, one writer, readers in parallel."""

from platekeeper.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
