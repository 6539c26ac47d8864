"""Records as rows and back, in one column order for both backends.

The backends differ only in how they keep an instant (SQLite: integer microseconds; PostgreSQL:
timestamptz), so each passes its ``TimeCodec``.
"""

from __future__ import annotations

from typing import Any

from platekeeper.domain import GeoPoint, PlateRead
from platekeeper.store.codec import (
    box_from_json,
    box_to_json,
    candidates_from_json,
    candidates_to_json,
)
from platekeeper.store.sql.dialect import TimeCodec

Row = tuple[Any, ...]

READ_COLUMNS = (
    "id, client_read_id, camera_id, plate_text, plate_key, confidence, region,"
    " region_confidence, candidates, captured_at, received_at, latitude, longitude, box,"
    " crop_ref, image_ref, fingerprint"
)


def read_row(read: PlateRead, time: TimeCodec) -> Row:
    """The values of ``read`` in ``READ_COLUMNS`` order. It runs for every stored read."""
    location = read.location
    return (
        read.id,
        read.client_read_id,
        read.camera_id,
        read.plate_text,
        read.plate_key,
        read.confidence,
        read.region,
        read.region_confidence,
        candidates_to_json(read.candidates),
        time.to_db(read.captured_at),
        time.to_db(read.received_at),
        None if location is None else location.latitude,
        None if location is None else location.longitude,
        box_to_json(read.box),
        read.crop_ref,
        read.image_ref,
        read.fingerprint,
    )


def read_from_row(row: Row, time: TimeCodec) -> PlateRead:
    return PlateRead(
        id=str(row[0]),
        client_read_id=row[1],
        camera_id=row[2],
        plate_text=row[3],
        plate_key=row[4],
        confidence=row[5],
        region=row[6],
        region_confidence=row[7],
        candidates=candidates_from_json(row[8]),
        captured_at=time.from_db(row[9]),
        received_at=time.from_db(row[10]),
        location=None if row[11] is None else GeoPoint(row[11], row[12]),
        box=box_from_json(row[13]),
        crop_ref=row[14],
        image_ref=row[15],
        fingerprint=row[16],
    )
