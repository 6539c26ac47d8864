"""Agencies and cameras in PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from psycopg import errors

from platekeeper.domain import Agency, Camera, CameraKind, CameraStatus, GeoPoint
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.postgres.database import PostgresDatabase

_AGENCY_COLUMNS = "id, name, state, created_at"
_CAMERA_COLUMNS = (
    "id, agency_id, name, kind, status, latitude, longitude, heading_deg, api_key_hash,"
    " created_at, last_contact_at"
)
_CAMERA_PARAMS = ", ".join(["%s"] * 11)


class PostgresAgencies:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def add(self, agency: Agency) -> None:
        try:
            with self._db.connection() as connection:
                connection.execute(
                    f"INSERT INTO agencies ({_AGENCY_COLUMNS}) VALUES (%s, %s, %s, %s)",
                    (agency.id, agency.name, agency.state, agency.created_at),
                )
        except errors.IntegrityError:
            raise Conflict(f"agency {agency.id!r} already exists") from None

    def get(self, agency_id: str) -> Agency | None:
        with self._db.connection() as connection:
            row = connection.execute(
                f"SELECT {_AGENCY_COLUMNS} FROM agencies WHERE id = %s", (agency_id,)
            ).fetchone()
        return None if row is None else _agency(row)

    def list(self) -> list[Agency]:
        with self._db.connection() as connection:
            rows = connection.execute(
                f"SELECT {_AGENCY_COLUMNS} FROM agencies ORDER BY id"
            ).fetchall()
        return [_agency(row) for row in rows]


class PostgresCameras:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def add(self, camera: Camera) -> None:
        location = camera.location
        try:
            with self._db.connection() as connection:
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
                        camera.created_at,
                        camera.last_contact_at,
                    ),
                )
        except errors.ForeignKeyViolation:
            raise NotFound(f"agency {camera.agency_id!r} does not exist") from None
        except errors.IntegrityError:
            raise Conflict(
                f"camera {camera.id!r} or its key already exists",
                hint="Choose another camera id; issue a new key.",
            ) from None

    def get(self, camera_id: str) -> Camera | None:
        return self._one(f"SELECT {_CAMERA_COLUMNS} FROM cameras WHERE id = %s", camera_id)

    def list(self, agency_id: str | None = None) -> list[Camera]:
        with self._db.connection() as connection:
            if agency_id is None:
                cursor = connection.execute(f"SELECT {_CAMERA_COLUMNS} FROM cameras ORDER BY id")
            else:
                cursor = connection.execute(
                    f"SELECT {_CAMERA_COLUMNS} FROM cameras WHERE agency_id = %s ORDER BY id",
                    (agency_id,),
                )
            rows = cursor.fetchall()
        return [_camera(row) for row in rows]

    def by_key_hash(self, api_key_hash: str) -> Camera | None:
        return self._one(
            f"SELECT {_CAMERA_COLUMNS} FROM cameras WHERE api_key_hash = %s", api_key_hash
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
        return None if row is None else _camera(row)


def _agency(row: tuple[Any, ...]) -> Agency:
    return Agency(id=row[0], name=row[1], state=row[2], created_at=row[3].astimezone(UTC))


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
        created_at=row[9].astimezone(UTC),
        last_contact_at=None if row[10] is None else row[10].astimezone(UTC),
    )
