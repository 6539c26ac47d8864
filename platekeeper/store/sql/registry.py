"""Agencies and the cameras they run."""

from __future__ import annotations

from datetime import datetime

from platekeeper.domain import Agency, Camera, CameraKind, CameraStatus, GeoPoint
from platekeeper.domain.cameras import CameraSourceSettings, DeviceAuth, FramePolicy
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.sql.database import Repository, Row, marks
from platekeeper.store.sql.dialect import ConstraintViolation, TimeCodec, Violation

_AGENCY_COLUMNS = "id, name, state, created_at, time_zone"
_CAMERA_COLUMNS = (
    "id, agency_id, name, kind, status, latitude, longitude, heading_deg, api_key_hash,"
    " created_at, last_contact_at"
)


class SqlAgencies(Repository):
    def add(self, agency: Agency) -> None:
        try:
            self._execute(
                f"INSERT INTO agencies ({_AGENCY_COLUMNS}) VALUES ({marks(5)})",
                _agency_row(agency, self._time),
            )
        except ConstraintViolation:
            raise Conflict(f"agency {agency.id!r} already exists") from None

    def get(self, agency_id: str) -> Agency | None:
        row = self._fetch_one(f"SELECT {_AGENCY_COLUMNS} FROM agencies WHERE id = ?", (agency_id,))
        return None if row is None else _agency_from_row(row, self._time)

    def list(self) -> list[Agency]:
        rows = self._fetch_all(f"SELECT {_AGENCY_COLUMNS} FROM agencies ORDER BY id")
        return [_agency_from_row(row, self._time) for row in rows]

    def set_time_zone(self, agency_id: str, time_zone: str) -> None:
        changed = self._execute(
            "UPDATE agencies SET time_zone = ? WHERE id = ?", (time_zone, agency_id)
        )
        if not changed:
            raise NotFound(f"agency {agency_id!r} does not exist")


class SqlCameras(Repository):
    def add(self, camera: Camera) -> None:
        try:
            self._execute(
                f"INSERT INTO cameras ({_CAMERA_COLUMNS}) VALUES ({marks(11)})",
                _camera_row(camera, self._time),
            )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"agency {camera.agency_id!r} does not exist") from None
            raise Conflict(
                f"camera {camera.id!r} or its key already exists",
                hint="Choose another camera id; issue a new key.",
            ) from None

    def get(self, camera_id: str) -> Camera | None:
        return self._one("id", camera_id)

    def list(self, agency_id: str | None = None) -> list[Camera]:
        where, params = ("", []) if agency_id is None else (" WHERE agency_id = ?", [agency_id])
        rows = self._fetch_all(f"SELECT {_CAMERA_COLUMNS} FROM cameras{where} ORDER BY id", params)
        return [_camera_from_row(row, self._time) for row in rows]

    def by_key_hash(self, api_key_hash: str) -> Camera | None:
        return self._one("api_key_hash", api_key_hash)

    def set_status(self, camera_id: str, status: CameraStatus) -> None:
        changed = self._execute(
            "UPDATE cameras SET status = ? WHERE id = ?", (status.value, camera_id)
        )
        if changed == 0:
            raise _missing(camera_id)

    def replace_key(self, camera_id: str, api_key_hash: str) -> None:
        try:
            changed = self._execute(
                "UPDATE cameras SET api_key_hash = ? WHERE id = ?", (api_key_hash, camera_id)
            )
        except ConstraintViolation:
            raise Conflict("that key belongs to another camera", hint="Issue a new key.") from None
        if changed == 0:
            raise _missing(camera_id)

    def record_contact(self, camera_id: str, at: datetime) -> None:
        instant = self._time.to_db(at)
        self._execute(
            f"UPDATE cameras SET last_contact_at = {self._dialect.later('last_contact_at')}"
            " WHERE id = ?",
            (instant, instant, camera_id),
        )

    def _one(self, column: str, value: str) -> Camera | None:
        row = self._fetch_one(f"SELECT {_CAMERA_COLUMNS} FROM cameras WHERE {column} = ?", (value,))
        return None if row is None else _camera_from_row(row, self._time)


class SqlCameraSources(Repository):
    def get(self, camera_id: str) -> CameraSourceSettings | None:
        row = self._fetch_one(
            "SELECT camera_id, time_zone, device_auth, frames FROM camera_sources"
            " WHERE camera_id = ?",
            (camera_id,),
        )
        if row is None:
            return None
        return CameraSourceSettings(row[0], row[1], DeviceAuth(row[2]), FramePolicy(row[3]))

    def put(self, settings: CameraSourceSettings) -> None:
        row = (
            settings.camera_id,
            settings.time_zone,
            settings.device_auth.value,
            settings.frames.value,
        )
        try:
            self._execute(
                "INSERT INTO camera_sources (camera_id, time_zone, device_auth, frames)"
                f" VALUES ({marks(4)}) ON CONFLICT (camera_id) DO UPDATE SET"
                " time_zone = excluded.time_zone, device_auth = excluded.device_auth,"
                " frames = excluded.frames",
                row,
            )
        except ConstraintViolation:
            raise _missing(settings.camera_id) from None


def _missing(camera_id: str) -> NotFound:
    return NotFound(f"camera {camera_id!r} does not exist")


def _agency_row(agency: Agency, time: TimeCodec) -> Row:
    return (agency.id, agency.name, agency.state, time.to_db(agency.created_at), agency.time_zone)


def _agency_from_row(row: Row, time: TimeCodec) -> Agency:
    return Agency(
        id=row[0], name=row[1], state=row[2], created_at=time.from_db(row[3]), time_zone=row[4]
    )


def _camera_row(camera: Camera, time: TimeCodec) -> Row:
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


def _camera_from_row(row: Row, time: TimeCodec) -> Camera:
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
