"""Legal holds, the purge ledger, image keys and expired reads, on every backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from platekeeper.domain.holds import Exemptions, LegalHold, PlateSpan
from platekeeper.domain.purges import ClassPurge, PurgeLedgerEntry
from platekeeper.errors import Conflict, NotFound
from platekeeper.store import Store
from tests.conftest import NOW, make_read

BEFORE = NOW - timedelta(days=30)


def make_hold(hold_id: str = "hold-1", **changes: object) -> LegalHold:
    hold = LegalHold(
        id=hold_id,
        agency_id="demo-pd",
        case_number="2026-000123",
        reason="evidence in a hit-and-run case",
        requested_by="avery",
        requested_at=NOW,
        expires_at=NOW + timedelta(days=30),
        read_ids=("read-b", "read-a"),
        plates=PlateSpan("7ABC123", NOW - timedelta(days=9), NOW - timedelta(days=2)),
    )
    return replace(hold, **changes)  # type: ignore[arg-type]


def test_a_hold_comes_back_as_stored(store: Store) -> None:
    hold = make_hold()
    store.legal_holds.add(hold)
    assert store.legal_holds.get(hold.id) == replace(hold, read_ids=("read-a", "read-b"))
    assert store.legal_holds.get("nope") is None
    with pytest.raises(Conflict):
        store.legal_holds.add(hold)
    with pytest.raises(NotFound):
        store.legal_holds.add(make_hold("hold-2", agency_id="no-such-pd"))


def test_approve_and_close_happen_once(store: Store) -> None:
    hold = make_hold()
    store.legal_holds.add(hold)
    approved = hold.approved("sam", NOW)
    assert store.legal_holds.approve(approved)
    assert not store.legal_holds.approve(approved)
    assert store.legal_holds.in_force(NOW) == [replace(approved, read_ids=("read-a", "read-b"))]
    assert store.legal_holds.close(approved.released("sam", NOW))
    assert not store.legal_holds.close(approved.released("sam", NOW))
    assert store.legal_holds.in_force(NOW) == []


def test_holds_list_by_agency_newest_first(store: Store) -> None:
    store.legal_holds.add(make_hold("old"))
    store.legal_holds.add(make_hold("new", requested_at=NOW + timedelta(hours=1)))
    assert [h.id for h in store.legal_holds.list("demo-pd")] == ["new", "old"]
    assert store.legal_holds.list("other-pd") == []


def test_the_ledger_keeps_entries_newest_first(store: Store) -> None:
    entry = PurgeLedgerEntry(
        id="run-1",
        started_at=NOW,
        finished_at=NOW + timedelta(seconds=3),
        dry_run=False,
        classes=(
            ClassPurge("non-hit-reads", BEFORE, 5, 4, BEFORE - timedelta(days=1), BEFORE),
            ClassPurge("hit-reads", None, skipped="no ceiling"),
        ),
        buckets_destroyed=("2026/10/01",),
    )
    later = replace(entry, id="run-2", started_at=NOW + timedelta(hours=1), dry_run=True)
    store.purge_ledger.add(entry)
    store.purge_ledger.add(later)
    assert store.purge_ledger.list() == [later, entry]


def test_image_keys_are_added_once_and_destroyed(store: Store) -> None:
    assert store.image_keys.get("2026/11/28") is None
    assert store.image_keys.add("2026/11/28", b"first", NOW) == b"first"
    assert store.image_keys.add("2026/11/28", b"second", NOW) == b"first"
    assert store.image_keys.live() == ["2026/11/28"]
    assert store.image_keys.destroy("2026/11/28", NOW)
    assert not store.image_keys.destroy("2026/11/28", NOW)
    assert store.image_keys.get("2026/11/28") is None
    assert store.image_keys.live() == []
    assert store.image_keys.add("2026/11/28", b"fresh", NOW) == b"fresh"


def test_expired_reads_are_deleted_in_batches_sparing_exempt_ones(store: Store) -> None:
    reads = [make_read(i, captured_at=BEFORE - timedelta(minutes=i + 1)) for i in range(5)]
    other_plate = make_read(9, captured_at=BEFORE - timedelta(hours=3), plate_text="XYZ999")
    store.reads.add([*reads, other_plate, make_read(20, captured_at=NOW)])
    exempt = Exemptions(
        read_ids=frozenset({reads[0].id}),
        plates=(PlateSpan("XYZ999", BEFORE - timedelta(days=1), BEFORE),),
    )
    due = store.reads.count_expired(BEFORE, hit_reads=False, exempt=exempt)
    assert (due.reads, due.oldest, due.newest) == (4, reads[4].captured_at, reads[1].captured_at)
    first = store.reads.delete_expired(BEFORE, hit_reads=False, exempt=exempt, limit=2)
    assert first.reads == 2
    assert first.oldest == reads[4].captured_at
    rest = store.reads.delete_expired(BEFORE, hit_reads=False, exempt=exempt, limit=2)
    assert rest.reads == 2
    assert store.reads.delete_expired(BEFORE, hit_reads=False, exempt=exempt, limit=2).reads == 0
    assert store.reads.get(reads[0].id) is not None
    assert store.reads.get(other_plate.id) is not None
    assert store.reads.stats().read_count == 3
    assert store.reads.oldest(hit_reads=False) == other_plate.captured_at
    assert store.reads.oldest(hit_reads=True) is None
