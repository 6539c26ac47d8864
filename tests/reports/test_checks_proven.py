"""Every test of the compliance report proven: each seeded violation is found by its code, a
clean setup finds nothing, and removing any one test from the registry is noticed.

The proofs run the whole registry (``run_checks``) over facts gathered from a clean SQLite
database and changed by one seed of ``tests.reports.violations``, so that deleting a test, or
weakening it until it cannot fail, fails its proof. ``test_checks_end_to_end.py`` seeds the
same violations through the real services and store on both databases, one or more per area.
"""

from __future__ import annotations

import inspect
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from platekeeper.config import Settings
from platekeeper.domain.retention import DataClass, RetentionRule
from platekeeper.reports import compliance_checks
from platekeeper.reports.compliance import Facts, Finding, Severity
from platekeeper.reports.compliance_checks import CHECKS, run_checks
from platekeeper.reports.gather import gather
from platekeeper.services import Services
from tests.conftest import NOW, FixedClock, build_test_services
from tests.policy.samples import write_complete_policy
from tests.reports import violations as v
from tests.reports.conftest import PERIOD, seed_clean

REPORTS_DOC = Path(__file__).parents[2] / "docs" / "reports.md"


@pytest.fixture
def clean(settings: Settings, clock: FixedClock) -> Facts:
    """The facts of a clean SQLite database under the demo's complete California policy."""
    write_complete_policy(settings.data_dir)
    services: Services = build_test_services(settings, clock)
    try:
        seed_clean(services)
        facts = gather(services, PERIOD)
    finally:
        services.close()
    assert run_checks(facts).findings == ()
    return facts


def findings(facts: Facts) -> list[Finding]:
    return list(run_checks(facts).findings)


def codes(facts: Facts) -> set[str]:
    return {finding.code for finding in run_checks(facts).findings}


def only(facts: Facts, code: str) -> Finding:
    """The single finding of ``facts``, which must have ``code``."""
    found = findings(facts)
    assert [f.code for f in found] == [code], [f"{f.code}: {f.detail}" for f in found]
    return found[0]


# --- policy ---------------------------------------------------------------------------------


def test_check_policy_completeness(clean: Facts) -> None:
    missing = only(v.no_policy(clean), "policy.missing")
    assert missing.severity is Severity.CRITICAL
    element = only(v.incomplete_policy(clean), "policy.element")
    assert (element.severity, element.title) == (Severity.HIGH, "Policy element E: missing")


def test_check_published_policy(clean: Facts) -> None:
    assert only(v.unpublished(clean), "policy.unpublished").severity is Severity.MEDIUM
    differs = only(v.published_differs(clean), "policy.published-differs")
    assert differs.evidence == ("policy-version:2026-01-01 00000000",)


def test_check_transparency_overdue(clean: Facts) -> None:
    assert clean.publication is not None  # gathered: the clean setup has just begun
    assert clean.operating_since is not None
    found = only(v.transparency_overdue(clean), "policy.transparency-overdue")
    assert found.severity is Severity.HIGH
    assert "every 12 months" in found.detail
    # Published within the year and its grace: nothing to say.
    on_time = replace(v.transparency_overdue(clean), last_publication=NOW - timedelta(days=370))
    assert codes(on_time) == set()
    # Never published, in a system two years old: overdue.
    never = replace(v.transparency_overdue(clean), last_publication=None)
    assert (
        "No transparency report was ever published"
        in only(never, "policy.transparency-overdue").detail
    )


def test_check_audit_overdue(clean: Facts) -> None:
    assert clean.operating_since is not None  # gathered: the clean setup has just begun
    assert clean.audit_months == 3  # the demo policy audits quarterly
    found = only(v.audit_overdue(clean), "policy.audit-overdue")
    assert found.severity is Severity.HIGH
    assert "every 3 months" in found.detail
    # Audited within the interval: nothing to say; just past it: overdue.
    assert codes(replace(v.audit_overdue(clean), last_audit=NOW - timedelta(days=80))) == set()
    late = replace(v.audit_overdue(clean), last_audit=NOW - timedelta(days=95))
    assert codes(late) == {"policy.audit-overdue"}
    # A policy silent on months (or laxer than a year) is held to a year.
    yearly = replace(v.audit_overdue(clean), audit_months=12)
    assert codes(replace(yearly, last_audit=NOW - timedelta(days=360))) == set()
    never = replace(
        yearly,
        last_audit=None,
        operating_since=NOW - timedelta(days=400),
        last_publication=NOW - timedelta(days=1),
    )
    assert "No compliance report was ever made" in only(never, "policy.audit-overdue").detail
    assert codes(replace(never, operating_since=NOW - timedelta(days=300))) == set()


# --- retention ------------------------------------------------------------------------------


def test_check_retention_in_force(clean: Facts) -> None:
    """Every class the policy names, not only the reads: a purge that keeps hot-list entries
    five years against the policy's one is found."""
    found = only(v.purge_laxer_than_policy(clean), "retention.not-enforced")
    assert "hotlist-entries" in found.title
    non_hit = RetentionRule(DataClass.NON_HIT_READS, timedelta(days=29), "tests")
    laxer = {**clean.retention_in_force, DataClass.NON_HIT_READS: non_hit}
    only(replace(clean, retention_in_force=laxer), "retention.not-enforced")
    dropped: dict[DataClass, RetentionRule] = {
        k: r for k, r in clean.retention_in_force.items() if k is not DataClass.PURGE_LEDGER
    }
    only(replace(clean, retention_in_force=dropped), "retention.not-enforced")


def test_check_access_log_retention(clean: Facts) -> None:
    """A week of access log, with policy and purge in agreement, is still too short; so is an
    access log that dies before the hit reads it describes."""
    only(v.short_access_log(clean), "retention.access-log-short")
    six_years = timedelta(days=6 * 365)
    longer_reads = v._rules(clean, DataClass.HIT_READS, six_years, policy=True)
    found = only(longer_reads, "retention.access-log-short")
    assert "2190 days" in found.detail


def test_check_oldest_non_hit_read(clean: Facts) -> None:
    found = only(v.old_read(clean), "retention.oldest-read")
    assert (found.severity, found.evidence) == (Severity.HIGH, ())
    assert "captured on 2026-10-19" in found.detail
    within = replace(clean, oldest_non_hit=NOW - timedelta(days=30))  # the limit, plus grace
    assert findings(within) == []


def test_the_oldest_read_is_judged_by_the_policy_when_the_purge_lags(clean: Facts) -> None:
    lax = RetentionRule(DataClass.NON_HIT_READS, timedelta(days=60), "tests")
    lagging = replace(
        v.old_read(clean),
        retention_in_force={**clean.retention_in_force, DataClass.NON_HIT_READS: lax},
    )
    assert codes(lagging) == {"retention.not-enforced", "retention.oldest-read"}


def test_check_purge_runs(clean: Facts) -> None:
    assert only(v.no_purge(clean), "retention.no-purge").severity is Severity.HIGH
    gap = only(v.purge_gap(clean), "retention.purge-gap")
    assert "11.0 hours" in gap.detail


def test_check_overdue_holds(clean: Facts) -> None:
    assert only(v.overdue_hold(clean), "retention.hold-overdue").evidence == ("hold:hold-late",)


# --- hits -----------------------------------------------------------------------------------


def test_check_unverified_hits(clean: Facts) -> None:
    assert only(v.unverified_hit(clean), "hits.unverified").evidence == ("hit:hit-late",)
    fresh = v._hit(clean, replace(v.unverified_hit(clean).hits[-1], created_at=NOW))
    assert findings(fresh) == []


def test_check_false_hits(clean: Facts) -> None:
    assert only(v.misread_hit(clean), "hits.false").evidence == ("hit:hit-misread",)
    assert only(v.false_hit(clean), "hits.false").evidence == ("hit:hit-false",)


def test_check_hits_without_outcome(clean: Facts) -> None:
    assert only(v.hit_without_outcome(clean), "hits.no-outcome").evidence == ("hit:hit-open",)
    recent = replace(v.hit_without_outcome(clean).hits[-1], created_at=NOW - timedelta(days=2))
    assert findings(v._hit(clean, recent)) == []


# --- access ---------------------------------------------------------------------------------


def test_check_invalid_purposes(clean: Facts) -> None:
    purpose = only(v.unauthorised_purpose(clean), "access.invalid-purpose")
    assert "'curiosity' is not authorised" in purpose.detail
    case = only(v.malformed_case(clean), "access.invalid-purpose")
    assert "'just looking' is malformed" in case.detail


def test_check_searches_with_lapsed_training(clean: Facts) -> None:
    found = only(v.search_with_lapsed_training(clean), "access.training-expired")
    assert found.evidence == ("user:sam", "access-log#9003")


def test_check_misuse_signals(clean: Facts) -> None:
    assert only(v.misuse_signal(clean), "access.misuse-signal").evidence == ("user:avery",)


def test_check_enabled_accounts(clean: Facts) -> None:
    assert only(v.idle_account(clean), "access.inactive-enabled").evidence == ("user:ivan",)
    untrained = only(v.untrained_account(clean), "access.training-lapsed-enabled")
    assert untrained.evidence == ("user:tina",)


def test_check_people_who_left(clean: Facts) -> None:
    left = only(v.left_with_credentials(clean), "access.left-with-credentials")
    assert "1 unrevoked API tokens" in left.detail
    assert only(v.suspended_long(clean), "access.suspended-long").evidence == ("user:sue",)


# --- sharing --------------------------------------------------------------------------------


def test_check_forbidden_recipients(clean: Facts) -> None:
    forbidden = only(v.out_of_state_recipient(clean), "sharing.forbidden-recipient")
    assert forbidden.evidence == ("recipient:reno-pd",)
    only(v.review_overdue(clean), "sharing.review-overdue")
    only(v.agreement_lapsed(clean), "sharing.agreement")


def test_check_forbidden_shares(clean: Facts) -> None:
    found = only(v.share_to_retired(clean), "sharing.forbidden-share")
    assert found.evidence == ("share:share-retired", "recipient:old-pd")
    share = v.share_to_retired(clean).shares[-1]
    too_many = replace(
        share,
        id="share-bulk",
        recipient_id="sac-so",
        read_ids=tuple(f"read-{n}" for n in range(clean.max_reads_per_request + 1)),
    )
    only(replace(clean, shares=(too_many,)), "sharing.forbidden-share")


# --- access log and hot lists ---------------------------------------------------------------


def test_check_access_log_chain(clean: Facts) -> None:
    found = only(v.broken_chain(clean), "access-log.not-intact")
    assert found.evidence == ("access-log#2",)


def test_check_stale_hotlists(clean: Facts) -> None:
    assert only(v.stale_list(clean), "hotlists.stale").evidence == ("hotlist:ca-stolen",)


def test_check_expired_entries_active(clean: Facts) -> None:
    found = only(v.expired_entry_matched(clean), "hotlists.expired-active")
    assert found.evidence == ("entry:entry-old",)


def test_check_entries_without_expiry(clean: Facts) -> None:
    found = only(v.entry_without_expiry(clean), "hotlists.no-expiry")
    assert found.evidence == ("entry:entry-forever",)


def test_check_personal_data(clean: Facts) -> None:
    assert only(v.entry_with_personal_data(clean), "hotlists.personal-data").evidence == (
        "entry:entry-dob",
    )


# --- the registry, proven as a whole ---------------------------------------------------------


def _union(datasets: tuple[Facts, ...]) -> set[str]:
    return set().union(*(codes(facts) for facts in datasets))


def test_every_violation_together_yields_every_code(clean: Facts) -> None:
    assert _union(v.every_violation(clean)) == set().union(*v.CHECK_CODES.values())


@pytest.mark.parametrize("removed", [check.__name__ for check in CHECKS])
def test_removing_any_check_is_noticed(
    clean: Facts, removed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mutation test: with one check gone, the seeded datasets no longer yield every code,
    and what goes missing is exactly that check's codes."""
    datasets = v.every_violation(clean)
    full = _union(datasets)
    kept = tuple(check for check in CHECKS if check.__name__ != removed)
    monkeypatch.setattr(compliance_checks, "CHECKS", kept)
    assert full - _union(datasets) == v.CHECK_CODES[removed]


def test_every_registered_check_has_its_proof_and_its_codes() -> None:
    names = [check.__name__ for check in CHECKS]
    assert len(set(names)) == len(names)
    assert set(v.CHECK_CODES) == set(names), "name each new check's codes in CHECK_CODES"
    proofs = {
        name
        for name, member in inspect.getmembers(sys.modules[__name__], inspect.isfunction)
        if name.startswith("test_check_")
    }
    assert proofs == {f"test_check_{name}" for name in names}


def test_every_code_is_documented() -> None:
    document = REPORTS_DOC.read_text(encoding="utf-8")
    undocumented = {
        code for code in set().union(*v.CHECK_CODES.values()) if f"| `{code}` |" not in document
    }
    assert not undocumented, f"add them to the table of docs/reports.md: {sorted(undocumented)}"
