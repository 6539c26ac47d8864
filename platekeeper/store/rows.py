"""Records as rows and back, in one column order for both backends.

The backends differ only in how they keep an instant (SQLite: integer microseconds; PostgreSQL:
timestamptz), so each passes its ``TimeCodec``.
"""

from __future__ import annotations

from typing import Any

from platekeeper.domain import Agency, Camera, CameraKind, CameraStatus, GeoPoint, PlateRead
from platekeeper.store.codec import (
    box_from_json,
    box_to_json,
    candidates_from_json,
    candidates_to_json,
)
from platekeeper.store.sql.dialect import TimeCodec

Row = tuple[Any, ...]

AGENCY_COLUMNS = "id, name, state, created_at"
CAMERA_COLUMNS = (
    "id, agency_id, name, kind, status, latitude, longitude, heading_deg, api_key_hash,"
    " created_at, last_contact_at"
)
READ_COLUMNS = (
    "id, client_read_id, camera_id, plate_text, plate_key, confidence, region,"
    " region_confidence, candidates, captured_at, received_at, latitude, longitude, box,"
    " crop_ref, image_ref, fingerprint"
)


def agency_row(agency: Agency, time: TimeCodec) -> Row:
    return (agency.id, agency.name, agency.state, time.to_db(agency.created_at))


def agency_from_row(row: Row, time: TimeCodec) -> Agency:
    return Agency(id=row[0], name=row[1], state=row[2], created_at=time.from_db(row[3]))


def camera_row(camera: Camera, time: TimeCodec) -> Row:
    location = camera.location
    return (
        camera.id,
        camera.agency_id,
        camera.name,
        camera.kind.value,
        camera.status.value,
        None if location is None else location.latitude,
        None if location is None else location.longitude,
        camera.heading_deg,
        camera.api_key_hash,
        time.to_db(camera.created_at),
        time.optional_to_db(camera.last_contact_at),
    )


def camera_from_row(row: Row, time: TimeCodec) -> Camera:
    return Camera(
        id=row[0],
        agency_id=row[1],
        name=row[2],
        kind=CameraKind(row[3]),
        status=CameraStatus(row[4]),
        location=None if row[5] is None else GeoPoint(row[5], row[6]),
        heading_deg=row[7],
        api_key_hash=row[8],
        created_at=time.from_db(row[9]),
        last_contact_at=time.optional_from_db(row[10]),
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
