"""Matching at ingest and retroactively, on each store backend.

The two stories behind the design: a plate misread by one character (Denise Green, 2009) and a
listed plate from another state (Brittney Gilliam, 2020). Both must come out as hits that say
so, pending, and never actionable until a person has done the checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from platekeeper.access import Basis, Requester
from platekeeper.config import AccessSettings
from platekeeper.domain import Agency, PlateCandidate
from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.hotlists import (
    Alert,
    AlertLevel,
    Hit,
    HitStatus,
    Hotlist,
    HotlistEntry,
    ListSource,
    MatchKind,
    StateAgreement,
)
from platekeeper.domain.people import Role
from platekeeper.errors import InvalidInput, NotFound, PermissionDenied
from platekeeper.hotlists.matcher import HotlistMatcher
from platekeeper.ingest import IngestItem, IngestLimits, IngestService
from platekeeper.store import Store
from platekeeper.store.images import LocalImageStore
from platekeeper.store.protocols import HitFilter
from tests.access.conftest import RecordingSink
from tests.conftest import (
    NOW,
    POLICY_ASSUMED_COMPLETE,
    FixedClock,
    make_camera,
    make_submission,
)
from tests.store.conftest import empty_store, store  # noqa: F401 (fixtures)

LISTED = "7ABC123"
BASIS = Basis("stolen-vehicle", "2026-000123")
ANALYST = Requester(Actor("avery", "demo-pd"), frozenset({Role.ANALYST}), "192.0.2.10")


@dataclass
class AlertRecorder:
    """An ``AlertSink`` that keeps what it is given."""

    alerts: list[Alert] = field(default_factory=list)

    def publish(self, alerts: Sequence[Alert]) -> None:
        self.alerts.extend(alerts)


@dataclass
class World:
    store: Store
    matcher: HotlistMatcher
    ingest: IngestService
    alerts: AlertRecorder
    access_log: RecordingSink
    clock: FixedClock
    reads_sent: int = 0

    def send(
        self,
        plate: str,
        *,
        region: str | None = "us-ca",
        camera_id: str = "main-st-north",
        candidates: Sequence[str] = (),
    ) -> list[Hit]:
        """Ingest one read of ``plate`` with the reader's alternative readings ``candidates``;
        return the hits it made (from the store)."""
        self.reads_sent += 1
        submission = replace(
            make_submission(self.reads_sent, plate_text=plate, captured_at=self.clock.now()),
            region=region,
            region_confidence=None,
            candidates=tuple(PlateCandidate(text, 0.3) for text in candidates),
        )
        camera = self.store.cameras.get(camera_id)
        assert camera is not None
        stored = self.ingest.ingest(camera, [IngestItem(submission)])
        return [h for h in self.store.hits.list(HitFilter()) if h.read_id == stored[0].read_id]


def hotlist(
    list_id: str = "stolen", *, source: ListSource = ListSource.MANUAL, **kw: object
) -> Hotlist:
    values: dict[str, object] = {
        "id": list_id,
        "agency_id": "demo-pd",
        "name": f"List {list_id}",
        "source": source,
        "priority": 1,
        "alert_level": AlertLevel.CRITICAL,
        "covert": False,
        "created_at": NOW - timedelta(days=3),
        **kw,
    }
    return Hotlist(**values)  # type: ignore[arg-type]


def entry(
    plate: str = LISTED,
    entry_id: str = "entry-1",
    *,
    list_id: str = "stolen",
    expires_at: datetime | None = None,
) -> HotlistEntry:
    return HotlistEntry(
        id=entry_id,
        list_id=list_id,
        plate_text=plate,
        state="us-ca",
        reason="stolen vehicle",
        entered_by="sam",
        entered_at=NOW - timedelta(days=2),
        expires_at=expires_at,
    )


@pytest.fixture
def world(store: Store, tmp_path: Path) -> World:  # noqa: F811 (the fixture)
    clock = FixedClock()
    recorder = AlertRecorder()
    sink = RecordingSink()
    matcher = HotlistMatcher(store, recorder, clock, sink, AccessSettings())
    images = LocalImageStore(tmp_path / "images")
    ingest = IngestService(
        store, images, clock, IngestLimits(), [matcher], policy=POLICY_ASSUMED_COMPLETE
    )
    store.hotlists.add(hotlist())
    store.hotlist_entries.add([entry()])
    return World(store, matcher, ingest, recorder, sink, clock)


def test_an_exact_read_in_the_same_state_hits_but_waits_for_a_person(world: World) -> None:
    (hit,) = world.send(LISTED)
    assert (hit.match_kind, hit.state_agreement) == (MatchKind.EXACT, StateAgreement.AGREES)
    assert hit.strong
    assert hit.status is HitStatus.PENDING
    assert not hit.actionable
    (alert,) = world.alerts.alerts
    assert (alert.hit, alert.entry.id, alert.hotlist.id) == (hit, "entry-1", "stolen")
    assert alert.read.plate_key == LISTED


@pytest.mark.parametrize(
    ("read", "kind"), [("7A8C123", MatchKind.CONFUSABLE), ("7ABC128", MatchKind.ONE_OFF)]
)
def test_a_one_character_misread_is_never_actionable_unverified(
    world: World, read: str, kind: MatchKind
) -> None:
    (hit,) = world.send(read)
    assert hit.match_kind is kind
    assert hit.score < 1.0
    assert hit.status is HitStatus.PENDING
    assert not hit.actionable
    assert not hit.strong
    with pytest.raises(InvalidInput, match="characters match"):
        hit.confirmed(
            "olivia", NOW, characters_match=False, state_matches=True, active_at_source=True
        )
    assert world.alerts.alerts[0].hit.match_kind is kind


def test_a_listed_plate_from_another_state_is_shown_as_such(world: World) -> None:
    (hit,) = world.send(LISTED, region="us-nv")
    assert hit.match_kind is MatchKind.EXACT
    assert hit.state_agreement is StateAgreement.DIFFERS
    assert not hit.strong
    assert not hit.actionable
    with pytest.raises(InvalidInput, match="state matches"):
        hit.confirmed(
            "olivia", NOW, characters_match=True, state_matches=False, active_at_source=True
        )
    (no_state,) = world.send(LISTED, region=None)
    assert no_state.state_agreement is StateAgreement.UNKNOWN


def test_an_expired_entry_never_hits(world: World) -> None:
    world.store.hotlist_entries.add(
        [entry("5XYZ987", "entry-2", expires_at=NOW + timedelta(hours=1))]
    )
    assert len(world.send("5XYZ987")) == 1  # active: the index holds it
    world.clock.advance(timedelta(hours=2))
    assert world.send("5XYZ987") == []  # expired since the index was built
    world.matcher.reload()
    assert world.send("5XYZ987") == []  # and left out when it is rebuilt
    assert len(world.alerts.alerts) == 1


def test_a_stale_list_marks_its_hits_stale(world: World) -> None:
    fed = hotlist("ncic", source=ListSource.NCIC, refreshed_at=NOW - timedelta(days=2))
    world.store.hotlists.add(fed)
    world.store.hotlist_entries.add([entry("4DEF567", "entry-ncic", list_id="ncic")])
    (stale,) = world.send("4DEF567")
    assert stale.stale
    assert world.alerts.alerts[-1].hit.stale
    (fresh,) = world.send(LISTED)  # a manual list never goes stale
    assert not fresh.stale


def test_a_new_entry_is_matched_from_the_next_batch(world: World) -> None:
    assert world.send("6GHJ234") == []
    world.store.hotlist_entries.add([entry("6GHJ234", "entry-new")])
    world.send("6GHJ234")  # matched against the old index while the new one is built
    world.matcher.settle()
    [hit] = [h for h in world.store.hits.list(HitFilter()) if h.entry_id == "entry-new"]
    assert [alert.hit.id for alert in world.alerts.alerts] == [hit.id]


def test_reads_held_during_a_rebuild_are_matched_again(world: World) -> None:
    world.send("1QQQ111")  # the first index is built
    world.store.hotlist_entries.add([entry("5XYZ555", "entry-late")])
    world.send("5XYZ555")  # sees the old index, starts the rebuild
    world.send("5XYZ555")  # a second read, perhaps still during the rebuild
    world.matcher.settle()
    hits = [h for h in world.store.hits.list(HitFilter()) if h.entry_id == "entry-late"]
    assert len(hits) == 2  # one per read, however many passes saw each


def test_reads_matching_nothing_store_no_hits(world: World) -> None:
    assert world.send("9KMN876") == []
    assert world.store.hits.list(HitFilter()) == []
    assert world.alerts.alerts == []


def test_retroactive_matching_finds_stored_reads_and_is_logged(world: World) -> None:
    reads = [world.send(plate) for plate in ("8PRS345", "8PR5345", "8PRS34", "1AAA111")]
    assert reads == [[], [], [], []]
    world.store.hotlist_entries.add([entry("8PRS345", "late-entry")])  # listed after them

    found = world.matcher.match_stored(ANALYST, BASIS, "late-entry")

    kinds = sorted(item.hit.match_kind.value for item in found.hits)
    assert kinds == ["confusable", "exact", "one-off"]
    assert all(item.hit.status is HitStatus.PENDING for item in found.hits)
    assert not found.truncated
    event = world.access_log.last
    assert (event.action, event.outcome) == ("hotlists:retroactive", AccessOutcome.ALLOWED)
    assert set(event.read_ids) == {item.read.id for item in found.hits}
    assert (event.purpose_code, event.case_number) == ("stolen-vehicle", "2026-000123")
    stored = {hit.id for hit in world.store.hits.list(HitFilter(list_id="stolen"))}
    assert {item.hit.id for item in found.hits} <= stored
    assert world.alerts.alerts == []  # old sightings are evidence, not alerts


def test_retroactive_matching_needs_a_purpose_and_the_permission(world: World) -> None:
    with pytest.raises(InvalidInput, match="purpose"):
        world.matcher.match_stored(ANALYST, Basis(None, None), "entry-1")
    assert world.access_log.last.outcome is AccessOutcome.DENIED
    officer = Requester(Actor("olivia", "demo-pd"), frozenset({Role.OFFICER}))
    with pytest.raises(PermissionDenied):
        world.matcher.match_stored(officer, BASIS, "entry-1")
    denied = world.access_log.last
    assert (denied.outcome, denied.actor.username) == (AccessOutcome.DENIED, "olivia")
    assert denied.query == {"entry_id": "entry-1"}


def test_another_agencys_entry_is_not_found_and_logged(world: World) -> None:
    world.store.agencies.add(Agency("other-pd", "Other PD", "CA", NOW))
    world.store.hotlists.add(hotlist("theirs", agency_id="other-pd"))
    world.store.hotlist_entries.add([entry("2TUV456", "their-entry", list_id="theirs")])
    with pytest.raises(NotFound):
        world.matcher.match_stored(ANALYST, BASIS, "their-entry")
    assert world.access_log.last.outcome is AccessOutcome.ALLOWED
    assert world.access_log.last.read_ids == ()


def test_a_read_matches_only_its_own_agencys_lists(world: World) -> None:
    world.store.agencies.add(Agency("other-pd", "Other Town Police", "CA", NOW))
    camera, _ = make_camera("elm-st", agency_id="other-pd")
    world.store.cameras.add(camera)
    assert world.send(LISTED, camera_id="elm-st") == []
    assert len(world.send(LISTED)) == 1
