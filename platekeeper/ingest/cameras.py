"""Cameras for custodians: register one, change its status, rotate its ingest key, say how it
is heard when it sends a vendor's format; and their agency's time zone, the clock its pages,
exports and reports read.

The web pages and the CLI share this service, and both hand it a ``Person``: the signed-in
custodian, at the console too (``cli/identity.py``). Each change is decided first, through the
access gate (the policy-manage permission) and the agency scope (a custodian sees and changes
only their own agency's cameras; another agency's camera is reported as one that does not
exist); a refusal is written to the access log with its reason, and every change is written
there too; an ingest key never is. Before a camera goes active (registered, or set active) its
agency's fed hot lists are refreshed (``ListsReady``); if one cannot be, or is stale, the
camera is not deployed and the refusal is logged. A key is returned once, at
registration or rotation, and only its hash is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from platekeeper.domain import Agency, Camera, CameraKind, CameraStatus, GeoPoint
from platekeeper.domain.access import AccessOutcome, AccessSink
from platekeeper.domain.cameras import CameraSourceSettings, issue_camera_key
from platekeeper.domain.collection import COLLECT_EVERYTHING, CollectionRules
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.permissions import Permission
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.domain.zones import require_zone
from platekeeper.errors import NotFound, PermissionDenied
from platekeeper.store import Store
from platekeeper.store.protocols.image_fetches import ImageSource

T = TypeVar("T")
SILENT_AFTER = timedelta(hours=1)
"""An active camera that has sent nothing for this long is flagged as silent."""


class ListsReady(Protocol):
    """The hot lists a camera checks its reads against, made current before it is deployed
    (the hot-list service: the camera service does no feed I/O itself)."""

    def ready_for_deployment(self, agency_id: str) -> None:
        """Refresh ``agency_id``'s fed lists now; raise if one cannot be refreshed or is stale."""
        ...


CameraAdmin = Person
"""The former name of who administers cameras: a ``Person``."""
_HINT = "Ask a custodian of the camera's agency."


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

    who: Person
    action: str
    query: Mapping[str, str]

    @property
    def access(self) -> Access:
        return Access(
            self.who, Stated(), Permission.POLICY_MANAGE, self.query, step=self.action, hint=_HINT
        )

    @property
    def scope(self) -> AgencyScope:
        return AgencyScope.of(self.who.actor)


def silent(camera: Camera, now: datetime) -> bool:
    """Whether an active camera has not been heard from for ``SILENT_AFTER`` (or ever)."""
    if camera.status is not CameraStatus.ACTIVE:
        return False
    last = camera.last_contact_at
    return last is None or now - last > SILENT_AFTER


class CameraService:
    def __init__(
        self,
        store: Store,
        log: AccessSink,
        clock: Clock,
        lists: ListsReady,
        collection: CollectionRules = COLLECT_EVERYTHING,
    ) -> None:
        self._store = store
        self._lists = lists
        self._gate = AccessGate(log, clock)
        self._clock = clock
        self._collection = collection

    def list(self, who: Person) -> list[Camera]:
        """The cameras of ``who``'s agency."""
        change = _Change(who, "cameras:list", {})
        self._gate.permitted(change.access)
        return self._store.cameras.list(change.scope.agency_id)

    def register(
        self, who: Person, draft: CameraDraft, *, agency_id: str | None = None
    ) -> tuple[Camera, str]:
        """A new active camera of ``who``'s agency (``agency_id``, if given, must be theirs),
        and its ingest key."""
        agency = agency_id or who.actor.agency_id
        change = _Change(
            who, "cameras:register", {"camera_id": draft.camera_id, "agency_id": agency}
        )

        def act() -> tuple[Camera, str]:
            if not change.scope.admits(agency):
                raise PermissionDenied(
                    f"the camera would belong to agency {agency}, not yours",
                    hint="A custodian registers their own agency's cameras.",
                )
            self._collection.require_collection(f"registering camera {draft.camera_id!r}")
            self._lists.ready_for_deployment(agency)
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

    def set_status(self, who: Person, camera_id: str, status: CameraStatus) -> Camera:
        """Only active cameras may send reads; the others' keys are refused."""
        change = _Change(who, "cameras:status", {"camera_id": camera_id, "status": status.value})

        def act() -> tuple[CameraStatus, Camera]:
            camera = self._visible(change, camera_id)
            if status is CameraStatus.ACTIVE:
                self._collection.require_collection(f"activating camera {camera_id!r}")
                self._lists.ready_for_deployment(camera.agency_id)
            self._store.cameras.set_status(camera.id, status)
            return camera.status, self._get(camera_id)

        _, changed = self._logged(change, act, lambda r: f"status {r[0].value} -> {status.value}")
        return changed

    def rotate_key(self, who: Person, camera_id: str) -> tuple[Camera, str]:
        """A new ingest key for the camera; the old one stops working at once."""
        change = _Change(who, "cameras:rotate-key", {"camera_id": camera_id})

        def act() -> tuple[Camera, str]:
            camera = self._visible(change, camera_id)
            key, key_hash = issue_camera_key()
            self._store.cameras.replace_key(camera.id, key_hash)
            return self._get(camera_id), key

        return self._logged(change, act, lambda _: "new ingest key issued; the old one is void")

    def set_time_zone(self, who: Person, time_zone: str) -> Agency:
        """Set the time zone of ``who``'s agency (an IANA name, checked) and return the agency."""
        agency_id = who.actor.agency_id
        change = _Change(who, "agency:time-zone", {"agency_id": agency_id, "time_zone": time_zone})

        def act() -> tuple[str, Agency]:
            zone = require_zone(time_zone.strip())
            before = change.scope.own(
                self._store.agencies.get(agency_id), _agency_id, f"agency {agency_id!r}"
            )
            self._store.agencies.set_time_zone(agency_id, zone)
            return before.time_zone, dataclasses.replace(before, time_zone=zone)

        _, after = self._logged(change, act, lambda r: f"time zone {r[0]} -> {r[1].time_zone}")
        return after

    def set_source(self, who: Person, settings: CameraSourceSettings) -> CameraSourceSettings:
        """How the camera is heard when it sends a vendor's format (``ingest/sources``): its
        time zone, the frames it keeps, and whether it may send its key the weaker ways."""
        query = {
            "camera_id": settings.camera_id,
            "time_zone": settings.time_zone,
            "device_auth": settings.device_auth.value,
            "frames": settings.frames.value,
        }
        change = _Change(who, "cameras:source", query)

        def act() -> CameraSourceSettings:
            self._visible(change, settings.camera_id)
            self._store.camera_sources.put(settings)
            return settings

        return self._logged(change, act, lambda made: f"source settings {_describe(made)}")

    def set_image_source(self, who: Person, camera_id: str, source: ImageSource) -> ImageSource:
        """Where the camera's images sent by URL are fetched from, and with which credentials
        (the password sealed already: it never reaches the access log)."""
        query = {
            "camera_id": camera_id,
            "image_base_url": source.base_url or "",
            "image_user": source.username or "",
        }
        change = _Change(who, "cameras:source", query)

        def act() -> ImageSource:
            self._visible(change, camera_id)
            self._store.image_fetches.set_source(camera_id, source)
            return source

        return self._logged(change, act, _describe_images)

    def _visible(self, change: _Change, camera_id: str) -> Camera:
        """The camera if it lies in ``change.who``'s scope (called within the gate's decision,
        after the permission): another agency's camera is reported as one that does not exist."""
        camera = self._store.cameras.get(camera_id)
        return change.scope.own(camera, _camera_agency, f"camera {camera_id!r} does not exist")

    def _get(self, camera_id: str) -> Camera:
        camera = self._store.cameras.get(camera_id)
        if camera is None:
            raise NotFound(f"camera {camera_id!r} does not exist")
        return camera

    def _logged(self, change: _Change, act: Callable[[], T], describe: Callable[[T], str]) -> T:
        """``act()`` decided by the gate, logged as refused or as done, with ``describe``."""
        result = self._gate.check(change.access, lambda _: act())
        self._gate.record(change.access, AccessOutcome.ALLOWED, describe(result))
        return result


def _describe(settings: CameraSourceSettings) -> str:
    return (
        f"time zone {settings.time_zone}, authentication {settings.device_auth.value}, "
        f"frames {settings.frames.value}"
    )


def _describe_images(source: ImageSource) -> str:
    base = source.base_url or "none"
    user = "none" if source.username is None else f"user {source.username}, password sealed"
    return f"image source: base URL {base}, credentials {user}"


def _camera_agency(camera: Camera) -> str:
    return camera.agency_id


def _agency_id(agency: Agency) -> str:
    return agency.id
