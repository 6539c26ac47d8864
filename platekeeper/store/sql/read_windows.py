"""Where in time a search through the plate index looks next for its reads.

A pattern can name thousands of plates, and a page wants only the newest few hundred of their
reads. A search walks back in time, one window at a time, fetching every read of its plates in
the window: the windows are taken newest first and each is fetched whole, so the page is full
as soon as the reads found fill it, and older windows are never read. How far back a window
reaches comes from the plate index's counts alone (``ReadDensity``): a plate's reads are
taken as spread evenly over the days between its first and last capture. A commuter seen on
sixty days and a car seen once weigh as they should, and a window holds about as many reads as
the page still needs, not every read of every plate it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from platekeeper.domain.time import MICROSECOND, ONE_DAY, day_start
from platekeeper.store.sql.plate_index import SeenPlate


class ReadDensity:
    """The reads a set of plates is expected to hold on each capture day (UTC)."""

    def __init__(self, plates: Sequence[SeenPlate]) -> None:
        if not plates:
            raise ValueError("a read density needs at least one plate")
        # Each plate adds its reads per day over its days; the changes are summed in day order.
        changes: dict[date, float] = {}
        for plate in plates:
            first, last = _day_of(plate.first_seen), _day_of(plate.last_seen)
            per_day = plate.reads / ((last - first).days + 1)
            changes[first] = changes.get(first, 0.0) + per_day
            changes[last + ONE_DAY] = changes.get(last + ONE_DAY, 0.0) - per_day
        self._first_day, end = min(changes), max(changes)
        self._per_day: list[float] = []
        expected, day = 0.0, self._first_day
        while day < end:
            expected += changes.get(day, 0.0)
            self._per_day.append(expected)
            day += ONE_DAY

    def expected(self, start: datetime, end: datetime) -> float:
        """The reads the plates are expected to hold on the days ``[start, end)`` touches."""
        first = max((_day_of(start) - self._first_day).days, 0)
        last = min((_day_of(end - MICROSECOND) - self._first_day).days, len(self._per_day) - 1)
        return sum(self._per_day[first : last + 1]) if first <= last else 0.0

    def start_for(self, end: datetime, reads: float, floor: datetime) -> datetime:
        """The latest start of a day, no earlier than ``floor``, from which up to ``end`` the
        plates are expected to hold ``reads`` reads; ``floor`` when they are not."""
        day = _day_of(end - MICROSECOND)
        expected = 0.0
        while True:
            start = day_start(day)
            index = (day - self._first_day).days
            if 0 <= index < len(self._per_day):
                expected += self._per_day[index]
            if expected >= reads or start <= floor or index <= 0:
                return max(start, floor)
            day -= ONE_DAY


@dataclass(frozen=True, slots=True)
class DayOfPlates:
    """The part of a window in one capture day (UTC), and the plates seen in it."""

    start: datetime
    end: datetime
    plate_keys: list[str]


def plates_by_day(
    plates: Sequence[SeenPlate], window: tuple[datetime, datetime]
) -> list[DayOfPlates]:
    """``window`` cut at each day's start, newest day first, each part with the plates whose
    first and last capture take in that day: a car seen once is in one day's part, a commuter
    in every day's."""
    start, end = window
    keys: dict[date, list[str]] = {}
    for plate in plates:
        first = max(plate.first_seen, start)
        last = min(plate.last_seen, end - MICROSECOND)
        day = _day_of(first)
        while first <= last and day <= _day_of(last):
            keys.setdefault(day, []).append(plate.plate_key)
            day += ONE_DAY
    return [
        DayOfPlates(max(day_start(day), start), min(day_start(day + ONE_DAY), end), day_keys)
        for day, day_keys in sorted(keys.items(), reverse=True)
    ]


_MARGIN = 2.0
"""How many times the reads the yield says are missing a next window is sized for: a short
window costs another statement, a long one only reads that a sort drops."""


def next_window_reads(missing: int, expected: float, found: int, last: float) -> float:
    """How many reads the next window should expect to hold, when the windows so far were
    expected to hold ``expected`` reads, held ``found`` for the query, and the page still
    lacks ``missing``: as many as the yield seen says will give the missing reads, twice over.
    The query's other conditions (an agency's cameras, a time of day) thin the plates' reads
    by the same share, window after window. With nothing found there is no yield to go by,
    and the window doubles (``last`` was the last window's)."""
    if found <= 0 or expected <= 0:
        return 2 * last
    return _MARGIN * missing * expected / found


def _day_of(instant: datetime) -> date:
    return instant.astimezone(UTC).date()
