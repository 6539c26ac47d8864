"""The read-access service on each store backend, with reads from two agencies."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from platekeeper.access import ApprovalDesk, Basis, ReadAccess, Requester
from platekeeper.config import AccessSettings
from platekeeper.domain import Agency, PlateRead
from platekeeper.domain.access import GENESIS_HASH, AccessEvent, AccessRecord, Actor, seal
from platekeeper.domain.people import Role
from platekeeper.store import Store
from platekeeper.store.images import ImageKind, LocalImageStore
from tests.conftest import NOW, FixedClock, make_camera, make_read
from tests.store.conftest import empty_store, store  # noqa: F401 (fixtures)

BASIS = Basis("stolen-vehicle", "2026-000123")


@dataclass
class RecordingSink:
    """Keeps what the service logs, chained as the access log would chain it."""

    records: list[AccessRecord] = field(default_factory=list)

    def record(self, event: AccessEvent) -> AccessRecord:
        previous = self.records[-1].entry_hash if self.records else GENESIS_HASH
        sealed = seal(len(self.records) + 1, event, previous)
        self.records.append(sealed)
        return sealed

    @property
    def last(self) -> AccessEvent:
        return self.records[-1].event


def person(username: str, *roles: Role, agency_id: str = "demo-pd") -> Requester:
    return Requester(Actor(username, agency_id), frozenset(roles), "192.0.2.10")


ANALYST = person("avery", Role.ANALYST)
SUPERVISOR = person("sam", Role.SUPERVISOR)
OFFICER = person("olivia", Role.OFFICER)
AUDITOR = person("aude", Role.AUDITOR)


@dataclass
class World:
    access: ReadAccess
    desk: ApprovalDesk
    sink: RecordingSink
    clock: FixedClock
    reads: list[PlateRead]
    other_agency_read: PlateRead


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 32), "white").save(buffer, "JPEG")
    return buffer.getvalue()


def build_world(database: Store, tmp_path: Path, settings: AccessSettings) -> World:
    images = LocalImageStore(tmp_path / "images")
    crop = images.put(jpeg(), kind=ImageKind.CROP, captured_at=NOW)
    database.agencies.add(Agency("other-pd", "Other Town Police", "CA", NOW))
    other_camera, _ = make_camera("elm-st", agency_id="other-pd")
    database.cameras.add(other_camera)
    reads = [
        make_read(0, plate_text="7ABC123"),
        make_read(1, plate_text="7ABC123", captured_at=NOW - timedelta(days=3)),
        make_read(2, plate_text="8XYZ999", captured_at=NOW - timedelta(hours=2)),
        make_read(3, plate_text="7ABD123", captured_at=NOW - timedelta(days=60)),
    ]
    reads[0] = replace(reads[0], crop_ref=crop)
    other = make_read(9, camera_id="elm-st", plate_text="7ABC123")
    database.reads.add([*reads, other])
    sink = RecordingSink()
    clock = FixedClock()
    return World(
        access=ReadAccess(database, images, sink, clock, settings),
        desk=ApprovalDesk(database, sink, clock, settings),
        sink=sink,
        clock=clock,
        reads=reads,
        other_agency_read=other,
    )


@pytest.fixture
def world(store: Store, tmp_path: Path) -> World:  # noqa: F811 (the fixture above)
    return build_world(store, tmp_path, AccessSettings())


@pytest.fixture
def strict_world(store: Store, tmp_path: Path) -> World:  # noqa: F811
    """Searches reaching back more than 30 days need a supervisor's approval."""
    return build_world(store, tmp_path, AccessSettings(approval_beyond_days=30))


@pytest.fixture
def capped_world(store: Store, tmp_path: Path) -> World:  # noqa: F811
    """One look-up returns at most two reads."""
    return build_world(store, tmp_path, AccessSettings(max_results=2))
