"""Issue 15, round 2: the audit module. R34: the auditor's review of each sampled search is
recorded (verdict and note), auditor-only, agency-scoped, logged. R36: the annual certification
refuses to certify "no misuse" while a sampled search is unreviewed or found inconsistent.
On main none of this existed (nothing to import); it passes now on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.gate import Person
from platekeeper.domain.people import Role
from platekeeper.domain.sample_reviews import SampleReview, Verdict, standing
from platekeeper.domain.scope import AgencyScope
from platekeeper.errors import InvalidInput, NotFound, PermissionDenied
from platekeeper.reports.certification import NO_MISUSE, certification
from platekeeper.reports.compliance import ComplianceReport, Figures, Period, Sample
from platekeeper.reports.sample_review import REVIEW_ACTION, SampleReviewDesk, sample_standing
from platekeeper.store import Store
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp, backend_settings, live_app, services
from tests.api.people import staff
from tests.audit.conftest import make_event
from tests.conftest import NOW, FixedClock, make_agency
from tests.retention.conftest import MemoryLog
from tests.store.conftest import empty_store, store

__all__ = ["backend_settings", "empty_store", "live_app", "services", "store"]

AUDITOR = Person(Actor("aud", "demo-pd"), frozenset({Role.AUDITOR}))
SECOND_AUDITOR = Person(Actor("aud2", "demo-pd"), frozenset({Role.AUDITOR}))
OTHER_AUDITOR = Person(Actor("oaud", "other-pd"), frozenset({Role.AUDITOR}))
NOT_AUDITORS = [
    Person(Actor("sup", "demo-pd"), frozenset({role})) for role in Role if role is not Role.AUDITOR
]


@pytest.fixture
def seeded(store: Store) -> tuple[Store, list[int]]:
    """Three allowed searches by officer1, one refused, one by the auditor herself."""
    seqs = [store.access_log.append(make_event(i)).seq for i in range(3)]
    seqs.append(store.access_log.append(make_event(3, outcome=AccessOutcome.DENIED)).seq)
    seqs.append(store.access_log.append(make_event(4, username="aud")).seq)
    return store, seqs


class Ticking(FixedClock):
    """A clock a second further on at each look, so that reviews have an order."""

    def now(self) -> datetime:
        self.advance(timedelta(seconds=1))
        return self.current


def _desk(store: Store) -> tuple[SampleReviewDesk, MemoryLog]:
    log = MemoryLog()
    return SampleReviewDesk(store, log, Ticking()), log


def test_a_review_is_stored_logged_and_the_latest_counts(seeded: tuple[Store, list[int]]) -> None:
    store, seqs = seeded
    desk, log = _desk(store)
    desk.review(AUDITOR, seqs[0], Verdict.CONSISTENT)
    desk.review(AUDITOR, seqs[1], Verdict.UNDETERMINED, "case file not found")
    desk.review(SECOND_AUDITOR, seqs[1], Verdict.INCONSISTENT, "no such case number")
    stored = store.sample_reviews.list("demo-pd")
    assert [(r.access_seq, r.verdict) for r in stored] == [
        (seqs[0], Verdict.CONSISTENT),
        (seqs[1], Verdict.UNDETERMINED),
        (seqs[1], Verdict.INCONSISTENT),
    ]
    assert log.actions(AccessOutcome.ALLOWED) == [REVIEW_ACTION] * 3
    now = sample_standing(store, AgencyScope.of(AUDITOR.actor), tuple(seqs[:3]))
    assert now.unreviewed == (seqs[2],)
    assert now.inconsistent == (seqs[1],)
    assert not now.no_misuse_found


@pytest.mark.parametrize("person", NOT_AUDITORS, ids=lambda p: next(iter(p.roles)).value)
def test_only_an_auditor_reviews(seeded: tuple[Store, list[int]], person: Person) -> None:
    store, seqs = seeded
    desk, log = _desk(store)
    with pytest.raises(PermissionDenied):
        desk.review(person, seqs[0], Verdict.CONSISTENT)
    with pytest.raises(PermissionDenied):
        desk.reviews(person)
    assert store.sample_reviews.list(None) == []
    assert log.actions(AccessOutcome.DENIED) == [REVIEW_ACTION] * 2


def test_another_agencys_search_reads_as_missing(seeded: tuple[Store, list[int]]) -> None:
    store, seqs = seeded
    store.agencies.add(make_agency("other-pd"))
    desk, _log = _desk(store)
    with pytest.raises(NotFound) as other:
        desk.review(OTHER_AUDITOR, seqs[0], Verdict.CONSISTENT)
    with pytest.raises(NotFound) as missing:
        desk.review(OTHER_AUDITOR, 10_000, Verdict.CONSISTENT)
    assert other.value.message.split(" ")[:2] == missing.value.message.split(" ")[:2]
    desk.review(AUDITOR, seqs[0], Verdict.CONSISTENT)
    assert desk.reviews(OTHER_AUDITOR) == []
    assert len(desk.reviews(AUDITOR)) == 1


@pytest.mark.parametrize("which", [3, 4, -1])
def test_only_another_persons_allowed_search_is_reviewed(
    seeded: tuple[Store, list[int]], which: int
) -> None:
    """A refused search, the auditor's own search, a sign-in entry: none is reviewable."""
    store, seqs = seeded
    if which == -1:
        seq = store.access_log.append(make_event(9, action="accounts:sign-in")).seq
    else:
        seq = seqs[which]
    desk, _ = _desk(store)
    with pytest.raises((InvalidInput, PermissionDenied)):
        desk.review(AUDITOR, seq, Verdict.CONSISTENT)
    assert store.sample_reviews.list(None) == []


@pytest.mark.parametrize(
    "note",
    ["driver was Jane Smith", "called 415-555-0199", "DOB 04/12/1985", "SSN 123-45-6789"],
)
def test_the_note_holds_no_personal_data(seeded: tuple[Store, list[int]], note: str) -> None:
    store, seqs = seeded
    desk, _ = _desk(store)
    with pytest.raises(InvalidInput, match="personal data"):
        desk.review(AUDITOR, seqs[0], Verdict.INCONSISTENT, note)
    assert store.sample_reviews.list(None) == []


@pytest.mark.parametrize("verdict", [Verdict.INCONSISTENT, Verdict.UNDETERMINED])
def test_a_verdict_other_than_consistent_needs_a_note(
    seeded: tuple[Store, list[int]], verdict: Verdict
) -> None:
    store, seqs = seeded
    desk, _ = _desk(store)
    with pytest.raises(InvalidInput, match="needs a note"):
        desk.review(AUDITOR, seqs[0], verdict, "   ")


def test_no_misuse_is_found_only_when_every_sampled_search_is_reviewed_consistent() -> None:
    assert standing((), ()).no_misuse_found
    assert not standing((1, 2), ()).no_misuse_found


# --- over HTTP ---------------------------------------------------------------------------


def test_the_api_records_a_review_for_an_auditor_only(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    seq = live_app.services.store.access_log.append(make_event(0, username="olivia")).seq
    body = {"access_seq": seq, "verdict": "inconsistent", "note": "no such case number"}
    for role, person in people.items():
        with live_app.client(person.token) as client:
            response = client.post("/api/v1/reports/sample-reviews", json=body)
        if role is Role.AUDITOR:
            assert response.status_code == 201, response.text
            assert response.json()["verdict"] == "inconsistent"
        else:
            assert response.status_code == 403, response.text
    with live_app.client(people[Role.AUDITOR].token) as client:
        named = client.post(
            "/api/v1/reports/sample-reviews", json={**body, "note": "owner Jane Smith"}
        )
        listed = client.get("/api/v1/reports/sample-reviews").json()
    assert named.status_code == 422, named.text
    assert [(r["access_seq"], r["verdict"]) for r in listed] == [(seq, "inconsistent")]
    denied = live_app.services.store.access_log.find(
        AccessFilter(action=REVIEW_ACTION, outcome=AccessOutcome.DENIED, limit=100)
    )
    assert len(denied) == 1  # the note naming someone (the route's guard logs the others)


# --- R36: the certification ----------------------------------------------------------------


def _report(seqs: tuple[int, ...]) -> ComplianceReport:
    empty = Figures((), 0, 0, (), (), (), (), (), 0, None, 0, "intact", 0)
    period = Period.of_days(date(2026, 1, 1), date(2026, 12, 31))
    return ComplianceReport(NOW, period, (), empty, Sample(7, 50, 10, seqs))


def test_the_certification_refuses_while_a_sampled_search_is_unreviewed(
    seeded: tuple[Store, list[int]],
) -> None:
    store, seqs = seeded
    sampled = tuple(seqs[:3])
    desk, _ = _desk(store)
    scope = AgencyScope.of(AUDITOR.actor)
    desk.review(AUDITOR, seqs[0], Verdict.CONSISTENT)
    with pytest.raises(InvalidInput, match="not reviewed"):
        certification(
            _report(sampled),
            sample_standing(store, scope, sampled),
            [],
            agency="demo-pd",
            year=2026,
        )
    desk.review(AUDITOR, seqs[1], Verdict.CONSISTENT)
    desk.review(AUDITOR, seqs[2], Verdict.INCONSISTENT, "case closed before the search")
    doubtful = certification(
        _report(sampled), sample_standing(store, scope, sampled), [], agency="demo-pd", year=2026
    )
    assert NO_MISUSE not in doubtful
    assert f"inconsistent with their purpose: entry {seqs[2]}" in doubtful
    desk.review(SECOND_AUDITOR, seqs[2], Verdict.CONSISTENT, "case reopened that day")
    clean = certification(
        _report(sampled), sample_standing(store, scope, sampled), [], agency="demo-pd", year=2026
    )
    assert NO_MISUSE in clean


def test_another_agencys_reviews_do_not_certify_this_agencys_sample(
    seeded: tuple[Store, list[int]],
) -> None:
    store, seqs = seeded
    store.agencies.add(make_agency("other-pd"))
    for seq in seqs[:3]:
        store.sample_reviews.add(
            SampleReview(f"r{seq}", "other-pd", seq, Verdict.CONSISTENT, "", "oaud", NOW)
        )
    standing_here = sample_standing(store, AgencyScope.of(AUDITOR.actor), tuple(seqs[:3]))
    assert standing_here.unreviewed == tuple(seqs[:3])
