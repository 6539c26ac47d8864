"""SQL for a ``ReadQuery``, shared by both backends: they differ only in how a parameter is
written and how an instant is stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from platekeeper.store.protocols import ReadQuery


def read_query_sql(
    query: ReadQuery, columns: str, *, placeholder: str, instant: Callable[[datetime], Any]
) -> tuple[str, list[Any]]:
    """``SELECT columns FROM reads ...`` for ``query``, newest first, with its parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    for clause, value in (
        ("plate_key = {}", query.plate_key),
        ("camera_id = {}", query.camera_id),
        (
            "captured_at >= {}",
            None if query.captured_from is None else instant(query.captured_from),
        ),
        (
            "captured_at < {}",
            None if query.captured_before is None else instant(query.captured_before),
        ),
    ):
        if value is not None:
            clauses.append(clause.format(placeholder))
            params.append(value)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = (
        f"SELECT {columns} FROM reads{where} ORDER BY captured_at DESC, id DESC LIMIT {placeholder}"
    )
    return sql, [*params, query.limit]
