"""PostgreSQL's ``Dialect``: timestamptz (given back in the session's zone, made UTC here),
date, jsonb, row locks and transaction-scoped advisory locks; and the adapter that lets the
shared SQL, written with ``?``, run through psycopg."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import errors
from psycopg.adapt import Dumper
from psycopg.pq import TransactionStatus
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb

from platekeeper.store.sql.dialect import DayCodec, Dialect, JsonCodec, TimeCodec, Violation

Connection = psycopg.Connection[TupleRow]


def _violation(exc: BaseException) -> Violation | None:
    if isinstance(exc, errors.ForeignKeyViolation):
        return Violation.FOREIGN_KEY
    if isinstance(exc, errors.UniqueViolation):
        return Violation.UNIQUE
    if isinstance(exc, errors.IntegrityError):
        return Violation.OTHER
    return None


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _same_day(value: date) -> date:
    return value


class TextArray(tuple[str, ...]):
    """Strings bound as one ``text[]`` parameter, written as PostgreSQL's array literal at once.
    psycopg's list dumper takes each element through Python in turn: a pattern's thousand
    plates cost it most of a millisecond, several times a search."""


class _TextArrayDumper(Dumper):
    oid = psycopg.postgres.types["text"].array_oid

    def dump(self, obj: TextArray) -> bytes:
        # In the connection's encoding, as psycopg sends any other text.
        encoding = "utf-8" if self.connection is None else self.connection.info.encoding
        return text_array_literal(obj).encode(encoding)


psycopg.adapters.register_dumper(TextArray, _TextArrayDumper)


def text_array_literal(values: Sequence[str]) -> str:
    """``values`` as a ``text[]`` literal: each element quoted, so that commas, braces, spaces
    and the word NULL stay text; quotes and backslashes escaped."""
    if any('"' in value or "\\" in value for value in values):
        values = [value.replace("\\", "\\\\").replace('"', '\\"') for value in values]
    return '{"' + '","'.join(values) + '"}' if values else "{}"


def _array(values: Sequence[Any]) -> TextArray | list[Any]:
    """Strings as a ``TextArray``; anything else (read ids are uuids), and an empty list, whose
    type the server infers from the column, as a list."""
    if values and all(isinstance(value, str) for value in values):
        return TextArray(values)
    return list(values)


POSTGRES = Dialect(
    name="postgres",
    time=TimeCodec(to_db=lambda instant: instant, from_db=_utc),
    day=DayCodec(to_db=_same_day, from_db=_same_day),
    json=JsonCodec(to_db=Jsonb, from_db=lambda value: value),
    greatest="greatest",
    member_sql="= ANY(?)",
    array=_array,
    json_text_sql="({column} ->> '{key}')",
    for_update=" FOR UPDATE",
    skip_locked=" FOR UPDATE SKIP LOCKED",
    advisory_lock_sql="SELECT pg_advisory_xact_lock(?, hashtext(coalesce(current_schema(), '')))",
    secure_delete_sql=None,
    # A new file for the table, the old one dropped at commit; readers wait until then.
    empty_sql="TRUNCATE {table}",
    violation=_violation,
)


class PostgresTransaction:
    """A psycopg connection that takes the shared SQL's ``?`` marks."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[TupleRow]:
        return self.connection.execute(_pyformat(sql), parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(_pyformat(sql), seq_of_parameters)

    def fetch_under_one_plan(
        self, sql: str, parameters: Sequence[Any] = (), /, *, in_table_order: bool = False
    ) -> list[TupleRow]:
        """The rows of ``sql``, prepared at its first run and planned once for any parameters:
        for a statement whose best plan does not depend on their values, and whose planning
        costs more than its run. ``in_table_order``: as in ``fetch_in_table_order``."""
        settings = ["plan_cache_mode = force_generic_plan"]
        if in_table_order:
            settings.append("enable_indexscan = off")
        return self._fetch_under(settings, sql, parameters, prepare=True)

    def fetch_in_table_order(self, sql: str, parameters: Sequence[Any] = (), /) -> list[TupleRow]:
        """The rows of ``sql``, found through its indexes as bitmaps and read from each table
        in the order of its pages, the storage asked for several at once
        (``effective_io_concurrency``): for a statement whose rows lie scattered over a large
        table, which an index scan reads one page after the other. Planned for its values."""
        return self._fetch_under(["enable_indexscan = off"], sql, parameters, prepare=False)

    def _fetch_under(
        self, settings: list[str], sql: str, parameters: Sequence[Any], *, prepare: bool
    ) -> list[TupleRow]:
        # The settings last until the transaction they are made in ends. Within a caller's
        # transaction they would outlast the statement: it is planned as any other there.
        connection = self.connection
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return connection.execute(_pyformat(sql), parameters, prepare=prepare).fetchall()
        with connection.transaction():
            for setting in settings:
                connection.execute(f"SET LOCAL {setting}")
            return connection.execute(_pyformat(sql), parameters, prepare=prepare).fetchall()


@lru_cache(maxsize=4096)
def _pyformat(sql: str) -> str:
    # psycopg reads % as the start of a mark; a literal one (LIKE 'A%') is written %%.
    return sql.replace("%", "%%").replace("?", "%s")
