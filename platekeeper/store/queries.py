"""SQL for a ``ReadQuery``, shared by both backends: they differ only in how a parameter is
written and how an instant is stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from platekeeper.domain.ids import read_id_lower_bound, read_id_upper_bound
from platekeeper.store.protocols import ReadQuery


def read_query_sql(
    query: ReadQuery,
    columns: str,
    *,
    placeholder: str,
    instant: Callable[[datetime], Any],
    bound_ids: bool = False,
) -> tuple[str, list[Any]]:
    """``SELECT columns FROM reads ...`` for ``query``, newest first, with its parameters.

    With ``bound_ids`` the time range also bounds the read ids, which sort by capture time
    (``platekeeper.domain.ids``), so that the primary key's index finds the range.
    """
    start, end = query.captured_from, query.captured_before
    conditions = [
        ("plate_key = {}", query.plate_key),
        ("camera_id = {}", query.camera_id),
        ("captured_at >= {}", None if start is None else instant(start)),
        ("captured_at < {}", None if end is None else instant(end)),
    ]
    if bound_ids:
        conditions += [
            ("id >= {}", None if start is None else read_id_lower_bound(start)),
            ("id < {}", None if end is None else read_id_upper_bound(end)),
        ]
    present = [
        (clause.format(placeholder), value) for clause, value in conditions if value is not None
    ]
    where = f" WHERE {' AND '.join(c for c, _ in present)}" if present else ""
    order = f" ORDER BY captured_at DESC, id DESC LIMIT {placeholder}"
    return f"SELECT {columns} FROM reads{where}{order}", [*(v for _, v in present), query.limit]
