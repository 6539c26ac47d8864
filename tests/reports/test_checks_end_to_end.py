"""Violations seeded through the real services and store, on SQLite and PostgreSQL, each found
by the report by its code: the areas ``test_compliance.py`` does not already seed that way
(policy, hits, holds, the access log's life, hot-list expiry, purposes)."""

from __future__ import annotations

from datetime import timedelta

from platekeeper.domain.access import AccessEvent, AccessOutcome, Actor
from platekeeper.domain.holds import LegalHold
from platekeeper.domain.hotlists import Hit, HotlistEntry, MatchKind, StateAgreement
from platekeeper.policy.effective import policy_path
from platekeeper.reports.compliance import ComplianceReport
from platekeeper.reports.compliance_service import compliance_report
from platekeeper.services import Services
from tests.conftest import NOW, make_read
from tests.reports.conftest import CASE, PERIOD, PLATE, seed_clean

AUDITOR = Actor("aude", "demo-pd")


def report(services: Services) -> ComplianceReport:
    return compliance_report(services, PERIOD, AUDITOR)


def codes(services: Services) -> set[str]:
    return {finding.code for finding in report(services).findings}


def test_an_edited_policy_file_differs_from_the_published_one(services: Services) -> None:
    seed_clean(services)
    path = policy_path(services.settings)
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited after publishing\n")
    assert codes(services) == {"policy.published-differs"}


def test_a_policy_that_cuts_the_access_log_to_a_week_is_reported(services: Services) -> None:
    """The purge still applies what it loaded; the report reads the file as it is now."""
    seed_clean(services)
    path = policy_path(services.settings)
    text = path.read_text(encoding="utf-8")
    cut = '[retention.classes.access-log]\nmax_age = "7 days"'
    path.write_text(text.replace('[retention.classes.access-log]\nmax_age = "5 years"', cut))
    found = codes(services)
    assert {"retention.access-log-short", "retention.not-enforced"} <= found


def test_an_unverified_hit_is_reported(services: Services) -> None:
    seed_clean(services)
    services.store.hits.add(
        [
            Hit(
                id="hit-late",
                read_id=make_read(0, plate_text=PLATE).id,
                entry_id="ca-stolen-1",
                list_id="ca-stolen",
                match_kind=MatchKind.EXACT,
                score=1.0,
                state_agreement=StateAgreement.AGREES,
                stale=False,
                created_at=NOW - timedelta(hours=30),
            )
        ]
    )
    found = report(services).findings
    assert [(f.code, f.evidence) for f in found] == [("hits.unverified", ("hit:hit-late",))]


def test_an_expired_open_hold_is_reported(services: Services) -> None:
    seed_clean(services)
    services.store.legal_holds.add(
        LegalHold(
            id="hold-late",
            agency_id="demo-pd",
            case_number=CASE,
            reason="evidence in a burglary",
            requested_by="avery",
            requested_at=NOW - timedelta(days=20),
            expires_at=NOW - timedelta(days=2),
            read_ids=(make_read(1, plate_text=PLATE).id,),
            approved_by="sergeant",
            approved_at=NOW - timedelta(days=19),
        )
    )
    found = report(services).findings
    assert [(f.code, f.evidence) for f in found] == [
        ("retention.hold-overdue", ("hold:hold-late",))
    ]


def test_an_entry_without_expiry_is_reported(services: Services) -> None:
    seed_clean(services)
    services.store.hotlist_entries.add(
        [
            HotlistEntry(
                id="entry-forever",
                list_id="ca-stolen",
                plate_text="8XYZ999",
                state="us-ca",
                reason="stolen vehicle",
                entered_by="avery",
                entered_at=NOW - timedelta(days=1),
                expires_at=None,
            )
        ]
    )
    found = report(services).findings
    assert [(f.code, f.evidence) for f in found] == [
        ("hotlists.no-expiry", ("entry:entry-forever",))
    ]


def test_an_access_under_an_unlisted_purpose_is_reported(services: Services) -> None:
    seed_clean(services)
    record = services.access_log.record(
        AccessEvent(
            at=NOW - timedelta(hours=3),
            actor=Actor("avery", "demo-pd"),
            action="reads:search",
            outcome=AccessOutcome.ALLOWED,
            reason="forced past the purpose check",
            query={"plate": PLATE},
            purpose_code="curiosity",
            case_number=CASE,
        )
    )
    found = report(services).findings
    assert [(f.code, f.evidence) for f in found] == [
        ("access.invalid-purpose", (f"access-log#{record.seq}",))
    ]
