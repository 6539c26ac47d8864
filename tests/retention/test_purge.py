"""The purge on every backend: boundaries, hit reads, holds, dry runs, the ledger, ingest."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from platekeeper.domain.retention import DataClass
from platekeeper.store import Store
from platekeeper.store.images.encrypted import ShreddedImage
from tests.conftest import NOW, make_read
from tests.retention.conftest import HIT_DAYS, NON_HIT_DAYS, Rig, hold, make_rig

LIMIT = timedelta(days=NON_HIT_DAYS)
SECOND = timedelta(seconds=1)


def test_reads_at_the_limit_go_and_one_second_younger_stay(rig: Rig) -> None:
    at_limit = rig.add_read(1, NOW - LIMIT)
    older = rig.add_read(2, NOW - LIMIT - SECOND)
    younger = rig.add_read(3, NOW - LIMIT + SECOND)
    report = rig.purge.run()
    assert rig.store.reads.get(at_limit.id) is None
    assert rig.store.reads.get(older.id) is None
    assert rig.store.reads.get(younger.id) is not None
    assert report.entry.classes[0].reads == 2
    assert report.oldest_surviving_non_hit == NOW - LIMIT + SECOND


def test_images_of_purged_reads_are_deleted(rig: Rig) -> None:
    old = rig.add_read(1, NOW - LIMIT - SECOND)
    assert old.image_ref is not None
    rig.purge.run()
    assert not (rig.image_root / old.image_ref).exists()


def test_hit_reads_are_kept_by_their_own_rule(rig: Rig) -> None:
    hit = rig.add_read(1, NOW - LIMIT - timedelta(days=10))
    rig.hit(hit)
    very_old_hit = rig.add_read(2, NOW - timedelta(days=HIT_DAYS) - SECOND)
    rig.hit(very_old_hit)
    report = rig.purge.run()
    assert rig.store.reads.get(hit.id) is not None
    assert rig.store.reads.get(very_old_hit.id) is None
    hit_class = next(c for c in report.entry.classes if c.data_class == "hit-reads")
    assert hit_class.reads == 1
    assert rig.purge.oldest_surviving(DataClass.HIT_READS) == hit.captured_at
    assert rig.purge.oldest_surviving(DataClass.NON_HIT_READS) is None


def test_the_oldest_read_of_each_class_is_found_to_the_microsecond(rig: Rig) -> None:
    # Ids of one millisecond sort by their hash, not by their microsecond (domain.ids).
    millisecond = NOW - timedelta(days=3)
    same = [rig.add_read(i, millisecond + timedelta(microseconds=999 - 100 * i)) for i in range(10)]
    earliest, second = same[9], same[8]
    assert min(read.id for read in same) not in (earliest.id, second.id)
    rig.hit(earliest)
    only_hit = rig.add_read(20, millisecond - timedelta(days=1))  # its day has no other read
    rig.hit(only_hit)
    assert rig.purge.oldest_surviving(DataClass.NON_HIT_READS) == second.captured_at
    assert rig.purge.oldest_surviving(DataClass.HIT_READS) == only_hit.captured_at


def test_held_reads_survive_until_the_hold_is_released(rig: Rig) -> None:
    held = rig.add_read(1, NOW - LIMIT - SECOND)
    other = rig.add_read(2, NOW - LIMIT - SECOND * 2)
    held_by = hold((held.id,))
    rig.store.legal_holds.add(held_by)
    rig.purge.run()
    assert rig.store.reads.get(held.id) is not None
    assert rig.store.reads.get(other.id) is None
    assert held.image_ref is not None
    assert rig.images.get(held.image_ref).startswith(b"\xff\xd8\xff")
    rig.store.legal_holds.close(held_by.released("sam", NOW))
    rig.purge.run()
    assert rig.store.reads.get(held.id) is None


def test_held_reads_go_once_the_hold_expires(rig: Rig) -> None:
    held = rig.add_read(1, NOW - LIMIT - SECOND)
    rig.store.legal_holds.add(hold((held.id,)))
    rig.purge.run()
    assert rig.store.reads.get(held.id) is not None
    rig.clock.advance(timedelta(days=10))
    rig.purge.run()
    assert rig.store.reads.get(held.id) is None


def test_a_dry_run_deletes_nothing_and_counts_the_same(store: Store, tmp_path: Path) -> None:
    rig = make_rig(store, tmp_path, batch_size=100)
    reads = [rig.add_read(i, NOW - LIMIT - timedelta(minutes=i + 1)) for i in range(130)]
    rig.add_read(999, NOW - timedelta(days=1))
    dry = rig.purge.run(dry_run=True)
    assert all(store.reads.get(read.id) is not None for read in reads)
    real = rig.purge.run()
    assert dry.entry.dry_run
    assert not real.entry.dry_run
    for planned, done in zip(dry.entry.classes, real.entry.classes, strict=True):
        assert (planned.reads, planned.images) == (done.reads, done.images)
        assert (planned.oldest_purged, planned.newest_purged) == (
            done.oldest_purged,
            done.newest_purged,
        )
    assert real.entry.classes[0].reads == 130
    assert store.reads.stats().read_count == 1


def test_the_ledger_has_counts_and_range_and_no_plate(rig: Rig) -> None:
    rig.add_read(1, NOW - LIMIT - timedelta(hours=2), plate="SECRET1")
    rig.add_read(2, NOW - LIMIT - timedelta(hours=1), plate="SECRET1")
    report = rig.purge.run()
    [entry] = rig.store.purge_ledger.list()
    assert entry == report.entry
    non_hit = entry.classes[0]
    assert non_hit.data_class == "non-hit-reads"
    assert (non_hit.reads, non_hit.images) == (2, 2)
    assert non_hit.oldest_purged == NOW - LIMIT - timedelta(hours=2)
    assert non_hit.newest_purged == NOW - LIMIT - timedelta(hours=1)
    assert "SECRET1" not in repr(entry)
    assert "SECRET1" not in repr(rig.log.events)
    assert rig.log.actions() == ["retention:purge"]


def test_a_purge_during_ingest_loses_no_fresh_read(store: Store, tmp_path: Path) -> None:
    rig = make_rig(store, tmp_path, batch_size=50)
    old = [make_read(i, captured_at=NOW - LIMIT - timedelta(seconds=i + 1)) for i in range(600)]
    store.reads.add(old)
    fresh = [make_read(10_000 + i, captured_at=NOW - timedelta(seconds=i)) for i in range(300)]
    started = threading.Event()

    def ingest() -> None:
        started.set()
        for index in range(0, len(fresh), 10):
            store.reads.add(fresh[index : index + 10])

    writer = threading.Thread(target=ingest)
    writer.start()
    started.wait()
    report = rig.purge.run()
    writer.join()
    assert report.entry.classes[0].reads == 600
    assert store.reads.stats().read_count == 300
    assert all(store.reads.get(read.id) is not None for read in fresh)


def test_a_shredded_day_cannot_be_read_even_from_a_copy(rig: Rig, tmp_path: Path) -> None:
    day = NOW - LIMIT - timedelta(days=2)
    old = rig.add_read(1, day)
    assert old.image_ref is not None
    copy = tmp_path / "copy-aside.jpg"
    copy.write_bytes((rig.image_root / old.image_ref).read_bytes())
    bucket = old.image_ref[:10]
    assert bucket in rig.store.image_keys.live()
    report = rig.purge.run()
    assert report.entry.buckets_destroyed == (bucket,)
    assert rig.store.image_keys.get(bucket) is None
    assert bucket not in rig.store.image_keys.live()
    # Put the copy back where it was: the images store cannot open it any more.
    (rig.image_root / old.image_ref).write_bytes(copy.read_bytes())
    with pytest.raises(ShreddedImage, match="shredded"):
        rig.images.get(old.image_ref)
    assert b"plate photo" not in copy.read_bytes()


def test_a_day_with_a_surviving_read_keeps_its_key(rig: Rig) -> None:
    day = NOW - LIMIT - timedelta(days=2)
    kept = rig.add_read(1, day)
    rig.hit(kept)
    rig.add_read(2, day + SECOND)
    report = rig.purge.run()
    assert report.entry.buckets_destroyed == ()
    assert kept.image_ref is not None
    assert rig.images.get(kept.image_ref).startswith(b"\xff\xd8\xff")


def test_a_read_without_images_is_purged(rig: Rig) -> None:
    read = replace(make_read(5, captured_at=NOW - LIMIT - SECOND))
    rig.store.reads.add([read])
    assert rig.purge.run().entry.classes[0].reads == 1


def test_held_back_counts_the_due_reads_a_hold_keeps(rig: Rig) -> None:
    held = rig.add_read(1, NOW - LIMIT - SECOND)
    rig.add_read(2, NOW - LIMIT - SECOND)
    rig.add_read(3, NOW - timedelta(days=1))
    assert rig.purge.held_back() == {DataClass.NON_HIT_READS: 0, DataClass.HIT_READS: 0}
    rig.store.legal_holds.add(hold((held.id,)))
    assert rig.purge.held_back() == {DataClass.NON_HIT_READS: 1, DataClass.HIT_READS: 0}
    report = rig.purge.run()
    assert report.entry.reads == 1
    assert rig.store.reads.get(held.id) is not None


@pytest.mark.parametrize(
    ("batch_seconds", "expected"),
    [
        # Time to spare: each batch doubles, from the smallest, up to the rest.
        (10.0, [100, 200, 400, 800]),
        # No time at all: every batch is the smallest.
        (1e-9, [100] * 11),
    ],
)
def test_the_batches_are_sized_by_their_pace(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    batch_seconds: float,
    expected: list[int],
) -> None:
    rig = make_rig(store, tmp_path, batch_size=5000, batch_seconds=batch_seconds)
    store.reads.add(
        [make_read(i, captured_at=NOW - LIMIT - timedelta(seconds=i + 1)) for i in range(1000)]
    )
    limits: list[int] = []
    delete_expired = store.reads.delete_expired

    def noted(*args: Any, limit: int, **kwargs: Any) -> Any:
        limits.append(limit)
        return delete_expired(*args, limit=limit, **kwargs)

    monkeypatch.setattr(store.reads, "delete_expired", noted)
    report = rig.purge.run()
    # The non-hit class's batches, then the hit reads' one batch, which finds none.
    assert limits[: len(expected)] == expected
    assert report.entry.classes[0].reads == 1000
    assert store.reads.stats().read_count == 0
