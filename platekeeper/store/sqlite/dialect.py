"""SQLite's ``Dialect``: instants as integer microseconds since the Unix epoch, UTC (exact,
compact and ordered as numbers), days and JSON as text, and one writer at a time, so no row
or advisory locks."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import Any

import orjson

from platekeeper.domain.time import from_epoch_us, to_epoch_us
from platekeeper.store.sql.dialect import DayCodec, Dialect, JsonCodec, TimeCodec, Violation


def _violation(exc: BaseException) -> Violation | None:
    if not isinstance(exc, sqlite3.IntegrityError):
        return None
    name = exc.sqlite_errorname or ""
    if name == "SQLITE_CONSTRAINT_FOREIGNKEY":
        return Violation.FOREIGN_KEY
    if name in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"):
        return Violation.UNIQUE
    return Violation.OTHER


def _array(values: Sequence[Any]) -> str:
    return orjson.dumps(list(values)).decode()


SQLITE = Dialect(
    name="sqlite",
    time=TimeCodec(to_db=to_epoch_us, from_db=from_epoch_us),
    day=DayCodec(to_db=date.isoformat, from_db=date.fromisoformat),
    json=JsonCodec(to_db=lambda value: orjson.dumps(value).decode(), from_db=orjson.loads),
    greatest="max",
    # One parameter however long the list: SQLite caps bound parameters at 32,766.
    member_sql="IN (SELECT value FROM json_each(?))",
    array=_array,
    json_text_sql="json_extract({column}, '$.{key}')",
    for_update="",
    skip_locked="",
    advisory_lock_sql=None,
    # Once on, it stays on for the writer's connection.
    secure_delete_sql="PRAGMA secure_delete = ON",
    # Without a WHERE, SQLite frees the table's pages whole (its truncate optimisation).
    empty_sql="DELETE FROM {table}",
    violation=_violation,
)
