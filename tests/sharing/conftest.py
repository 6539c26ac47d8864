"""The sharing service on each store backend, with reads, images and two custodians."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest

from platekeeper.config import SharingSettings
from platekeeper.domain import PlateRead
from platekeeper.domain.access import Actor
from platekeeper.domain.people import Role
from platekeeper.sharing.service import Clerk, SharingService
from platekeeper.store import Store
from platekeeper.store.images import ImageKind, LocalImageStore
from tests.access.conftest import RecordingSink, jpeg
from tests.conftest import NOW, FixedClock, make_read
from tests.policy.samples import california_sharing
from tests.sharing.samples import demo_purposes
from tests.store.conftest import empty_store, store  # noqa: F401 (fixtures)

CORA = Clerk(Actor("cora", "demo-pd"), frozenset({Role.CUSTODIAN}), "192.0.2.20")
CASEY = Clerk(Actor("casey", "demo-pd"), frozenset({Role.CUSTODIAN}), "192.0.2.21")
ANALYST = Clerk(Actor("avery", "demo-pd"), frozenset({Role.ANALYST}), "192.0.2.22")


@dataclass
class World:
    service: SharingService
    sink: RecordingSink
    clock: FixedClock
    store: Store
    reads: list[PlateRead]


def build_world(database: Store, tmp_path: Path, max_reads: int = 5) -> World:
    images = LocalImageStore(tmp_path / "images")
    crop = images.put(jpeg(), kind=ImageKind.CROP, captured_at=NOW)
    full = images.put(jpeg(), kind=ImageKind.FULL, captured_at=NOW)
    reads = [
        replace(make_read(0, plate_text="7ABC123"), crop_ref=crop, image_ref=full),
        make_read(1, plate_text="7ABC123", captured_at=NOW - timedelta(days=1)),
        make_read(2, plate_text="8XYZ999"),
        *(make_read(10 + i, plate_text="6BULK00") for i in range(max_reads + 1)),
    ]
    database.reads.add(reads)
    sink = RecordingSink()
    clock = FixedClock()
    service = SharingService(
        database,
        images,
        sink,
        clock,
        rules=california_sharing(),
        purposes=demo_purposes(),
        settings=SharingSettings(max_reads_per_request=max_reads),
    )
    return World(service, sink, clock, database, reads)


@pytest.fixture
def world(store: Store, tmp_path: Path) -> World:  # noqa: F811 (the fixture above)
    return build_world(store, tmp_path)
