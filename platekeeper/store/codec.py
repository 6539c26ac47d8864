"""Encodings of read fields that both backends store as JSON."""

from __future__ import annotations

from typing import Any

import orjson

from platekeeper.domain import PlateBox, PlateCandidate, Point


def candidates_to_json(candidates: tuple[PlateCandidate, ...]) -> str:
    return orjson.dumps([[c.plate_text, c.confidence] for c in candidates]).decode()


def candidates_from_json(value: str | list[list[Any]]) -> tuple[PlateCandidate, ...]:
    items = orjson.loads(value) if isinstance(value, str) else value
    return tuple(PlateCandidate(str(text), float(confidence)) for text, confidence in items)


def box_to_json(box: PlateBox | None) -> str | None:
    if box is None:
        return None
    return orjson.dumps([[corner.x, corner.y] for corner in box.corners]).decode()


def box_from_json(value: str | list[list[float]] | None) -> PlateBox | None:
    if value is None:
        return None
    items = orjson.loads(value) if isinstance(value, str) else value
    a, b, c, d = (Point(float(x), float(y)) for x, y in items)
    return PlateBox((a, b, c, d))
