"""The ports the SQL repositories are written against: a database that lends a connection for
a read or a write transaction, and the small part of a DB-API connection they use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from platekeeper.store.sql.dialect import ConstraintViolation, Dialect

Row = tuple[Any, ...]


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Transaction(Protocol):
    """A connection inside a read or a write transaction; parameters are written ``?``."""

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor: ...

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> Any: ...


class Database(Protocol):
    dialect: Dialect

    def read(self) -> AbstractContextManager[Transaction]:
        """A connection for reading; fetch everything inside the block."""
        ...

    def write(self) -> AbstractContextManager[Transaction]:
        """One write transaction, committed on success and rolled back on any error; a broken
        constraint leaves it as ``ConstraintViolation``."""
        ...


class Repository:
    """What every SQL repository does the same way: one statement in, rows or a count out."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._dialect = database.dialect
        self._time = database.dialect.time

    def _fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self._db.read() as connection:
            row: Row | None = connection.execute(sql, params).fetchone()
        return row

    def _fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._db.read() as connection:
            return connection.execute(sql, params).fetchall()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement in its own write transaction; return how many rows it changed."""
        with self._db.write() as connection:
            return connection.execute(sql, params).rowcount


def marks(count: int) -> str:
    """``?, ?, ...``: ``count`` parameter marks."""
    return ", ".join("?" * count)


@contextmanager
def constraint_violations(dialect: Dialect) -> Iterator[None]:
    """Turn the driver's word for a broken constraint into ``ConstraintViolation``."""
    try:
        yield
    except Exception as exc:
        kind = dialect.violation(exc)
        if kind is None:
            raise
        raise ConstraintViolation(kind, str(exc)) from exc
