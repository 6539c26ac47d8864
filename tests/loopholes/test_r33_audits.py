"""Issue 15, round 2: R33's audit module. Every compliance report made is recorded with the
codes it found; a finding is resolved (who, when, how) by a custodian or a supervisor of the
agency, never by the auditor who made the report, each resolution and refusal logged; and the
report flags an audit overdue when none was made within a year (or the policy's schedule).
On main none of this existed (no run was kept, nothing resolved a finding, nothing checked the
audit's frequency); it passes now on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from platekeeper.domain.access import AccessEvent, AccessOutcome, Actor
from platekeeper.domain.audit_findings import (
    DEFAULT_AUDIT_MONTHS,
    AuditRun,
    audit_interval_months,
)
from platekeeper.domain.gate import Person
from platekeeper.domain.people import Role
from platekeeper.domain.scope import AgencyScope
from platekeeper.errors import InvalidInput, NotFound, PermissionDenied
from platekeeper.reports.compliance import Period
from platekeeper.reports.compliance_checks import run_checks
from platekeeper.reports.compliance_service import compliance_report
from platekeeper.reports.findings import RESOLVE_ACTION, FindingDesk
from platekeeper.reports.gather import gather
from platekeeper.services import Services
from platekeeper.store import Store
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp, backend_settings, live_app, services
from tests.api.people import staff
from tests.conftest import NOW, FixedClock, make_agency
from tests.retention.conftest import MemoryLog
from tests.store.conftest import empty_store, store

__all__ = ["backend_settings", "empty_store", "live_app", "services", "store"]

PERIOD = Period.of_days(date(2026, 10, 1), date(2026, 10, 31))
CODES = ("policy.missing", "hits.unverified")
RESOLVERS = [
    Person(Actor("sam", "demo-pd"), frozenset({Role.SUPERVISOR})),
    Person(Actor("casey", "demo-pd"), frozenset({Role.CUSTODIAN})),
]
NOT_RESOLVERS = [
    Person(Actor("x", "demo-pd"), frozenset({role}))
    for role in Role
    if role not in {Role.SUPERVISOR, Role.CUSTODIAN}
]
HOW = "Policy written and published on 2026-11-20; report rerun clean."


def _run(store: Store, *, agency: str | None = "demo-pd", by: str = "aud") -> AuditRun:
    run = AuditRun(
        id=f"run-{agency}-{by}",
        agency_id=agency,
        period_start=PERIOD.start,
        period_end=PERIOD.end,
        run_by=by,
        run_at=NOW - timedelta(days=1),
        codes=CODES,
    )
    store.audit_runs.add(run)
    return run


def _desk(store: Store) -> tuple[FindingDesk, MemoryLog]:
    log = MemoryLog()
    return FindingDesk(store, log, FixedClock()), log


# --- resolution of findings ------------------------------------------------------------------


@pytest.mark.parametrize("who", RESOLVERS, ids=lambda p: p.actor.username)
def test_a_finding_is_resolved_with_who_when_and_how(store: Store, who: Person) -> None:
    run = _run(store)
    desk, log = _desk(store)
    resolved = desk.resolve(who, PERIOD, "policy.missing", HOW)
    stored = store.finding_resolutions.list("demo-pd")
    assert stored == [resolved]
    assert (resolved.run_id, resolved.code, resolved.how) == (run.id, "policy.missing", HOW)
    assert (resolved.resolved_by, resolved.resolved_at) == (who.actor.username, NOW)
    assert log.actions(AccessOutcome.ALLOWED) == [RESOLVE_ACTION]
    # Resolved once: a second resolution of the same finding of the same run is refused.
    with pytest.raises(InvalidInput, match="already resolved"):
        desk.resolve(who, PERIOD, "policy.missing", HOW)
    # The other finding of the run is still open to resolve.
    desk.resolve(who, PERIOD, "hits.unverified", "Pending hits verified.")


@pytest.mark.parametrize("who", NOT_RESOLVERS, ids=lambda p: next(iter(p.roles)).value)
def test_no_other_role_resolves_a_finding(store: Store, who: Person) -> None:
    _run(store)
    desk, log = _desk(store)
    with pytest.raises(PermissionDenied):
        desk.resolve(who, PERIOD, "policy.missing", HOW)
    assert store.finding_resolutions.list(None) == []
    assert log.actions(AccessOutcome.DENIED) == [RESOLVE_ACTION]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CUSTODIAN])
def test_the_auditor_who_made_the_report_never_resolves_its_findings(
    store: Store, role: Role
) -> None:
    """Holding a resolver's role as well does not let the report's own auditor close it."""
    _run(store, by="aud")
    desk, log = _desk(store)
    auditor_too = Person(Actor("aud", "demo-pd"), frozenset({Role.AUDITOR, role}))
    with pytest.raises(PermissionDenied, match="does not resolve"):
        desk.resolve(auditor_too, PERIOD, "policy.missing", HOW)
    assert store.finding_resolutions.list(None) == []
    assert log.actions(AccessOutcome.DENIED) == [RESOLVE_ACTION]


def test_only_a_finding_a_report_of_the_agency_found_on_that_period_is_resolved(
    store: Store,
) -> None:
    store.agencies.add(make_agency("other-pd"))
    _run(store, agency="other-pd")
    _run(store, agency=None, by="console")  # the console's report is no agency's to resolve
    desk, _ = _desk(store)
    for period, code in [
        (PERIOD, "policy.missing"),  # only another agency's report found it
        (Period.of_days(date(2026, 10, 1), date(2026, 10, 30)), "policy.missing"),
    ]:
        with pytest.raises(NotFound):
            desk.resolve(RESOLVERS[0], period, code, HOW)
    _run(store)
    with pytest.raises(NotFound):
        desk.resolve(RESOLVERS[0], PERIOD, "hits.false", HOW)  # not found by that report
    assert desk.resolve(RESOLVERS[0], PERIOD, "policy.missing", HOW).agency_id == "demo-pd"
    assert store.finding_resolutions.list("other-pd") == []


@pytest.mark.parametrize(
    "how", ["", "   ", "Spoke to Jane Smith about it", "call 916-555-0142", "owner DOB 1985-03-12"]
)
def test_how_is_said_and_holds_no_personal_data(store: Store, how: str) -> None:
    _run(store)
    desk, _ = _desk(store)
    with pytest.raises(InvalidInput):
        desk.resolve(RESOLVERS[0], PERIOD, "policy.missing", how)
    assert store.finding_resolutions.list(None) == []


# --- every report made is recorded, and its frequency checked --------------------------------


def _overdue(services: Services) -> bool:
    facts = gather(services, PERIOD, scope=AgencyScope("demo-pd"))
    return "policy.audit-overdue" in {f.code for f in run_checks(facts).findings}


def test_a_report_made_is_the_audit_and_resets_the_clock(services: Services) -> None:
    store = services.store
    store.agencies.add(make_agency())
    store.agencies.add(make_agency("other-pd"))
    first = AccessEvent(
        at=NOW - timedelta(days=400),
        actor=Actor("officer1", "demo-pd"),
        action="auth:login",
        outcome=AccessOutcome.ALLOWED,
        reason="signed in",
    )
    store.access_log.append(first)
    assert _overdue(services)  # operating 400 days, never audited
    compliance_report(services, PERIOD, Actor("oaud", "other-pd"))
    assert _overdue(services)  # another agency's audit is not this one's
    report = compliance_report(services, PERIOD, Actor("aud", "demo-pd"))
    runs = store.audit_runs.list("demo-pd", (PERIOD.start, PERIOD.end))
    assert [(r.run_by, r.run_at) for r in runs] == [("aud", NOW)]
    assert runs[0].codes == tuple(dict.fromkeys(f.code for f in report.findings))
    assert "policy.audit-overdue" in runs[0].codes  # this report was the overdue audit
    assert not _overdue(services)


@pytest.mark.parametrize(
    ("schedule", "months"),
    [
        ("quarterly", 3),
        ("Every 6 months", 6),
        ("monthly", 1),
        ("annually", 12),
        ("biennial", DEFAULT_AUDIT_MONTHS),  # laxer than a year: the year holds
        ("every 24 months", DEFAULT_AUDIT_MONTHS),
        ("every 0 months", DEFAULT_AUDIT_MONTHS),
        ("TODO: e.g. quarterly", DEFAULT_AUDIT_MONTHS),
        ("", DEFAULT_AUDIT_MONTHS),
    ],
)
def test_the_interval_is_the_policys_when_more_often_else_a_year(
    schedule: str, months: int
) -> None:
    assert audit_interval_months(schedule) == months


def test_the_interval_is_read_from_the_policy(services: Services) -> None:
    facts = gather(services, PERIOD)
    assert facts.audit_months == DEFAULT_AUDIT_MONTHS  # no policy: the year
    late = replace(facts, now=NOW, operating_since=NOW - timedelta(days=366), last_audit=None)
    assert "policy.audit-overdue" in {f.code for f in run_checks(late).findings}


# --- over HTTP -------------------------------------------------------------------------------


def test_the_api_resolves_for_custodians_and_supervisors_only(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    with live_app.client(people[Role.AUDITOR].token) as client:
        made = client.get(
            "/api/v1/reports/compliance", params={"from": "2026-10-01", "to": "2026-10-31"}
        )
    assert made.status_code == 200, made.text
    code = made.json()["findings"][0]["code"]
    body = {"code": code, "from": "2026-10-01", "to": "2026-10-31", "how": HOW}
    for role in (Role.OFFICER, Role.ANALYST, Role.AUDITOR):
        with live_app.client(people[role].token) as client:
            refused = client.post("/api/v1/reports/finding-resolutions", json=body)
        assert refused.status_code == 403, refused.text
    with live_app.client(people[Role.CUSTODIAN].token) as client:
        named = client.post(
            "/api/v1/reports/finding-resolutions", json={**body, "how": "told Jane Smith"}
        )
        done = client.post("/api/v1/reports/finding-resolutions", json=body)
        again = client.post("/api/v1/reports/finding-resolutions", json=body)
        listed = client.get("/api/v1/reports/finding-resolutions").json()
    assert named.status_code == 422, named.text
    assert done.status_code == 201, done.text
    assert (done.json()["code"], done.json()["resolved_by"]) == (code, "casey")
    assert again.status_code == 422, again.text
    assert [(r["code"], r["how"]) for r in listed] == [(code, HOW)]
    allowed = live_app.services.store.access_log.find(
        AccessFilter(action=RESOLVE_ACTION, outcome=AccessOutcome.ALLOWED, limit=100)
    )
    assert len(allowed) == 2  # the resolution and the listing
