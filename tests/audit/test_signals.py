"""Misuse signals over records: each fires on its pattern, names the entries, and no more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from platekeeper.audit.signals import SignalKind, find_signals
from platekeeper.config import AuditSettings
from platekeeper.domain.access import GENESIS_HASH, AccessEvent, AccessOutcome, AccessRecord, seal
from tests.audit.conftest import make_event
from tests.conftest import NOW

SETTINGS = AuditSettings(
    repeat_searches=3,
    repeat_window_days=7,
    purpose_reuse=3,
    follow_up_days=30,
    timezone="America/Los_Angeles",
    working_hours=(6, 22),
)
LATER = NOW + timedelta(days=60)


def sealed(*events: AccessEvent) -> list[AccessRecord]:
    records: list[AccessRecord] = []
    for seq, event in enumerate(events, start=1):
        records.append(seal(seq, event, records[-1].entry_hash if records else GENESIS_HASH))
    return records


def kinds(records: list[AccessRecord], now: datetime = LATER) -> dict[SignalKind, list[int]]:
    found: dict[SignalKind, list[int]] = {}
    for signal in find_signals(records, SETTINGS, now):
        found.setdefault(signal.kind, []).extend(signal.seqs)
    return found


def day(offset: float) -> datetime:
    return NOW + timedelta(days=offset)


def test_repeated_searches_of_one_plate_within_the_window() -> None:
    records = sealed(
        make_event(at=day(0), case_number=None),
        make_event(at=day(2), case_number=None),
        make_event(at=day(6), case_number=None),
        make_event(at=day(20), case_number=None),
        make_event(at=day(1), case_number=None, username="officer2"),
    )
    assert kinds(records)[SignalKind.REPEATED_SEARCHES] == [1, 2, 3]


def test_searches_spread_out_are_not_repeated() -> None:
    records = sealed(*(make_event(at=day(10 * n), case_number=None) for n in range(4)))
    assert SignalKind.REPEATED_SEARCHES not in kinds(records)


def test_denied_searches_count_for_nothing() -> None:
    records = sealed(
        *(make_event(at=day(n), outcome=AccessOutcome.DENIED, case_number=None) for n in range(5))
    )
    assert kinds(records) == {}


def test_searches_outside_working_hours_in_the_agency_zone() -> None:
    night = datetime(2026, 11, 28, 10, 30, tzinfo=UTC)  # 02:30 in Los Angeles
    records = sealed(
        make_event(at=night, case_number=None),
        make_event(at=night.replace(hour=20), case_number=None),  # 12:00 there
        make_event(at=night, action="auth:login", plate=None, case_number=None),
    )
    assert kinds(records) == {SignalKind.UNUSUAL_HOURS: [1]}


def test_one_case_number_named_for_many_plates() -> None:
    noon = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
    records = sealed(
        *(make_event(at=noon + timedelta(days=n), plate=f"PLATE{n}") for n in range(3)),
        make_event(at=noon, action="reads:view", plate="PLATE0"),
    )
    assert kinds(records)[SignalKind.REUSED_PURPOSE] == [1, 2, 3, 4]


def test_a_case_searched_without_follow_up() -> None:
    noon = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
    followed = [
        make_event(at=noon, case_number="2026-000001"),
        make_event(at=noon + timedelta(days=3), action="reads:view", case_number="2026-000001"),
    ]
    dropped = [make_event(at=noon, case_number="2026-000002")]
    recent = [make_event(at=LATER - timedelta(days=1), case_number="2026-000003")]
    found = kinds(sealed(*followed, *dropped, *recent))
    assert found[SignalKind.NO_FOLLOW_UP] == [3]


def test_a_follow_up_too_late_does_not_count() -> None:
    noon = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
    records = sealed(
        make_event(at=noon),
        make_event(at=noon + timedelta(days=45), action="images:view"),
    )
    assert kinds(records)[SignalKind.NO_FOLLOW_UP] == [1]


def test_signals_carry_no_plate_text() -> None:
    noon = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    records = sealed(*(make_event(at=noon + timedelta(hours=n)) for n in range(5)))
    signals = find_signals(records, SETTINGS, LATER)
    assert signals
    assert all("7ABC123" not in s.summary for s in signals)
