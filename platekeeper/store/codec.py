"""Encodings of read fields that both backends store as JSON: candidates as
``[{"plate_text": ..., "confidence": ...}]``, a box as ``[{"x": ..., "y": ...}, ...]``.

They run for every stored read. orjson takes slotted dataclasses through a slow path (five
times the cost of these dicts), so the dicts are built here.
"""

from __future__ import annotations

from typing import Any

import orjson

from platekeeper.domain import PlateBox, PlateCandidate, Point


def candidates_to_json(candidates: tuple[PlateCandidate, ...]) -> str:
    return orjson.dumps(
        [{"plate_text": c.plate_text, "confidence": c.confidence} for c in candidates]
    ).decode()


def candidates_from_json(value: str | list[dict[str, Any]]) -> tuple[PlateCandidate, ...]:
    items = orjson.loads(value) if isinstance(value, str) else value
    return tuple(PlateCandidate(item["plate_text"], float(item["confidence"])) for item in items)


def box_to_json(box: PlateBox | None) -> str | None:
    if box is None:
        return None
    return orjson.dumps([{"x": corner.x, "y": corner.y} for corner in box.corners]).decode()


def box_from_json(value: str | list[dict[str, float]] | None) -> PlateBox | None:
    if value is None:
        return None
    items = orjson.loads(value) if isinstance(value, str) else value
    a, b, c, d = (Point(float(item["x"]), float(item["y"])) for item in items)
    return PlateBox((a, b, c, d))
