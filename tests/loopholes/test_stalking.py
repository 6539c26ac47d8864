"""Loopholes of issue 15 around stalking: retroactive matching past the approval rule, and
the misuse signals that repeated vehicle histories, pattern searches and retroactive matches
did not raise. Each test fails on fb08a52."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from platekeeper.access import Basis, Person
from platekeeper.config import AccessSettings
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.approvals import SearchApproval
from platekeeper.domain.hotlists import AlertLevel, Hotlist, HotlistEntry, ListSource
from platekeeper.domain.people import Role
from platekeeper.errors import PermissionDenied
from platekeeper.hotlists.hits import Retroactive, RetroactiveHit
from platekeeper.store import Store
from tests.access.conftest import ANALYST, BASIS, SUPERVISOR, World, build_world, person
from tests.conftest import NOW
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
