"""Read ids: stable for a retry, ordered by capture time."""

from __future__ import annotations

import uuid
from datetime import timedelta

from platekeeper.domain.ids import (
    read_id_for,
    read_id_lower_bound,
    read_id_unix_ms,
    read_id_upper_bound,
)
from platekeeper.domain.time import to_epoch_us
from tests.conftest import NOW


def test_the_same_read_gets_the_same_id_and_another_read_another() -> None:
    first = read_id_for("cam-a", "r1", NOW)
    assert read_id_for("cam-a", "r1", NOW) == first
    assert len({first, read_id_for("cam-b", "r1", NOW), read_id_for("cam-a", "r2", NOW)}) == 3
    assert read_id_for("cam-a", "r1", NOW + timedelta(microseconds=1)) != first
    assert uuid.UUID(first).version == 7


def test_ids_carry_and_sort_by_capture_time() -> None:
    times = [NOW + timedelta(milliseconds=i) for i in (5, 0, 3, 1000)]
    ids = [read_id_for("cam", f"r{i}", t) for i, t in enumerate(times)]
    assert [read_id_unix_ms(i) for i in ids] == [to_epoch_us(t) // 1000 for t in times]
    assert sorted(ids) == [ids[1], ids[2], ids[0], ids[3]]


def test_the_bounds_separate_earlier_from_later_reads() -> None:
    upper, lower = read_id_upper_bound(NOW), read_id_lower_bound(NOW)
    assert read_id_for("cam", "at", NOW + timedelta(microseconds=999)) < upper
    assert read_id_for("cam", "after", NOW + timedelta(milliseconds=1)) >= upper
    assert read_id_for("cam", "at", NOW) >= lower
    assert read_id_for("cam", "before", NOW - timedelta(microseconds=1)) < lower
