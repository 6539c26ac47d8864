"""The sliding windows of the plate-sweep and repeated-search signals flag exactly what
checking every window one by one flags: the linear walk must not lose or add a record."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from platekeeper.audit.signals import _in_dense_windows, plate_of, plate_sweep
from platekeeper.domain.access import AccessRecord
from tests.audit.conftest import make_event
from tests.audit.test_signals import day, sealed

WINDOW = timedelta(days=2)


def _looks(seed: int, plates: int) -> list[AccessRecord]:
    chance = random.Random(seed)
    return sealed(
        *(
            make_event(
                index,
                at=day(chance.uniform(0, 30)),
                username=chance.choice(("officer1", "officer2")),
                plate=f"7ABC{chance.randrange(plates):03d}",
            )
            for index in range(300)
        )
    )


def _naive_windows(records: list[AccessRecord], dense: object) -> set[int]:
    """Every record that some window ending at a record holds, where ``dense(window)``."""
    flagged: set[int] = set()
    for last in records:
        window = [r for r in records if last.event.at - WINDOW <= r.event.at <= last.event.at]
        if dense(window):  # type: ignore[operator]
            flagged |= {r.seq for r in window}
    return flagged


@pytest.mark.parametrize("seed", range(4))
def test_a_plate_sweep_flags_what_every_window_checked_alone_flags(seed: int) -> None:
    records = _looks(seed, plates=40)
    expected = set()
    for username in ("officer1", "officer2"):
        mine = [r for r in records if r.event.actor.username == username]
        expected |= _naive_windows(mine, lambda w: len({plate_of(r) for r in w}) >= 12)
    found = {seq for signal in plate_sweep(records, 12, WINDOW) for seq in signal.seqs}
    assert found == expected
    assert found  # the seeds make some windows dense


@pytest.mark.parametrize("seed", range(4))
def test_dense_windows_are_what_every_window_checked_alone_holds(seed: int) -> None:
    records = _looks(seed, plates=1)
    found = {record.seq for record in _in_dense_windows(records, 25, WINDOW)}
    assert found == _naive_windows(records, lambda w: len(w) >= 25)
    assert found
