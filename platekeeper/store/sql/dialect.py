"""What differs between the SQL databases PlateKeeper speaks, as one value.

Repositories under ``store/sql`` are written once, with ``?`` for every parameter; a
``Dialect`` says how the database keeps instants, days and JSON, which spellings of a few
functions and clauses it takes, and how to tell a broken constraint from any other error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class TimeCodec:
    """How a database keeps an instant."""

    to_db: Callable[[datetime], Any]
    from_db: Callable[[Any], datetime]

    def optional_to_db(self, instant: datetime | None) -> Any:
        return None if instant is None else self.to_db(instant)

    def optional_from_db(self, value: Any) -> datetime | None:
        return None if value is None else self.from_db(value)


@dataclass(frozen=True, slots=True)
class DayCodec:
    """How a database keeps a calendar day."""

    to_db: Callable[[date], Any]
    from_db: Callable[[Any], date]

    def optional_to_db(self, day: date | None) -> Any:
        return None if day is None else self.to_db(day)

    def optional_from_db(self, value: Any) -> date | None:
        return None if value is None else self.from_db(value)


@dataclass(frozen=True, slots=True)
class JsonCodec:
    """How a database takes and gives back a JSON document."""

    to_db: Callable[[Any], Any]
    from_db: Callable[[Any], Any]


class Violation(StrEnum):
    """Which kind of constraint a write broke."""

    FOREIGN_KEY = "foreign-key"
    UNIQUE = "unique"
    OTHER = "other"


class ConstraintViolation(Exception):
    """A write broke a constraint; repositories turn it into ``NotFound`` or ``Conflict``."""

    def __init__(self, kind: Violation, detail: str) -> None:
        super().__init__(f"{kind.value} constraint violated: {detail}")
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Dialect:
    """One database's spelling of what the shared SQL needs."""

    name: str
    time: TimeCodec
    day: DayCodec
    json: JsonCodec
    # The largest of several values, NULLs aside: ``max`` in SQLite, ``greatest`` in PostgreSQL.
    greatest: str
    # ``column`` in a list bound as one parameter (``member`` then ``array(values)``).
    member_sql: str
    array: Callable[[Sequence[Any]], Any]
    # The text at ``key`` of a JSON column, with ``{column}`` and ``{key}`` to fill in.
    json_text_sql: str
    # Row locks where the database has them; SQLite's single writer needs none.
    for_update: str
    skip_locked: str
    # A lock held until the transaction ends, taken with one integer parameter (the lock's
    # class); None where a write transaction already excludes every other writer.
    advisory_lock_sql: str | None
    # Run before shredding a secret so that no copy of it stays in the file's free space; None
    # where the database has no such switch.
    secure_delete_sql: str | None
    # Every row of table ``{table}`` gone in the transaction, its pages with them: a table
    # emptied row by row and filled again in one transaction takes twice its size, for good.
    empty_sql: str
    violation: Callable[[BaseException], Violation | None]

    def member(self, column: str) -> str:
        return f"{column} {self.member_sql}"

    def later(self, column: str) -> str:
        """``column`` or the next parameter, whichever is later; bind the instant twice. The
        coalesce lets a first instant count on every database: SQLite's ``max`` is NULL if any
        argument is, PostgreSQL's ``greatest`` skips NULLs."""
        return f"{self.greatest}(coalesce({column}, ?), ?)"

    def json_text(self, column: str, key: str) -> str:
        return self.json_text_sql.format(column=column, key=key)

    def empty(self, table: str) -> str:
        return self.empty_sql.format(table=table)
