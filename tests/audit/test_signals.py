"""Misuse signals over records: each fires on its pattern, names the entries, and no more."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from platekeeper.audit.signals import SignalKind, find_signals
from platekeeper.config import AuditSettings
from platekeeper.domain.access import (
    GENESIS_HASH,
    AccessEvent,
    AccessOutcome,
    AccessRecord,
    Actor,
    seal,
)
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


# --- repeated legitimate work against misuse (issue 20) ------------------------------------------


def image(index: int, at: datetime, read: int, username: str = "officer1") -> AccessEvent:
    event = make_event(index, at=at, username=username, action="images:view", plate=None)
    return replace(event, read_ids=(f"read-{read}",), query={"read_id": f"read-{read}"})


def test_a_pages_crops_count_as_its_one_access_at_night() -> None:
    night = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)  # 02:00 in California
    search = replace(make_event(at=night), read_ids=tuple(f"read-{n}" for n in range(40)))
    crops = [image(n, night + timedelta(seconds=1 + n), read=n) for n in range(40)]
    found = kinds(sealed(search, *crops))
    assert found[SignalKind.UNUSUAL_HOURS] == [1]  # the search, not 41 accesses


def test_images_opened_one_by_one_much_later_still_count() -> None:
    night = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    views = [image(n, night + timedelta(minutes=10 * n), read=n) for n in range(4)]
    assert kinds(sealed(*views))[SignalKind.UNUSUAL_HOURS] == [1, 2, 3, 4]


def test_unusual_hours_counted_on_each_agencys_own_clock() -> None:
    evening_utc = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)  # 19:00 the day before in California
    records = sealed(make_event(at=evening_utc), make_event(at=evening_utc, username="medic"))
    records = [
        records[0],
        seal(2, replace(records[1].event, actor=Actor("medic", "nyc-pd")), records[0].entry_hash),
    ]
    zones = {"demo-pd": "America/Los_Angeles", "nyc-pd": "America/New_York"}
    flagged = find_signals(records, SETTINGS, LATER, zones)
    # 19:00 in California is working hours; 22:00 in New York is not.
    assert [(s.kind, s.username) for s in flagged if s.kind is SignalKind.UNUSUAL_HOURS] == [
        (SignalKind.UNUSUAL_HOURS, "medic")
    ]
    assert "America/New_York" in flagged[0].summary


def test_one_person_working_one_case_on_one_plate_is_not_flagged() -> None:
    # A morning on one case: the same plate searched again and again as the filters change,
    # its history opened, its export made (NOW is 04:00 in California: all on the 28th there).
    records = sealed(*(make_event(n, at=NOW + timedelta(minutes=20 * n)) for n in range(12)))
    found = kinds(records)
    assert SignalKind.REPEATED_SEARCHES not in found
    assert SignalKind.REPEATED_VEHICLE not in found
    assert SignalKind.SHARED_CASE not in found
    assert SignalKind.REUSED_PURPOSE not in found


def test_one_case_on_one_plate_over_several_days_is_still_the_stalking_signal() -> None:
    records = sealed(*(make_event(n, at=day(n)) for n in range(3)))
    found = kinds(records)
    assert found[SignalKind.REPEATED_VEHICLE] == [1, 2, 3]
    assert found[SignalKind.REPEATED_SEARCHES] == [1, 2, 3]


def test_the_days_of_work_are_the_agencys() -> None:
    # 15:00 and 20:00 in California on the 28th: one day there, the 28th and 29th in UTC.
    afternoon = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)
    records = sealed(make_event(1, at=afternoon), make_event(2, at=afternoon + timedelta(hours=5)))
    twice = SETTINGS.model_copy(update={"repeat_searches": 2})

    def repeated(zone: str) -> bool:
        found = find_signals(records, twice, LATER, {"demo-pd": zone})
        return SignalKind.REPEATED_SEARCHES in {s.kind for s in found}

    assert not repeated("America/Los_Angeles")
    assert repeated("UTC")


def test_one_case_worked_beyond_a_plausible_volume_is_flagged() -> None:
    many = SETTINGS.model_copy(update={"case_volume": 5})
    records = sealed(*(make_event(n, at=NOW + timedelta(hours=n)) for n in range(6)))
    found = {signal.kind for signal in find_signals(records, many, LATER)}
    assert SignalKind.REPEATED_SEARCHES in found


def test_the_same_plate_without_a_case_or_under_another_case_is_still_flagged() -> None:
    records = sealed(
        make_event(1, at=day(0)),
        make_event(2, at=day(1)),
        make_event(3, at=day(2), case_number=None),
    )
    assert kinds(records)[SignalKind.REPEATED_SEARCHES] == [1, 2, 3]
    two_cases = sealed(make_event(1, at=day(0)), make_event(2, at=day(8), case_number="2026-9"))
    assert kinds(two_cases)[SignalKind.REPEATED_VEHICLE] == [1, 2]


def test_one_case_number_named_by_many_people_is_flagged() -> None:
    records = sealed(
        make_event(1, username="ana"),
        make_event(2, username="bo"),
        make_event(3, username="cy", plate="8XYZ999"),
        make_event(4, username="ana", case_number="2026-7"),
    )
    found = [s for s in find_signals(records, SETTINGS, LATER) if s.kind is SignalKind.SHARED_CASE]
    assert [(s.username, s.seqs) for s in found] == [("ana", (1,)), ("bo", (2,)), ("cy", (3,))]
    assert "3 different people" in found[0].summary


def test_one_case_number_for_unrelated_plates_is_still_flagged() -> None:
    records = sealed(*(make_event(n, plate=f"{n}ABC12{n}") for n in range(3)))
    assert kinds(records)[SignalKind.REUSED_PURPOSE] == [1, 2, 3]
