"""The demo agency's hot list: three plates among the demo's own reads, listed so that each hit
shows one thing to check (an exact match, a misread, a plate from another state), and a legal
hold on the reads of the first.

The list is made after the reads, so its hits come from retroactive matching, which is logged
like any look-up; new reads posted later alert live.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from platekeeper.access import Basis, Person
from platekeeper.demo.scenario import AGENCY_ID
from platekeeper.domain import PlateRead
from platekeeper.domain.access import Actor
from platekeeper.domain.holds import PlateSpan
from platekeeper.domain.hotlists import AlertLevel, ListSource
from platekeeper.domain.people import Role
from platekeeper.hotlists.entries import EntryDraft
from platekeeper.services import Services
from platekeeper.store import ReadQuery

LIST_ID = "demo-stolen"
DEMO_ANALYST = Person(Actor("demo", AGENCY_ID), frozenset({Role.ANALYST}))
DEMO_EDITOR = DEMO_ANALYST
"""Who makes the demo's list: a person of the demo agency whose role manages hot lists, decided
by the gate like anyone's (the console trusts nobody for being there)."""
DEMO_SUPERVISOR = Person(Actor("demo-supervisor", AGENCY_ID), frozenset({Role.SUPERVISOR}))
DEMO_BASIS = Basis("stolen-vehicle", "2026-000123")
HOLD_CASE = "2026-000101"
# A character and the one an OCR engine takes it for, to list a plate as it was misread.
_MISREADS = {"B": "8", "8": "B", "0": "O", "O": "0", "S": "5", "5": "S", "Z": "2", "2": "Z"}


@dataclass(frozen=True, slots=True)
class DemoWatchlist:
    created: bool
    hits: int
    hold_case: str | None = None


def ensure_demo_watchlist(services: Services) -> DemoWatchlist:
    if services.store.hotlists.get(LIST_ID) is not None:
        return DemoWatchlist(created=False, hits=0)
    seen = services.store.reads.find(ReadQuery(agency_id=AGENCY_ID, limit=2000))
    picked = _often_seen(seen, count=3)
    if len(picked) < 3:
        return DemoWatchlist(created=False, hits=0)
    services.hotlists.create_list(
        DEMO_EDITOR,
        list_id=LIST_ID,
        name="Stolen vehicles (demo)",
        source=ListSource.MANUAL,
        priority=1,
        alert_level=AlertLevel.CRITICAL,
        covert=False,
    )
    exact, misread, elsewhere = picked
    drafts = [
        EntryDraft(exact.plate_key, "stolen vehicle", exact.region, "2026-000101"),
        EntryDraft(_misread(misread.plate_key), "stolen plates", misread.region, "2026-000102"),
        EntryDraft(elsewhere.plate_key, "stolen vehicle", _other_state(elsewhere), "2026-000103"),
    ]
    entries = [services.hotlists.add_entry(DEMO_EDITOR, LIST_ID, draft) for draft in drafts]
    hits = sum(
        len(services.hotlist_matcher.match_stored(DEMO_ANALYST, DEMO_BASIS, entry.id).hits)
        for entry in entries
    )
    return DemoWatchlist(created=True, hits=hits, hold_case=_hold(services, exact))


def _hold(services: Services, read: PlateRead) -> str:
    """A legal hold on the listed car's reads: the case may go to court, so they outlive the
    retention limit until the hold is released or expires."""
    now = services.clock.now()
    hold = services.holds.request(
        DEMO_ANALYST,
        case_number=HOLD_CASE,
        reason="Evidence in the stolen-vehicle case; requested by the district attorney.",
        expires_at=now + timedelta(days=90),
        plates=PlateSpan(read.plate_key, now - timedelta(days=30), now + timedelta(minutes=1)),
    )
    services.holds.approve(DEMO_SUPERVISOR, hold.id)
    return HOLD_CASE


def _often_seen(reads: list[PlateRead], count: int) -> list[PlateRead]:
    """One read each of the ``count`` plates seen most often (with a region and a character
    an OCR engine misreads), so the demo's hits are on cars that come back."""
    usable = [read for read in reads if read.region and any(c in _MISREADS for c in read.plate_key)]
    most = Counter(read.plate_key for read in usable).most_common(count)
    first = {read.plate_key: read for read in reversed(usable)}
    return [first[key] for key, _ in most]


def _misread(plate_key: str) -> str:
    index = next(i for i, c in enumerate(plate_key) if c in _MISREADS)
    return plate_key[:index] + _MISREADS[plate_key[index]] + plate_key[index + 1 :]


def _other_state(read: PlateRead) -> str:
    return "us-nv" if read.region != "us-nv" else "us-az"
