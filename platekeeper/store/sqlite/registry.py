"""Agencies and cameras in SQLite."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from platekeeper.domain import Agency, Camera, CameraKind, CameraStatus, GeoPoint
from platekeeper.domain.time import from_epoch_us, to_epoch_us
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.sqlite.database import SqliteDatabase

_CAMERA_COLUMNS = (
    "id, agency_id, name, kind, status, latitude, longitude, heading_deg, api_key_hash,"
    " created_at, last_contact_at"
)
_CAMERA_PARAMS = ", ".join("?" * 11)


class SqliteAgencies:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, agency: Agency) -> None:
        try:
            with self._db.write() as connection:
                connection.execute(
                    "INSERT INTO agencies (id, name, state, created_at) VALUES (?, ?, ?, ?)",
                    (agency.id, agency.name, agency.state, to_epoch_us(agency.created_at)),
                )
        except sqlite3.IntegrityError:
            raise Conflict(f"agency {agency.id!r} already exists") from None

    def get(self, agency_id: str) -> Agency | None:
        row = self._db.fetch_one(
            "SELECT id, name, state, created_at FROM agencies WHERE id = ?", (agency_id,)
        )
        return None if row is None else _agency(row)

    def list(self) -> list[Agency]:
        rows = self._db.fetch_all("SELECT id, name, state, created_at FROM agencies ORDER BY id")
        return [_agency(row) for row in rows]


class SqliteCameras:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, camera: Camera) -> None:
        location = camera.location
        try:
            with self._db.write() as connection:
                connection.execute(
                    f"INSERT INTO cameras ({_CAMERA_COLUMNS}) VALUES ({_CAMERA_PARAMS})",
                    (
                        camera.id,
                        camera.agency_id,
                        camera.name,
                        camera.kind.value,
                        camera.status.value,
                        None if location is None else location.latitude,
                        None if location is None else location.longitude,
                        camera.heading_deg,
                        camera.api_key_hash,
                        to_epoch_us(camera.created_at),
                        _us_or_none(camera.last_contact_at),
                    ),
                )
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == "SQLITE_CONSTRAINT_FOREIGNKEY":
                raise NotFound(f"agency {camera.agency_id!r} does not exist") from None
            raise Conflict(
                f"camera {camera.id!r} or its key already exists",
                hint="Choose another camera id; issue a new key.",
            ) from None

    def get(self, camera_id: str) -> Camera | None:
        row = self._db.fetch_one(
            f"SELECT {_CAMERA_COLUMNS} FROM cameras WHERE id = ?", (camera_id,)
        )
        return None if row is None else _camera(row)

    def list(self, agency_id: str | None = None) -> list[Camera]:
        if agency_id is None:
            rows = self._db.fetch_all(f"SELECT {_CAMERA_COLUMNS} FROM cameras ORDER BY id")
        else:
            rows = self._db.fetch_all(
                f"SELECT {_CAMERA_COLUMNS} FROM cameras WHERE agency_id = ? ORDER BY id",
                (agency_id,),
            )
        return [_camera(row) for row in rows]

    def by_key_hash(self, api_key_hash: str) -> Camera | None:
        row = self._db.fetch_one(
            f"SELECT {_CAMERA_COLUMNS} FROM cameras WHERE api_key_hash = ?", (api_key_hash,)
        )
        return None if row is None else _camera(row)

    def set_status(self, camera_id: str, status: CameraStatus) -> None:
        with self._db.write() as connection:
            cursor = connection.execute(
                "UPDATE cameras SET status = ? WHERE id = ?", (status.value, camera_id)
            )
        if cursor.rowcount == 0:
            raise NotFound(f"camera {camera_id!r} does not exist")

    def replace_key(self, camera_id: str, api_key_hash: str) -> None:
        try:
            with self._db.write() as connection:
                cursor = connection.execute(
                    "UPDATE cameras SET api_key_hash = ? WHERE id = ?", (api_key_hash, camera_id)
                )
        except sqlite3.IntegrityError:
            raise Conflict("that key belongs to another camera", hint="Issue a new key.") from None
        if cursor.rowcount == 0:
            raise NotFound(f"camera {camera_id!r} does not exist")

    def record_contact(self, camera_id: str, at: datetime) -> None:
        with self._db.write() as connection:
            connection.execute(
                "UPDATE cameras SET last_contact_at = max(coalesce(last_contact_at, 0), ?)"
                " WHERE id = ?",
                (to_epoch_us(at), camera_id),
            )


def _us_or_none(instant: datetime | None) -> int | None:
    return None if instant is None else to_epoch_us(instant)


def _agency(row: tuple[Any, ...]) -> Agency:
    return Agency(id=row[0], name=row[1], state=row[2], created_at=from_epoch_us(row[3]))


def _camera(row: tuple[Any, ...]) -> Camera:
    return Camera(
        id=row[0],
        agency_id=row[1],
        name=row[2],
        kind=CameraKind(row[3]),
        status=CameraStatus(row[4]),
        location=None if row[5] is None else GeoPoint(row[5], row[6]),
        heading_deg=row[7],
        api_key_hash=row[8],
        created_at=from_epoch_us(row[9]),
        last_contact_at=None if row[10] is None else from_epoch_us(row[10]),
    )
