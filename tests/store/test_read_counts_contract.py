"""The daily read counts (``read_counts``) kept beside the reads: equal to a recount of the
reads after every way reads come and go, and counting any period exactly, partial days too."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from platekeeper.domain import PlateRead
from platekeeper.domain.holds import Exemptions
from platekeeper.store import Store
from platekeeper.store.sql.store import ManagedDatabase
from tests.conftest import NOW, make_agency, make_camera, make_read

CAMERAS = {"main-st-north": "demo-pd", "oak-st": "demo-pd", "elm-st": "other-pd"}


@pytest.fixture
def reads(store: Store) -> list[PlateRead]:
    """Reads at random moments over ten days (and some ahead of ``NOW``), on three cameras of
    two agencies, stored in several batches."""
    store.agencies.add(make_agency("other-pd"))
    for camera_id, agency_id in CAMERAS.items():
        if camera_id != "main-st-north":
            store.cameras.add(make_camera(camera_id, agency_id=agency_id)[0])
    return store_spread_reads(store, random.Random(17), 300, days=10)


def store_spread_reads(
    store: Store, chance: random.Random, count: int, *, days: int
) -> list[PlateRead]:
    """``count`` reads at random moments of the ``days`` before ``NOW`` (and of the day after),
    on random cameras of ``CAMERAS``, stored in batches."""
    made = [
        make_read(
            index,
            camera_id=chance.choice(sorted(CAMERAS)),
            captured_at=NOW - timedelta(seconds=chance.randrange(-86_400, days * 86_400)),
        )
        for index in range(count)
    ]
    for start in range(0, len(made), 70):
        store.reads.add(made[start : start + 70])
    return made


def recount(
    reads: list[PlateRead], start: datetime, end: datetime | None = None, agency: str | None = None
) -> list[tuple[date, int]]:
    """Reads per UTC day counted one by one: what the store must answer."""
    counted = Counter(
        read.captured_at.astimezone(UTC).date()
        for read in reads
        if start <= read.captured_at
        and (end is None or read.captured_at < end)
        and (agency is None or CAMERAS[read.camera_id] == agency)
    )
    return sorted(counted.items())


def stored(store: Store, reads: list[PlateRead]) -> list[PlateRead]:
    return [read for read in reads if store.reads.get(read.id) is not None]


def per_day(
    store: Store, start: datetime, end: datetime | None = None, agency: str | None = None
) -> list[tuple[date, int]]:
    return [(day.day, day.reads) for day in store.reads.per_day(start, end, agency)]


EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def assert_counts_match(store: Store, kept: list[PlateRead]) -> None:
    assert per_day(store, EPOCH) == recount(kept, EPOCH)
    for agency in ("demo-pd", "other-pd"):
        assert per_day(store, EPOCH, None, agency) == recount(kept, EPOCH, None, agency)
    stats = store.reads.stats()
    assert stats.read_count == len(kept)
    times = [read.captured_at for read in kept]
    assert (stats.oldest_captured_at, stats.newest_captured_at) == (
        min(times, default=None),
        max(times, default=None),
    )


def test_counts_equal_a_recount_after_ingest_and_retries(
    store: Store, reads: list[PlateRead]
) -> None:
    assert_counts_match(store, reads)
    store.reads.add(reads[:100])  # every one a retry: nothing is counted twice
    assert_counts_match(store, reads)


def test_any_period_is_counted_exactly_partial_days_too(
    store: Store, reads: list[PlateRead]
) -> None:
    bounds = [
        (NOW - timedelta(days=7, hours=5, minutes=3), NOW - timedelta(hours=2)),
        (NOW - timedelta(days=3), NOW - timedelta(days=1)),  # both at noon
        (NOW.replace(hour=0), NOW.replace(hour=0) + timedelta(days=2)),  # whole days only
        (NOW - timedelta(hours=3), NOW - timedelta(hours=1)),  # within one day
        (NOW - timedelta(hours=14), NOW + timedelta(hours=1)),  # across one midnight
        (NOW - timedelta(days=4, minutes=1), None),  # to the newest
        (NOW, NOW - timedelta(days=1)),  # empty
    ]
    for start, end in bounds:
        assert per_day(store, start, end) == recount(reads, start, end), (start, end)
        for agency in ("demo-pd", "other-pd", "no-such-agency"):
            assert per_day(store, start, end, agency) == recount(reads, start, end, agency)


def test_purge_batches_take_their_reads_out_of_the_counts(
    store: Store, reads: list[PlateRead]
) -> None:
    cutoff = NOW - timedelta(days=4, hours=7)
    held = Exemptions(read_ids=frozenset(read.id for read in reads[:40]))
    while store.reads.delete_expired(cutoff, hit_reads=False, exempt=held, limit=23).reads:
        assert_counts_match(store, stored(store, reads))
    kept = stored(store, reads)
    assert any(read.captured_at < cutoff for read in kept)  # the held ones stayed
    assert_counts_match(store, kept)


def test_deleting_before_a_cutoff_takes_whole_days_and_the_part_of_one(
    store: Store, reads: list[PlateRead]
) -> None:
    cutoff = NOW - timedelta(days=5, hours=3)
    gone = store.reads.delete_captured_before(cutoff)
    kept = [read for read in reads if read.captured_at >= cutoff]
    assert gone == len(reads) - len(kept)
    assert_counts_match(store, kept)
    store.reads.delete_captured_before(NOW + timedelta(days=2))
    assert_counts_match(store, [])


def test_a_rebuild_gives_the_counts_kept(store: Store, reads: list[PlateRead]) -> None:
    before = per_day(store, EPOCH)
    store.reads.rebuild_summaries()
    assert per_day(store, EPOCH) == before == recount(reads, EPOCH)


def test_the_migration_counts_the_reads_stored_before_it(
    store: Store, reads: list[PlateRead]
) -> None:
    database: ManagedDatabase = store._db  # type: ignore[attr-defined]
    with database.write() as connection:
        connection.execute("DROP TABLE read_counts")
        connection.execute("DELETE FROM schema_migrations WHERE version = 42")
    assert "0042_read_counts" in store.upgrade()
    assert_counts_match(store, reads)
