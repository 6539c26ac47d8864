"""A stretch of time of the log is read from where it starts, not from the log's first entry:
the signals of the last ninety days and a month's report stay as fast in a log of millions.
Entries a little out of time order (servers' clocks disagree) are still found."""

from __future__ import annotations

from datetime import timedelta

from platekeeper.audit.log import CLOCK_SKEW, entries_between
from platekeeper.domain.access import AccessRecord
from platekeeper.store import Store
from platekeeper.store.protocols import AccessFilter
from tests.audit.conftest import make_event
from tests.conftest import NOW

HOUR = timedelta(hours=1)


class WatchedScans:
    """The store's access log, noting where each scan of it began."""

    def __init__(self, store: Store) -> None:
        self._log = store.access_log
        self.began_after: list[int] = []

    def scan(self, after_seq: int, limit: int) -> list[AccessRecord]:
        self.began_after.append(after_seq)
        return self._log.scan(after_seq, limit)

    def find(self, query: AccessFilter) -> list[AccessRecord]:
        return self._log.find(query)


SKEWED = 13
"""The entry written by a server two minutes behind: timed before entry 12, numbered after it."""


def _write_hours(store: Store, hours: int) -> None:
    """Entry ``n`` at ``n`` hours past NOW, but for ``SKEWED``."""
    for index in range(hours):
        at = NOW + index * HOUR
        if index == SKEWED:
            at = NOW + 12 * HOUR - timedelta(minutes=2)
        store.access_log.append(make_event(index, at=at))


def test_a_stretch_holds_every_entry_timed_in_it_in_stored_order(store: Store) -> None:
    _write_hours(store, 72)
    every = store.access_log.scan(0, 1000)
    minutes = timedelta(minutes=1)
    for start, end in (
        (NOW + 30 * HOUR, NOW + 40 * HOUR),
        # The entry numbered last before this start is the skewed one, timed before it: a walk
        # from there would miss entry 12.
        (NOW + 12 * HOUR - 1 * minutes, NOW + 12 * HOUR + 30 * minutes),
        # Both, in the order written.
        (NOW + 12 * HOUR - 5 * minutes, NOW + 12 * HOUR + 30 * minutes),
        (NOW + 36 * HOUR + 59 * minutes, None),
        (NOW - HOUR, NOW + HOUR),
    ):
        expected = [
            r.seq for r in every if r.event.at >= start and (end is None or r.event.at < end)
        ]
        assert expected, "each stretch holds entries"
        assert [r.seq for r in entries_between(store.access_log, start, end)] == expected


def test_a_stretch_is_read_from_near_its_start(store: Store) -> None:
    _write_hours(store, 200)
    every = store.access_log.scan(0, 1000)
    watched = WatchedScans(store)
    start = NOW + 150 * HOUR
    found = list(entries_between(watched, start, start + 10 * HOUR))
    assert [r.event.at for r in found] == [start + n * HOUR for n in range(10)]
    # One scan, from the last entry timed the clocks' skew before the start.
    last_before = max(r.seq for r in every if r.event.at < start - CLOCK_SKEW)
    assert watched.began_after == [last_before]
    assert last_before > 100
