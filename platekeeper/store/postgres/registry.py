"""Agencies and cameras in PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from psycopg import errors

from platekeeper.domain import Agency, Camera, CameraStatus
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.dialect import POSTGRES
from platekeeper.store.rows import (
    AGENCY_COLUMNS,
    CAMERA_COLUMNS,
    agency_from_row,
    agency_row,
    camera_from_row,
    camera_row,
)

_CAMERA_PARAMS = ", ".join(["%s"] * 11)


class PostgresAgencies:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def add(self, agency: Agency) -> None:
        try:
            with self._db.connection() as connection:
                connection.execute(
                    f"INSERT INTO agencies ({AGENCY_COLUMNS}) VALUES (%s, %s, %s, %s)",
                    agency_row(agency, POSTGRES.time),
                )
        except errors.IntegrityError:
            raise Conflict(f"agency {agency.id!r} already exists") from None

    def get(self, agency_id: str) -> Agency | None:
        with self._db.connection() as connection:
            row = connection.execute(
                f"SELECT {AGENCY_COLUMNS} FROM agencies WHERE id = %s", (agency_id,)
            ).fetchone()
        return None if row is None else agency_from_row(row, POSTGRES.time)

    def list(self) -> list[Agency]:
        with self._db.connection() as connection:
            rows = connection.execute(
                f"SELECT {AGENCY_COLUMNS} FROM agencies ORDER BY id"
            ).fetchall()
        return [agency_from_row(row, POSTGRES.time) for row in rows]


class PostgresCameras:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def add(self, camera: Camera) -> None:
        try:
            with self._db.connection() as connection:
                connection.execute(
                    f"INSERT INTO cameras ({CAMERA_COLUMNS}) VALUES ({_CAMERA_PARAMS})",
                    camera_row(camera, POSTGRES.time),
                )
        except errors.ForeignKeyViolation:
            raise NotFound(f"agency {camera.agency_id!r} does not exist") from None
        except errors.IntegrityError:
            raise Conflict(
                f"camera {camera.id!r} or its key already exists",
                hint="Choose another camera id; issue a new key.",
            ) from None

    def get(self, camera_id: str) -> Camera | None:
        return self._one(f"SELECT {CAMERA_COLUMNS} FROM cameras WHERE id = %s", camera_id)

    def list(self, agency_id: str | None = None) -> list[Camera]:
        with self._db.connection() as connection:
            if agency_id is None:
                cursor = connection.execute(f"SELECT {CAMERA_COLUMNS} FROM cameras ORDER BY id")
            else:
                cursor = connection.execute(
                    f"SELECT {CAMERA_COLUMNS} FROM cameras WHERE agency_id = %s ORDER BY id",
                    (agency_id,),
                )
            rows = cursor.fetchall()
        return [camera_from_row(row, POSTGRES.time) for row in rows]

    def by_key_hash(self, api_key_hash: str) -> Camera | None:
        return self._one(
            f"SELECT {CAMERA_COLUMNS} FROM cameras WHERE api_key_hash = %s", api_key_hash
        )

    def set_status(self, camera_id: str, status: CameraStatus) -> None:
        with self._db.connection() as connection:
            cursor = connection.execute(
                "UPDATE cameras SET status = %s WHERE id = %s", (status.value, camera_id)
            )
        if cursor.rowcount == 0:
            raise NotFound(f"camera {camera_id!r} does not exist")

    def replace_key(self, camera_id: str, api_key_hash: str) -> None:
        try:
            with self._db.connection() as connection:
                cursor = connection.execute(
                    "UPDATE cameras SET api_key_hash = %s WHERE id = %s", (api_key_hash, camera_id)
                )
        except errors.IntegrityError:
            raise Conflict("that key belongs to another camera", hint="Issue a new key.") from None
        if cursor.rowcount == 0:
            raise NotFound(f"camera {camera_id!r} does not exist")

    def record_contact(self, camera_id: str, at: datetime) -> None:
        # greatest() skips NULL, so the first contact is taken as it is.
        with self._db.connection() as connection:
            connection.execute(
                "UPDATE cameras SET last_contact_at = greatest(last_contact_at, %s) WHERE id = %s",
                (at, camera_id),
            )

    def _one(self, query: str, value: str) -> Camera | None:
        with self._db.connection() as connection:
            row = connection.execute(query, (value,)).fetchone()
        return None if row is None else camera_from_row(row, POSTGRES.time)
