"""SQL for a ``ReadQuery``, shared by both backends: they differ only in how a parameter is
written and how an instant is stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from platekeeper.domain.ids import read_id_lower_bound, read_id_upper_bound
from platekeeper.domain.plates import CONFUSABLE_CLASSES, fold_confusables
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
    where, params = read_where_sql(
        query, placeholder=placeholder, instant=instant, bound_ids=bound_ids
    )
    order = f" ORDER BY captured_at DESC, id DESC LIMIT {placeholder}"
    return f"SELECT {columns} FROM reads{where}{order}", [*params, query.limit]


def read_where_sql(
    query: ReadQuery,
    *,
    placeholder: str,
    instant: Callable[[datetime], Any],
    bound_ids: bool = False,
) -> tuple[str, list[Any]]:
    """The ``WHERE`` clause of ``query`` (empty without bounds) and its parameters; its limit
    is not part of it."""
    start, end = query.captured_from, query.captured_before
    area = query.area
    key, like = query.plate_key, query.plate_like
    column = "plate_key"
    if query.misread_tolerant:
        column = _FOLDED_PLATE_KEY
        key = None if key is None else fold_confusables(key)
        like = None if like is None else fold_confusables(like)
    conditions = [
        (f"{column} = {{}}", key),
        # Plate keys are upper-case letters and digits, so LIKE's case rules never matter.
        (f"{column} LIKE {{}}", like),
        ("camera_id = {}", query.camera_id),
        ("camera_id IN (SELECT id FROM cameras WHERE agency_id = {})", query.agency_id),
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
    clauses = [clause for clause, _ in present]
    params: list[Any] = [value for _, value in present]
    if area is not None:
        clauses.append(_AREA.format(p=placeholder))
        params += [area.south, area.north, area.west, area.east] * 2
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return where, params


def _folded(column: str) -> str:
    """SQL folding ``column`` as ``fold_confusables`` does, in SQLite and PostgreSQL alike."""
    for group in CONFUSABLE_CLASSES:
        for look_alike in group[1:]:
            column = f"REPLACE({column}, '{look_alike}', '{group[0]}')"
    return column


_FOLDED_PLATE_KEY = _folded("plate_key")

# A read carries its own position when it came from a mobile camera; a fixed camera's reads are
# where the camera stands.
_AREA = (
    "((latitude BETWEEN {p} AND {p} AND longitude BETWEEN {p} AND {p})"
    " OR (latitude IS NULL AND camera_id IN (SELECT id FROM cameras"
    " WHERE latitude BETWEEN {p} AND {p} AND longitude BETWEEN {p} AND {p})))"
)
