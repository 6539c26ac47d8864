"""A search through the plate index walks back in time a window at a time
(``store/sql/read_windows.py``): each window reaches as far as the page needs by the index's
counts, and a full page stops the walk, so the older days of plates seen every day are never
read."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from platekeeper.domain import PlateRead
from platekeeper.domain.time import MICROSECOND, day_start
from platekeeper.store import Store
from platekeeper.store.protocols import ReadQuery
from platekeeper.store.sql.plate_index import SeenPlate
from platekeeper.store.sql.read_windows import ReadDensity, next_window_reads, plates_by_day
from tests.conftest import NOW, make_read

TODAY = NOW.date()
FAR_PAST = NOW - timedelta(days=365)


def _plate(key: str, first_days_ago: int, last_days_ago: int, reads: int) -> SeenPlate:
    first = day_start(TODAY - timedelta(days=first_days_ago)) + timedelta(hours=9)
    last = day_start(TODAY - timedelta(days=last_days_ago)) + timedelta(hours=9)
    return SeenPlate(key, first, last, reads)


def test_a_window_reaches_back_as_far_as_the_reads_wanted() -> None:
    # Ten reads a day over ten days, and one car seen once, today.
    density = ReadDensity([_plate("7ABC123", 9, 0, 100), _plate("7ABD456", 0, 0, 1)])
    assert density.start_for(NOW, 11, FAR_PAST) == day_start(TODAY)
    assert density.start_for(NOW, 12, FAR_PAST) == day_start(TODAY - timedelta(days=1))
    assert density.start_for(NOW, 31, FAR_PAST) == day_start(TODAY - timedelta(days=2))
    # A window ending where the one before began, at midnight, starts counting the day before.
    yesterday = day_start(TODAY - timedelta(days=1))
    assert density.start_for(yesterday, 10, FAR_PAST) == day_start(TODAY - timedelta(days=2))


def test_a_window_stops_at_the_floor_and_at_the_first_reads() -> None:
    density = ReadDensity([_plate("7ABC123", 9, 0, 100)])
    floor = day_start(TODAY - timedelta(days=3)) + timedelta(hours=6)
    # More reads are wanted than the days down to the floor hold.
    assert density.start_for(NOW, 1_000, floor) == floor
    # Than all the plates hold: the window reaches their first day, not beyond.
    assert density.start_for(NOW, 1_000, FAR_PAST) == day_start(TODAY - timedelta(days=9))
    # A window ending before the plates' first reads expects none and reaches no further.
    before = day_start(TODAY - timedelta(days=20))
    assert density.start_for(before, 5, FAR_PAST) == day_start(TODAY - timedelta(days=21))


def test_a_window_is_cut_at_each_midnight_into_the_plates_seen_that_day() -> None:
    commuter = _plate("7ABC123", 9, 0, 100)
    yesterday_only = _plate("7ABD456", 1, 1, 1)
    before_the_window = _plate("7ABE789", 5, 5, 1)
    plates = [commuter, yesterday_only, before_the_window]
    midnight, day_before = day_start(TODAY), day_start(TODAY - timedelta(days=1))
    start = day_start(TODAY - timedelta(days=2)) + timedelta(hours=12)
    end = commuter.last_seen + MICROSECOND
    days = plates_by_day(plates, (start, end))
    assert [(day.start, day.end, day.plate_keys) for day in days] == [
        (midnight, end, ["7ABC123"]),
        (day_before, midnight, ["7ABC123", "7ABD456"]),
        (start, day_before, ["7ABC123"]),
    ]
    # A window ending at midnight has no part in the day it ends at.
    assert [day.start for day in plates_by_day(plates, (start, midnight))] == [day_before, start]


def test_a_density_needs_plates() -> None:
    with pytest.raises(ValueError, match="at least one plate"):
        ReadDensity([])


def _stored_daily_reads(store: Store, days: int = 20, per_day: int = 5) -> list[PlateRead]:
    """A commuter and a neighbour's car, each seen ``per_day`` times a day, stored."""
    reads = []
    for day in range(days):
        for n in range(per_day):
            at = NOW - timedelta(days=day, minutes=10 * n + 1)
            for offset, plate in enumerate(("7ABC123", "7ABC124")):
                index = (day * per_day + n) * 2 + offset
                reads.append(make_read(index, plate_text=plate, captured_at=at))
    store.reads.add(reads)
    return reads


def _recorded_windows(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[datetime, datetime]]:
    """The windows of capture time each statement of the store's searches asks, in order."""
    windows: list[tuple[datetime, datetime]] = []
    plates_sql = store.reads._plates_sql  # type: ignore[attr-defined]

    def recording(query: ReadQuery, batch: Any, window: Any, within: Any) -> Any:
        windows.append(window)
        return plates_sql(query, batch, window, within)

    monkeypatch.setattr(store.reads, "_plates_sql", recording)
    return windows


def test_a_full_page_reads_only_the_last_days_of_plates_seen_every_day(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = _stored_daily_reads(store)
    windows = _recorded_windows(store, monkeypatch)
    page = store.reads.find(ReadQuery(plate_like="7ABC12%", limit=15))
    newest = sorted(reads, key=lambda read: (read.captured_at, read.id), reverse=True)
    assert [read.id for read in page] == [read.id for read in newest[:15]]
    # Thirty reads wanted of ten a day: three days of the twenty, in one statement.
    assert len(windows) == 1
    start, end = windows[0]
    assert start == day_start(TODAY - timedelta(days=2))
    assert end == NOW - timedelta(minutes=1) + MICROSECOND


def test_a_window_short_of_the_page_is_followed_by_an_older_one(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = _stored_daily_reads(store)
    windows = _recorded_windows(store, monkeypatch)
    # The query's other condition leaves none of the plates' reads: the walk goes on to their
    # first capture, each window expecting twice the reads of the one before.
    query = ReadQuery(plate_like="7ABC12%", camera_id="elsewhere", limit=15)
    assert store.reads.find(query) == []
    assert [end for _, end in windows[1:]] == [start for start, _ in windows[:-1]]
    starts = [start for start, _ in windows]
    first = min(read.captured_at for read in reads)
    # Thirty reads wanted, then sixty, then a hundred and twenty: three days, six, the rest.
    assert starts == [
        day_start(TODAY - timedelta(days=2)),
        day_start(TODAY - timedelta(days=8)),
        first,
    ]


def test_a_window_expects_the_reads_of_the_days_it_touches() -> None:
    density = ReadDensity([_plate("7ABC123", 9, 0, 100), _plate("7ABD456", 0, 0, 1)])
    today, yesterday = day_start(TODAY), day_start(TODAY - timedelta(days=1))
    assert density.expected(today, NOW) == 11
    assert density.expected(yesterday, today) == 10
    # Part of a day counts the day whole, as the windows' days are fetched whole.
    assert density.expected(yesterday + timedelta(hours=20), NOW) == 21
    assert density.expected(FAR_PAST, NOW) == pytest.approx(101)
    # Before the plates' first reads, and after their last, there is nothing to expect.
    assert density.expected(FAR_PAST, FAR_PAST + timedelta(days=3)) == 0
    assert density.expected(NOW + timedelta(days=2), NOW + timedelta(days=3)) == 0


def test_the_next_window_is_sized_by_the_yield_of_those_before() -> None:
    # 1,000 reads expected, 480 found for the query (another agency's cameras took the rest):
    # 21 missing need some 44 expected, twice over.
    assert next_window_reads(21, 1_000.0, 480, 1_000.0) == pytest.approx(2 * 21 * 1_000 / 480)
    # Nothing found yet: no yield to go by, the window doubles.
    assert next_window_reads(501, 1_000.0, 0, 1_000.0) == 2_000
    assert next_window_reads(501, 0.0, 0, 300.0) == 600
