"""The store fixture of every backend, and a purge service over it with encrypted images."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from platekeeper.domain import PlateRead
from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessRecord, seal
from platekeeper.domain.holds import LegalHold, PlateSpan
from platekeeper.domain.hotlists import Hit, MatchKind, StateAgreement
from platekeeper.domain.retention import DataClass, RetentionRule
from platekeeper.retention.purge import PurgeService
from platekeeper.store import Store
from platekeeper.store.images import ImageKind, LocalImageStore
from platekeeper.store.images.encrypted import EncryptedImageStore
from tests.conftest import NOW, FixedClock, make_read
from tests.store.conftest import empty_store, store

__all__ = ["empty_store", "store"]

JPEG = b"\xff\xd8\xff\xe0" + b"\x10JFIF plate photo" * 8
MASTER_KEY = bytes(range(32))
NON_HIT_DAYS = 30
HIT_DAYS = 365
RULES = {
    DataClass.NON_HIT_READS: RetentionRule(
        DataClass.NON_HIT_READS, timedelta(days=NON_HIT_DAYS), "test policy"
    ),
    DataClass.HIT_READS: RetentionRule(DataClass.HIT_READS, timedelta(days=HIT_DAYS), "test"),
}


class MemoryLog:
    """An access sink that keeps events in a list."""

    def __init__(self) -> None:
        self.events: list[AccessEvent] = []

    def record(self, event: AccessEvent) -> AccessRecord:
        self.events.append(event)
        return seal(len(self.events), event, "0" * 64)

    def actions(self, outcome: AccessOutcome | None = None) -> list[str]:
        return [e.action for e in self.events if outcome is None or e.outcome is outcome]


@dataclass
class Rig:
    store: Store
    images: EncryptedImageStore
    clock: FixedClock
    log: MemoryLog
    purge: PurgeService
    image_root: Path

    def add_read(self, index: int, captured_at: datetime, plate: str = "7ABC123") -> PlateRead:
        ref = self.images.put(JPEG, kind=ImageKind.FULL, captured_at=captured_at)
        read = make_read(index, captured_at=captured_at, plate_text=plate)
        read = _with_image(read, ref)
        self.store.reads.add([read])
        return read

    def hit(self, read: PlateRead) -> None:
        self.store.hits.add(
            [
                Hit(
                    id=f"hit-{read.id}",
                    read_id=read.id,
                    entry_id="entry-1",
                    list_id="stolen",
                    match_kind=MatchKind.EXACT,
                    score=1.0,
                    state_agreement=StateAgreement.AGREES,
                    stale=False,
                    created_at=read.captured_at,
                )
            ]
        )


def _with_image(read: PlateRead, ref: str) -> PlateRead:
    return replace(read, image_ref=ref)


def make_rig(
    store: Store, tmp_path: Path, *, batch_size: int = 5000, batch_seconds: float = 0.05
) -> Rig:
    clock = FixedClock(NOW)
    log = MemoryLog()
    root = tmp_path / "images"
    images = EncryptedImageStore(LocalImageStore(root), store.image_keys, MASTER_KEY, clock)
    purge = PurgeService(
        store,
        images,
        clock,
        rules=RULES,
        log=log,
        shredder=images,
        batch_size=batch_size,
        batch_seconds=batch_seconds,
    )
    return Rig(store, images, clock, log, purge, root)


@pytest.fixture
def rig(store: Store, tmp_path: Path) -> Rig:
    return make_rig(store, tmp_path)


def hold(read_ids: tuple[str, ...], plates: PlateSpan | None = None) -> LegalHold:
    """An approved hold of demo-pd, in force for ten days from ``NOW``."""
    return LegalHold(
        id="hold-1",
        agency_id="demo-pd",
        case_number="2026-000123",
        reason="evidence in a hit-and-run case",
        requested_by="avery",
        requested_at=NOW,
        expires_at=NOW + timedelta(days=10),
        read_ids=read_ids,
        plates=plates,
        approved_by="sam",
        approved_at=NOW,
    )
