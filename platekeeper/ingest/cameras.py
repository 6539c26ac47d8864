"""Cameras for custodians: register one, change its status, rotate its ingest key.

The web pages and the CLI share this service. Each change is decided first (the policy-manage
permission, the camera's agency), a refusal is written to the access log with its reason, and
every change is written there too; an ingest key never is. A key is returned once, at
registration or rotation, and only its hash is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from platekeeper.domain import Camera, CameraKind, CameraStatus, GeoPoint
from platekeeper.domain.access import AccessSink, Actor
from platekeeper.domain.cameras import issue_camera_key
from platekeeper.domain.changes import ChangeLog, LoggedChange
from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Decision, Permission, decide
from platekeeper.domain.time import Clock
from platekeeper.errors import InvalidInput, NotFound, PermissionDenied
from platekeeper.store import Store

T = TypeVar("T")
SILENT_AFTER = timedelta(hours=1)
"""An active camera that has sent nothing for this long is flagged as silent."""


@dataclass(frozen=True, slots=True)
class CameraAdmin:
    """Who administers cameras: a signed-in person with roles, or the host's console operator."""

    actor: Actor
    roles: frozenset[Role] = frozenset()
    client_address: str | None = None
    console: bool = False


@dataclass(frozen=True, slots=True)
class CameraDraft:
    """A camera as a custodian describes it, before it has a key."""

    camera_id: str
    name: str
    kind: CameraKind
    location: GeoPoint | None = None
    heading_deg: float | None = None


@dataclass(frozen=True, slots=True)
class _Change:
    """One change being decided: who asks, its action for the log and its query."""

    who: CameraAdmin
    action: str
    query: Mapping[str, str]

    @property
    def logged(self) -> LoggedChange:
        return LoggedChange(self.who.actor, self.action, self.query, self.who.client_address)


def may_administer(who: CameraAdmin, camera_agency: str) -> Decision:
    if who.console:
        return Decision(True, "host administrator at the console")
    decision = decide(who.roles, Permission.POLICY_MANAGE)
    if decision.allowed and camera_agency != who.actor.agency_id:
        return Decision(False, "the camera belongs to another agency")
    return decision


def silent(camera: Camera, now: datetime) -> bool:
    """Whether an active camera has not been heard from for ``SILENT_AFTER`` (or ever)."""
    if camera.status is not CameraStatus.ACTIVE:
        return False
    last = camera.last_contact_at
    return last is None or now - last > SILENT_AFTER


class CameraService:
    def __init__(self, store: Store, log: AccessSink, clock: Clock) -> None:
        self._store = store
        self._changes = ChangeLog(log, clock)
        self._clock = clock

    def list(self, who: CameraAdmin) -> list[Camera]:
        """The cameras of ``who``'s agency (every agency's, at the console)."""
        change = _Change(who, "cameras:list", {})
        self._logged_refusal(change, lambda: self._require(change, who.actor.agency_id))
        return self._store.cameras.list(None if who.console else who.actor.agency_id)

    def register(
        self, who: CameraAdmin, draft: CameraDraft, *, agency_id: str | None = None
    ) -> tuple[Camera, str]:
        """A new active camera of ``agency_id`` (by default ``who``'s), and its ingest key."""
        if who.console and agency_id is None:
            raise InvalidInput("name the agency that operates the camera")
        agency = agency_id or who.actor.agency_id
        change = _Change(
            who, "cameras:register", {"camera_id": draft.camera_id, "agency_id": agency}
        )

        def act() -> tuple[Camera, str]:
            self._require(change, agency)
            key, key_hash = issue_camera_key()
            camera = Camera(
                id=draft.camera_id,
                agency_id=agency,
                name=draft.name.strip(),
                kind=draft.kind,
                status=CameraStatus.ACTIVE,
                api_key_hash=key_hash,
                created_at=self._clock.now(),
                location=draft.location,
                heading_deg=draft.heading_deg,
            )
            self._store.cameras.add(camera)
            return camera, key

        return self._logged(change, act, lambda made: f"{made[0].kind.value} camera registered")

    def set_status(self, who: CameraAdmin, camera_id: str, status: CameraStatus) -> Camera:
        """Only active cameras may send reads; the others' keys are refused."""
        change = _Change(who, "cameras:status", {"camera_id": camera_id, "status": status.value})

        def act() -> tuple[CameraStatus, Camera]:
            camera = self._visible(change, camera_id)
            self._store.cameras.set_status(camera.id, status)
            return camera.status, self._get(camera_id)

        _, changed = self._logged(change, act, lambda r: f"status {r[0].value} -> {status.value}")
        return changed

    def rotate_key(self, who: CameraAdmin, camera_id: str) -> tuple[Camera, str]:
        """A new ingest key for the camera; the old one stops working at once."""
        change = _Change(who, "cameras:rotate-key", {"camera_id": camera_id})

        def act() -> tuple[Camera, str]:
            camera = self._visible(change, camera_id)
            key, key_hash = issue_camera_key()
            self._store.cameras.replace_key(camera.id, key_hash)
            return self._get(camera_id), key

        return self._logged(change, act, lambda _: "new ingest key issued; the old one is void")

    def _visible(self, change: _Change, camera_id: str) -> Camera:
        camera = self._store.cameras.get(camera_id)
        who = change.who
        # Another agency's camera is reported as missing: its existence is not for this person.
        if camera is None or not (who.console or camera.agency_id == who.actor.agency_id):
            self._require(change, who.actor.agency_id)
            raise NotFound(f"camera {camera_id!r} does not exist")
        self._require(change, camera.agency_id)
        return camera

    def _get(self, camera_id: str) -> Camera:
        camera = self._store.cameras.get(camera_id)
        if camera is None:
            raise NotFound(f"camera {camera_id!r} does not exist")
        return camera

    def _require(self, change: _Change, agency: str) -> None:
        decision = may_administer(change.who, agency)
        if not decision.allowed:
            raise PermissionDenied(decision.reason, hint="Ask a custodian of the camera's agency.")

    def _logged_refusal(self, change: _Change, act: Callable[[], T]) -> T:
        return self._changes.refusals(change.logged, act)

    def _logged(self, change: _Change, act: Callable[[], T], describe: Callable[[T], str]) -> T:
        return self._changes.logged(change.logged, act, describe)
