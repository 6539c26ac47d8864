"""Agencies and cameras in SQLite."""

from __future__ import annotations

from datetime import datetime

from platekeeper.domain import Agency, Camera, CameraStatus
from platekeeper.domain.time import to_epoch_us
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.rows import (
    AGENCY_COLUMNS,
    CAMERA_COLUMNS,
    agency_from_row,
    agency_row,
    camera_from_row,
    camera_row,
)
from platekeeper.store.sql.dialect import ConstraintViolation, Violation
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.dialect import SQLITE

_CAMERA_PARAMS = ", ".join("?" * 11)


class SqliteAgencies:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, agency: Agency) -> None:
        try:
            with self._db.write() as connection:
                connection.execute(
                    f"INSERT INTO agencies ({AGENCY_COLUMNS}) VALUES (?, ?, ?, ?)",
                    agency_row(agency, SQLITE.time),
                )
        except ConstraintViolation:
            raise Conflict(f"agency {agency.id!r} already exists") from None

    def get(self, agency_id: str) -> Agency | None:
        row = self._db.fetch_one(
            f"SELECT {AGENCY_COLUMNS} FROM agencies WHERE id = ?", (agency_id,)
        )
        return None if row is None else agency_from_row(row, SQLITE.time)

    def list(self) -> list[Agency]:
        rows = self._db.fetch_all(f"SELECT {AGENCY_COLUMNS} FROM agencies ORDER BY id")
        return [agency_from_row(row, SQLITE.time) for row in rows]


class SqliteCameras:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def add(self, camera: Camera) -> None:
        try:
            with self._db.write() as connection:
                connection.execute(
                    f"INSERT INTO cameras ({CAMERA_COLUMNS}) VALUES ({_CAMERA_PARAMS})",
                    camera_row(camera, SQLITE.time),
                )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"agency {camera.agency_id!r} does not exist") from None
            raise Conflict(
                f"camera {camera.id!r} or its key already exists",
                hint="Choose another camera id; issue a new key.",
            ) from None

    def get(self, camera_id: str) -> Camera | None:
        row = self._db.fetch_one(f"SELECT {CAMERA_COLUMNS} FROM cameras WHERE id = ?", (camera_id,))
        return None if row is None else camera_from_row(row, SQLITE.time)

    def list(self, agency_id: str | None = None) -> list[Camera]:
        if agency_id is None:
            rows = self._db.fetch_all(f"SELECT {CAMERA_COLUMNS} FROM cameras ORDER BY id")
        else:
            rows = self._db.fetch_all(
                f"SELECT {CAMERA_COLUMNS} FROM cameras WHERE agency_id = ? ORDER BY id",
                (agency_id,),
            )
        return [camera_from_row(row, SQLITE.time) for row in rows]

    def by_key_hash(self, api_key_hash: str) -> Camera | None:
        row = self._db.fetch_one(
            f"SELECT {CAMERA_COLUMNS} FROM cameras WHERE api_key_hash = ?", (api_key_hash,)
        )
        return None if row is None else camera_from_row(row, SQLITE.time)

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
        except ConstraintViolation:
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
