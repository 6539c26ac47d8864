"""The transparency page and the compliance report count in the database (reads from the
daily counts, hits and searches grouped there) and must print exactly what counting every
record one by one gives: reads over days, cameras and agencies, hits of every status and
outcome on several lists, searches under every purpose, none and refused."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pytest

from platekeeper.domain import PlateRead
from platekeeper.domain.access import AccessEvent, AccessOutcome, Actor
from platekeeper.domain.hotlists import (
    AlertLevel,
    Hit,
    HitOutcome,
    HitStatus,
    Hotlist,
    ListSource,
    RejectionReason,
)
from platekeeper.domain.scope import AgencyScope
from platekeeper.reports.compliance import Period
from platekeeper.reports.gather import gather
from platekeeper.reports.transparency import PERIOD, gather_counts
from platekeeper.services import Services
from tests.conftest import NOW, make_agency, make_camera
from tests.store.test_hits_contract import make_hit
from tests.store.test_read_counts_contract import CAMERAS, store_spread_reads

LISTS = {"stolen": "demo-pd", "wanted": "demo-pd", "amber": "other-pd"}
PURPOSES = ("stolen-vehicle", "missing-person", None)


@dataclass(frozen=True)
class Filled:
    reads: list[PlateRead]
    hits: list[Hit]
    searches: list[AccessEvent]


def _hit(number: int, chance: random.Random) -> Hit:
    made = make_hit(number, list_id=chance.choice(sorted(LISTS)))
    made = replace(made, created_at=NOW - timedelta(seconds=chance.randrange(0, 35 * 86_400)))
    at = made.created_at + timedelta(minutes=5)
    ending = chance.randrange(9)  # pending; confirmed with each outcome or none; rejected
    if ending == 0:
        return made
    if ending < 6:
        made = made.confirmed(
            "olivia",
            at,
            characters_match=True,
            state_matches=True,
            active_at_source=True,
            state_override="the image shows the listed state",
        )
        return (
            made if ending == 5 else made.with_outcome(list(HitOutcome)[ending - 1], "olivia", at)
        )
    made = made.rejected("olivia", at, RejectionReason.MISREAD)
    if ending == 6:
        return made
    return made.with_outcome((HitOutcome.FALSE_HIT, HitOutcome.NO_STOP)[ending - 7], "olivia", at)


def _search(chance: random.Random) -> AccessEvent:
    return AccessEvent(
        at=NOW - timedelta(seconds=chance.randrange(0, 35 * 86_400)),
        actor=Actor("avery", "demo-pd"),
        action=chance.choice(("reads:search", "reads:search", "reads:view")),
        outcome=chance.choice((AccessOutcome.ALLOWED, AccessOutcome.ALLOWED, AccessOutcome.DENIED)),
        reason="test",
        query={"plate": "7TEST99"},
        purpose_code=chance.choice(PURPOSES),
        case_number="2026-000123",
    )


@pytest.fixture
def filled(services: Services) -> Filled:
    store = services.store
    chance = random.Random(42)
    for agency_id in ("demo-pd", "other-pd"):
        store.agencies.add(make_agency(agency_id))
    for camera_id, agency_id in CAMERAS.items():
        store.cameras.add(make_camera(camera_id, agency_id=agency_id)[0])
    for list_id, agency_id in LISTS.items():
        store.hotlists.add(
            Hotlist(
                id=list_id,
                agency_id=agency_id,
                name=f"List {list_id}",
                source=ListSource.MANUAL,
                priority=1,
                alert_level=AlertLevel.CRITICAL,
                covert=list_id == "amber",
                created_at=NOW - timedelta(days=60),
            )
        )
    reads = store_spread_reads(store, chance, 400, days=40)
    hits = [_hit(number, chance) for number in range(1, 250)]
    store.hits.add(hits)
    searches = [_search(chance) for _ in range(150)]
    for event in sorted(searches, key=lambda event: event.at):
        store.access_log.append(event)
    return Filled(reads, hits, searches)


def _ending(hit: Hit) -> str:
    if hit.status is HitStatus.REJECTED or hit.outcome is HitOutcome.FALSE_HIT:
        return "false"
    return "confirmed" if hit.status is HitStatus.CONFIRMED else "pending"


def test_the_transparency_counts_equal_a_count_of_every_record(
    services: Services, filled: Filled
) -> None:
    counts = gather_counts(services.store, NOW, ["stolen-vehicle", "wanted-person"])
    since = NOW - PERIOD
    hits = [hit for hit in filled.hits if hit.created_at >= since]
    assert counts.reads == sum(read.captured_at >= since for read in filled.reads)
    assert counts.hits == len(hits)
    assert counts.hits_by_status == {
        status.value: sum(hit.status is status for hit in hits) for status in HitStatus
    }
    assert counts.hits_by_outcome == {
        outcome.value: sum(hit.outcome is outcome for hit in hits) for outcome in HitOutcome
    }
    searches = Counter(
        event.purpose_code or "none named"
        for event in filled.searches
        if event.at >= since
        and event.action == "reads:search"
        and event.outcome is AccessOutcome.ALLOWED
    )
    assert counts.searches_by_purpose == {"wanted-person": 0, **searches}
    per_list = {
        list_id: Counter(
            measure for hit in hits if hit.list_id == list_id for measure in ("made", _ending(hit))
        )
        for list_id in LISTS
    }
    names = {f"List {list_id}": list_id for list_id in LISTS}
    assert {
        checked.name: dict(checked.hits) for checked in counts.lists if checked.name in names
    } == {
        name: {
            measure: per_list[list_id][measure]
            for measure in ("made", "confirmed", "false", "pending")
        }
        for name, list_id in names.items()
        if list_id != "amber"  # covert: shown under a withheld name
    }
    assert [dict(checked.hits) for checked in counts.lists if checked.kind == "manual"][-1] == {
        measure: per_list["amber"][measure] for measure in ("made", "confirmed", "false", "pending")
    }


@pytest.mark.parametrize("agency_id", [None, "demo-pd", "other-pd"])
def test_the_compliance_report_counts_reads_per_day_as_a_recount_does(
    services: Services, filled: Filled, agency_id: str | None
) -> None:
    # Partial days at both ends: the middle comes from the daily counts, the ends from reads.
    period = Period(NOW - timedelta(days=9, hours=5, minutes=7), NOW - timedelta(minutes=50))
    facts = gather(services, period, scope=AgencyScope(agency_id))
    expected: Counter[date] = Counter(
        read.captured_at.astimezone(UTC).date()
        for read in filled.reads
        if period.start <= read.captured_at < period.end
        and agency_id in (None, CAMERAS[read.camera_id])
    )
    assert [(day.day, day.reads) for day in facts.days] == [
        (day, expected[day]) for day in period.days()
    ]
    assert sum(day.reads for day in facts.days) > 0


def test_a_period_of_whole_days_is_counted_from_the_daily_counts(
    services: Services, filled: Filled
) -> None:
    start = datetime.combine(NOW.date() - timedelta(days=20), datetime.min.time(), UTC)
    period = Period(start, start + timedelta(days=10))
    facts = gather(services, period)
    assert sum(day.reads for day in facts.days) == sum(
        start <= read.captured_at < period.end for read in filled.reads
    )
