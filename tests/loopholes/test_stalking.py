"""Loopholes of issue 15 around stalking: retroactive matching past the approval rule, and
the misuse signals that repeated vehicle histories, pattern searches and retroactive matches
did not raise. Each test fails on fb08a52."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from platekeeper.access import Basis, Person
from platekeeper.audit import AccessLog
from platekeeper.audit.signals import SignalKind, find_signals
from platekeeper.audit.signing import CheckpointSigner
from platekeeper.config import AccessSettings, AuditSettings
from platekeeper.domain.access import (
    GENESIS_HASH,
    AccessEvent,
    AccessOutcome,
    AccessRecord,
    Actor,
    seal,
)
from platekeeper.domain.approvals import SearchApproval
from platekeeper.domain.hotlists import AlertLevel, Hotlist, HotlistEntry, ListSource
from platekeeper.domain.people import Role
from platekeeper.domain.scope import AgencyScope
from platekeeper.errors import PermissionDenied
from platekeeper.hotlists.hits import Retroactive, RetroactiveHit
from platekeeper.store import Store
from tests.access.conftest import ANALYST, BASIS, SUPERVISOR, World, build_world, person
from tests.conftest import NOW, FixedClock
from tests.store.conftest import empty_store, store  # noqa: F401 (fixtures)

FROM = NOW - timedelta(days=90)
BEFORE = NOW - timedelta(days=1)


def _listed(database: Store) -> None:
    database.hotlists.add(
        Hotlist(
            id="stolen",
            agency_id="demo-pd",
            name="Stolen",
            source=ListSource.MANUAL,
            priority=1,
            alert_level=AlertLevel.CRITICAL,
            covert=False,
            created_at=NOW - timedelta(days=100),
        )
    )
    database.hotlist_entries.add(
        [
            HotlistEntry(
                id="entry-1",
                list_id="stolen",
                plate_text="7ABC123",
                state="us-ca",
                reason="stolen vehicle",
                entered_by="avery",
                entered_at=NOW - timedelta(hours=1),
                expires_at=NOW + timedelta(days=30),
                case_number="2026-000123",
            )
        ]
    )


class Desk:
    def __init__(self, world: World, database: Store, days: int | None) -> None:
        self.world = world
        self.database = database
        self.retroactive = Retroactive(
            database, world.sink, world.clock, AccessSettings(approval_beyond_days=days)
        )

    def approve(self) -> str:
        request = self.world.desk.request(
            ANALYST, BASIS, FROM, BEFORE, "Burglary series since August."
        )
        self.world.desk.decide(SUPERVISOR, request.id, approve=True)
        return request.id


@pytest.fixture
def desk(store: Store, tmp_path: Path) -> Desk:  # noqa: F811 (the fixture above)
    """Reads now, 3 and 60 days old; the agency wants approval past one day."""
    world = build_world(store, tmp_path, AccessSettings(approval_beyond_days=1))
    _listed(store)
    return Desk(world, store, 1)


def _ages(found_hits: list[RetroactiveHit]) -> set[int]:
    """How many whole days old the reads behind ``found_hits`` are."""
    return {(NOW - item.read.captured_at) // timedelta(days=1) for item in found_hits}


def test_retroactive_without_approval_reaches_only_the_unapproved_window(desk: Desk) -> None:
    found = desk.retroactive.match(ANALYST, BASIS, "entry-1")
    assert _ages(found.hits) == {0}  # the reads 3 and 60 days old need an approval
    assert found.searched_from == NOW - timedelta(days=1)
    event = desk.world.sink.last
    assert event.outcome is AccessOutcome.ALLOWED
    assert "limited to the last 1 days" in event.reason
    assert event.query["captured_from"] == (NOW - timedelta(days=1)).isoformat()


def test_retroactive_with_a_covering_approval_reaches_its_range(desk: Desk) -> None:
    approval_id = desk.approve()
    basis = Basis(BASIS.purpose_code, BASIS.case_number, approval_id)
    found = desk.retroactive.match(ANALYST, basis, "entry-1")
    assert _ages(found.hits) == {3, 60}
    assert desk.world.sink.last.query["approval_id"] == approval_id


@pytest.mark.parametrize(
    ("who", "case", "why"),
    [
        (person("ada", Role.ANALYST), "2026-000123", "another user"),
        (ANALYST, "2026-000999", "for case"),
    ],
)
def test_retroactive_with_an_approval_that_does_not_cover_it_is_refused(
    desk: Desk, who: Person, case: str, why: str
) -> None:
    approval_id = desk.approve()
    with pytest.raises(PermissionDenied, match=why):
        desk.retroactive.match(who, Basis("stolen-vehicle", case, approval_id), "entry-1")
    assert desk.world.sink.last.outcome is AccessOutcome.DENIED


def test_retroactive_with_an_unknown_or_pending_approval_is_refused(desk: Desk) -> None:
    pending = desk.world.desk.request(ANALYST, BASIS, FROM, BEFORE, "Burglary series since August.")
    for approval_id, why in ((pending.id, "is pending"), ("no-such", "supervisor's approval")):
        basis = Basis(BASIS.purpose_code, BASIS.case_number, approval_id)
        with pytest.raises(PermissionDenied, match=why):
            desk.retroactive.match(ANALYST, basis, "entry-1")
        assert desk.world.sink.last.outcome is AccessOutcome.DENIED


def test_another_agencys_approval_is_no_approval_for_retroactive(desk: Desk) -> None:
    theirs = SearchApproval(
        id="theirs",
        requested_by="avery",
        agency_id="other-pd",
        purpose_code="stolen-vehicle",
        case_number="2026-000123",
        justification="Burglary series since August.",
        captured_from=FROM,
        captured_before=BEFORE,
        requested_at=NOW - timedelta(hours=2),
    ).decided("sam", True, NOW - timedelta(hours=1), timedelta(days=3))
    desk.database.approvals.add(theirs)
    basis = Basis(BASIS.purpose_code, BASIS.case_number, "theirs")
    with pytest.raises(PermissionDenied, match="supervisor's approval"):
        desk.retroactive.match(ANALYST, basis, "entry-1")


def test_retroactive_reaches_all_stored_reads_where_no_approval_is_ever_needed(
    store: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    world = build_world(store, tmp_path, AccessSettings())
    _listed(store)
    found = Desk(world, store, None).retroactive.match(ANALYST, BASIS, "entry-1")
    assert _ages(found.hits) == {0, 3, 60}
    assert found.searched_from is None


# --- the stalking signals ----------------------------------------------------------------------

STALKING = AuditSettings()  # the documented defaults


def _sealed(*events: AccessEvent) -> list[AccessRecord]:
    records: list[AccessRecord] = []
    for seq, event in enumerate(events, start=1):
        records.append(seal(seq, event, records[-1].entry_hash if records else GENESIS_HASH))
    return records


def _look(
    at_days: float,
    *,
    action: str = "vehicles:history",
    plate: str | None = "7ABC123",
    case: str = "2026-000123",
    user: str = "avery",
    **query: str,
) -> AccessEvent:
    elements = {**({"plate": plate} if plate else {}), **query}
    return AccessEvent(
        at=NOW + timedelta(days=at_days),
        actor=Actor(user, "demo-pd"),
        action=action,
        outcome=AccessOutcome.ALLOWED,
        reason="allowed",
        query=elements,
        purpose_code="criminal-investigation",
        case_number=case,
    )


def _signals(*events: AccessEvent) -> dict[SignalKind, list[tuple[str, tuple[int, ...]]]]:
    found: dict[SignalKind, list[tuple[str, tuple[int, ...]]]] = {}
    for signal in find_signals(_sealed(*events), STALKING, NOW + timedelta(days=1)):
        found.setdefault(signal.kind, []).append((signal.username, signal.seqs))
    return found


@pytest.mark.parametrize("spellings", [("7ABC123",) * 3, ("7ABC123", "7abc-123", "7 ABC 123")])
def test_one_plates_history_viewed_on_several_days_is_a_signal(spellings: tuple[str, ...]) -> None:
    events = [_look(n * 9, plate=plate) for n, plate in enumerate(spellings)]  # 9 days apart
    assert _signals(*events)[SignalKind.REPEATED_VEHICLE] == [("avery", (1, 2, 3))]


def test_one_plate_looked_up_under_several_cases_is_a_signal_whatever_the_action() -> None:
    found = _signals(
        _look(0, action="reads:search", case="2026-000123"),
        _look(0.1, action="hotlists:retroactive", case="2026-000777"),
    )
    assert found[SignalKind.REPEATED_VEHICLE] == [("avery", (1, 2))]


def test_repeated_histories_within_a_week_count_as_repeated_searches() -> None:
    found = _signals(*(_look(n) for n in (0, 1, 2)))
    assert found[SignalKind.REPEATED_SEARCHES] == [("avery", (1, 2, 3))]


@pytest.mark.parametrize(
    "query",
    [{"plate_pattern": "7AB*"}, {"area": "38.5,-121.5,38.6,-121.4"}, {"tolerate_misreads": "yes"}],
)
def test_repeated_pattern_searches_are_a_signal(query: dict[str, str]) -> None:
    events = [_look(n / 2, action="reads:search", plate=None, **query) for n in range(5)]
    assert _signals(*events)[SignalKind.PATTERN_SEARCHES] == [("avery", (1, 2, 3, 4, 5))]


def test_many_different_plates_looked_up_in_a_day_is_a_signal_across_cases() -> None:
    events = [
        _look(n / 24, plate=f"8XYZ{n:03d}", case=f"2026-{n:06d}")
        for n in range(STALKING.plate_sweep)
    ]
    found = _signals(*events)
    assert found[SignalKind.PLATE_SWEEP] == [("avery", tuple(range(1, STALKING.plate_sweep + 1)))]


def test_a_retroactive_match_of_ones_own_entry_is_a_signal() -> None:
    found = _signals(
        _look(0, action="hotlists:retroactive", entered_by="avery"),
        _look(0, action="hotlists:retroactive", entered_by="sam", plate="8XYZ999"),
    )
    assert found[SignalKind.OWN_ENTRY_MATCHES] == [("avery", (1,))]


def test_many_retroactive_matches_are_a_signal() -> None:
    events = [
        _look(n / 10, action="hotlists:retroactive", plate=f"8XYZ{n:03d}", entered_by="sam")
        for n in range(STALKING.retroactive_matches)
    ]
    found = _signals(*events)
    assert found[SignalKind.RETROACTIVE_MATCHES][0][0] == "avery"


def test_a_retroactive_match_logs_the_plate_and_who_listed_it(desk: Desk) -> None:
    """The signals read what the log records: each match names the entry's plate and lister,
    so that matching one's own entry shows, scoped to the agency, on the real access log."""
    desk.retroactive.match(ANALYST, BASIS, "entry-1")
    event = desk.world.sink.last
    assert (event.query["plate"], event.query["entered_by"]) == ("7ABC123", "avery")
    found = find_signals(desk.world.sink.records, STALKING, NOW)
    assert [s.kind for s in found if s.username == "avery"] == [SignalKind.OWN_ENTRY_MATCHES]


def test_signals_on_the_access_log_are_scoped_to_the_agency(
    store: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    log = AccessLog(store.access_log, CheckpointSigner.generate(), FixedClock(), STALKING)
    for n in range(3):
        log.record(_look(n * 2))
        log.record(_other_agency(n * 2))
    ours = log.signals(AgencyScope("demo-pd"), NOW - timedelta(days=1), NOW + timedelta(days=7))
    assert {s.username for s in ours} == {"avery"}
    assert SignalKind.REPEATED_VEHICLE in {s.kind for s in ours}
    theirs = log.signals(AgencyScope("other-pd"), NOW - timedelta(days=1), NOW + timedelta(days=7))
    assert {s.username for s in theirs} == {"otto"}


def _other_agency(at_days: float) -> AccessEvent:
    event = _look(at_days, user="otto")
    return replace(event, actor=Actor("otto", "other-pd"))
