"""The purge's batches last about the time set, whatever a read costs to delete."""

from __future__ import annotations

import pytest

from platekeeper.retention.pacing import SMALLEST_BATCH, BatchPacer


def test_the_first_batch_is_small_and_the_next_fit_the_time_at_the_pace_measured() -> None:
    pacer = BatchPacer(largest=5000, target_s=0.05)
    assert pacer.size == SMALLEST_BATCH
    pacer.took(100, 0.004)  # 40 microseconds a read: 1,250 fit, but growth is a doubling
    assert pacer.size == 200
    pacer.took(200, 0.008)
    assert pacer.size == 400
    for _ in range(5):
        pacer.took(pacer.size, pacer.size * 40e-6)
    assert pacer.size == 1250


def test_a_slow_batch_shrinks_the_next_at_once_but_never_below_the_smallest() -> None:
    pacer = BatchPacer(largest=5000, target_s=0.05)
    for _ in range(6):
        pacer.took(pacer.size, pacer.size * 10e-6)
    assert pacer.size == 5000
    pacer.took(5000, 1.0)  # a cold disk: 200 microseconds a read
    assert pacer.size == 250
    pacer.took(250, 5.0)
    assert pacer.size == SMALLEST_BATCH


def test_never_more_than_the_largest() -> None:
    pacer = BatchPacer(largest=50, target_s=10.0)
    assert pacer.size == 50
    pacer.took(50, 0.0)
    assert pacer.size == 50
    pacer.took(50, 1.0)
    assert pacer.size == 50


def test_an_empty_batch_says_nothing_of_the_pace() -> None:
    pacer = BatchPacer(largest=5000, target_s=0.05)
    pacer.took(100, 0.001)
    before = pacer.size
    pacer.took(0, 3.0)
    assert pacer.size == before


@pytest.mark.parametrize(("largest", "target_s"), [(0, 0.05), (100, 0.0), (100, -1.0)])
def test_a_pacer_that_could_not_pace_is_refused(largest: int, target_s: float) -> None:
    with pytest.raises(ValueError, match=r"at least one read|must be positive"):
        BatchPacer(largest=largest, target_s=target_s)
