"""One seed per violation the compliance report must find, as a change to a clean ``Facts``.

Each seed adds exactly one violation to whatever it is given (it adds accounts, recipients,
hits... beside those already there, and changes a rule only for the class it concerns), so
seeds compose: ``every_violation`` applies them all, and the report must then find every code
of the registry. ``CHECK_CODES`` names the codes each registered check may produce.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from platekeeper.audit import MisuseSignal
from platekeeper.audit.signals import SignalKind
from platekeeper.audit.verify import Problem, ProblemKind
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.hotlists import HitOutcome, HitStatus, RejectionReason
from platekeeper.domain.people import Account, AccountStatus, SuspensionReason, TrainingRecord
from platekeeper.domain.policy import PolicyFinding
from platekeeper.domain.policy import Severity as PolicySeverity
from platekeeper.domain.recipients import Agreement, RecipientStatus, ShareRequest, ShareStatus
from platekeeper.domain.retention import DataClass, RetentionRule
from platekeeper.reports.compliance import (
    AccessFact,
    CredentialFact,
    EntryFact,
    Facts,
    HitFact,
    HoldFact,
    PersonalDataFact,
)
from tests.conftest import NOW
from tests.reports.conftest import CASE, recipient

Seed = Callable[[Facts], Facts]

CHECK_CODES: dict[str, frozenset[str]] = {
    "policy_completeness": frozenset({"policy.missing", "policy.element"}),
    "published_policy": frozenset({"policy.unpublished", "policy.published-differs"}),
    "transparency_overdue": frozenset({"policy.transparency-overdue"}),
    "audit_overdue": frozenset({"policy.audit-overdue"}),
    "retention_in_force": frozenset({"retention.not-enforced"}),
    "access_log_retention": frozenset({"retention.access-log-short"}),
    "oldest_non_hit_read": frozenset({"retention.oldest-read"}),
    "purge_runs": frozenset({"retention.no-purge", "retention.purge-gap"}),
    "overdue_holds": frozenset({"retention.hold-overdue"}),
    "unverified_hits": frozenset({"hits.unverified"}),
    "false_hits": frozenset({"hits.false"}),
    "hits_without_outcome": frozenset({"hits.no-outcome"}),
    "invalid_purposes": frozenset({"access.invalid-purpose"}),
    "searches_with_lapsed_training": frozenset({"access.training-expired"}),
    "misuse_signals": frozenset({"access.misuse-signal"}),
    "enabled_accounts": frozenset({"access.inactive-enabled", "access.training-lapsed-enabled"}),
    "people_who_left": frozenset({"access.left-with-credentials", "access.suspended-long"}),
    "forbidden_recipients": frozenset(
        {"sharing.forbidden-recipient", "sharing.review-overdue", "sharing.agreement"}
    ),
    "forbidden_shares": frozenset({"sharing.forbidden-share"}),
    "access_log_chain": frozenset({"access-log.not-intact"}),
    "stale_hotlists": frozenset({"hotlists.stale"}),
    "expired_entries_active": frozenset({"hotlists.expired-active"}),
    "entries_without_expiry": frozenset({"hotlists.no-expiry"}),
    "personal_data": frozenset({"hotlists.personal-data"}),
}


# --- policy ---------------------------------------------------------------------------------


def no_policy(facts: Facts) -> Facts:
    return replace(facts, policy=None, policy_sha256=None)


def audit_overdue(facts: Facts) -> Facts:
    """The last compliance report made 13 months ago."""
    return replace(facts, last_audit=NOW - timedelta(days=395))


def transparency_overdue(facts: Facts) -> Facts:
    """Running for two years, and the public report last published 13 months ago."""
    return replace(
        facts,
        operating_since=NOW - timedelta(days=730),
        last_publication=NOW - timedelta(days=395),
        last_audit=NOW - timedelta(days=1),  # audited: only the publication is late
    )


def incomplete_policy(facts: Facts) -> Facts:
    assert facts.policy is not None
    missing = PolicyFinding("E", PolicySeverity.MISSING, "custodian.title", "no custodian named")
    return replace(facts, policy=replace(facts.policy, findings=(*facts.policy.findings, missing)))


def unpublished(facts: Facts) -> Facts:
    return replace(facts, published_sha256=None, published_version=None)


def published_differs(facts: Facts) -> Facts:
    return replace(facts, published_sha256="0" * 64, published_version="2026-01-01 00000000")


# --- retention ------------------------------------------------------------------------------


def _rules(facts: Facts, data_class: DataClass, max_age: timedelta, *, policy: bool) -> Facts:
    rule = RetentionRule(data_class, max_age, "tests")
    facts = replace(facts, retention_in_force={**facts.retention_in_force, data_class: rule})
    if policy and facts.policy is not None:
        retention = {**facts.policy.retention, data_class: rule}
        facts = replace(facts, policy=replace(facts.policy, retention=retention))
    return facts


def purge_laxer_than_policy(facts: Facts) -> Facts:
    """The purge keeps hot-list entries five years while the policy says one."""
    return _rules(facts, DataClass.HOTLIST_ENTRIES, timedelta(days=5 * 365), policy=False)


def short_access_log(facts: Facts) -> Facts:
    """Policy and purge agree on a week of access log: consistent, and unlawful."""
    return _rules(facts, DataClass.ACCESS_LOG, timedelta(days=7), policy=True)


def old_read(facts: Facts) -> Facts:
    return replace(facts, oldest_non_hit=NOW - timedelta(days=40))


def no_purge(facts: Facts) -> Facts:
    return replace(facts, purge_runs=())


def purge_gap(facts: Facts) -> Facts:
    """Ten hours without a run in the middle of the period."""
    middle = facts.period.start + timedelta(hours=12)
    kept = tuple(
        run
        for run in facts.purge_runs
        if not middle <= run.started_at < middle + timedelta(hours=10)
    )
    return replace(facts, purge_runs=kept)


def overdue_hold(facts: Facts) -> Facts:
    hold = HoldFact("hold-late", CASE, NOW - timedelta(days=2), approved=True, closed=False)
    return replace(facts, holds=(*facts.holds, hold))


# --- hits -----------------------------------------------------------------------------------


def _hit(facts: Facts, hit: HitFact) -> Facts:
    return replace(facts, hits=(*facts.hits, hit))


def unverified_hit(facts: Facts) -> Facts:
    return _hit(facts, HitFact("hit-late", NOW - timedelta(hours=30), "pending", None, None))


def misread_hit(facts: Facts) -> Facts:
    rejected = HitStatus.REJECTED.value
    return _hit(facts, HitFact("hit-misread", NOW, rejected, None, RejectionReason.MISREAD.value))


def false_hit(facts: Facts) -> Facts:
    confirmed = HitStatus.CONFIRMED.value
    return _hit(facts, HitFact("hit-false", NOW, confirmed, HitOutcome.FALSE_HIT.value, None))


def hit_without_outcome(facts: Facts) -> Facts:
    confirmed = HitStatus.CONFIRMED.value
    return _hit(facts, HitFact("hit-open", NOW - timedelta(days=8), confirmed, None, None))


# --- access ---------------------------------------------------------------------------------


def _access(username: str, purpose: str | None, case: str | None, seq: int) -> AccessFact:
    at = NOW - timedelta(hours=3)
    return AccessFact(seq, at, username, "reads:search", AccessOutcome.ALLOWED, purpose, case)


def _account(facts: Facts, username: str) -> Account:
    """A trained, active analyst of the clean facts' agency, named ``username``."""
    return replace(facts.accounts[0], id=f"acct-{username}", username=username)


def _add_account(facts: Facts, account: Account) -> Facts:
    return replace(facts, accounts=(*facts.accounts, account))


def unauthorised_purpose(facts: Facts) -> Facts:
    access = _access("avery", "curiosity", CASE, 9001)
    return replace(facts, accesses=(*facts.accesses, access))


def malformed_case(facts: Facts) -> Facts:
    access = _access("avery", "criminal-investigation", "just looking", 9002)
    return replace(facts, accesses=(*facts.accesses, access))


def search_with_lapsed_training(facts: Facts) -> Facts:
    """A search by someone whose training expired; the account was suspended since, so that
    nothing else in the facts is wrong."""
    sam = replace(
        _account(facts, "sam"),
        status=AccountStatus.SUSPENDED,
        suspension_reason=SuspensionReason.TRAINING_EXPIRED,
        training=TrainingRecord(date(2024, 11, 1), date(2026, 11, 1)),
    )
    access = _access("sam", "criminal-investigation", CASE, 9003)
    return replace(_add_account(facts, sam), accesses=(*facts.accesses, access))


def misuse_signal(facts: Facts) -> Facts:
    signal = MisuseSignal(SignalKind.REPEATED_SEARCHES, "avery", "searched one plate 12 times", ())
    return replace(facts, signals=(*facts.signals, signal))


def idle_account(facts: Facts) -> Facts:
    ivan = replace(_account(facts, "ivan"), last_active_at=NOW - timedelta(days=400))
    return _add_account(facts, ivan)


def untrained_account(facts: Facts) -> Facts:
    return _add_account(facts, replace(_account(facts, "tina"), training=None, last_active_at=NOW))


def left_with_credentials(facts: Facts) -> Facts:
    dana = replace(_account(facts, "dana"), status=AccountStatus.DEACTIVATED)
    facts = _add_account(facts, dana)
    return replace(facts, credentials=(*facts.credentials, CredentialFact("dana", 0, 1)))


def suspended_long(facts: Facts) -> Facts:
    sue = replace(
        _account(facts, "sue"),
        status=AccountStatus.SUSPENDED,
        suspension_reason=SuspensionReason.BY_CUSTODIAN,
        last_active_at=NOW - timedelta(days=400),
    )
    return _add_account(facts, sue)


# --- sharing --------------------------------------------------------------------------------


def out_of_state_recipient(facts: Facts) -> Facts:
    reno = recipient("reno-pd", "Reno Police Department", "NV")
    return replace(facts, recipients=(*facts.recipients, reno))


def review_overdue(facts: Facts) -> Facts:
    late = replace(
        recipient("yolo-so", "Yolo County Sheriff", "CA"), next_review_on=date(2026, 6, 1)
    )
    return replace(facts, recipients=(*facts.recipients, late))


def agreement_lapsed(facts: Facts) -> Facts:
    lapsed = replace(
        recipient("kern-so", "Kern County Sheriff", "CA"),
        agreement=Agreement(date(2024, 1, 1), date(2025, 12, 31)),
    )
    return replace(facts, recipients=(*facts.recipients, lapsed))


def share_to_retired(facts: Facts) -> Facts:
    """A share approved to a recipient retired before it was asked for."""
    gone = replace(recipient("old-pd", "Old Town Police", "CA"), status=RecipientStatus.RETIRED)
    share = ShareRequest(
        id="share-retired",
        agency_id="demo-pd",
        recipient_id=gone.id,
        purpose="criminal-investigation",
        case_number=CASE,
        requested_by="avery",
        requested_at=NOW - timedelta(hours=5),
        read_ids=("read-1",),
        status=ShareStatus.APPROVED,
    )
    return replace(facts, recipients=(*facts.recipients, gone), shares=(*facts.shares, share))


# --- access log and hot lists ---------------------------------------------------------------


def broken_chain(facts: Facts) -> Facts:
    problem = Problem(ProblemKind.MODIFIED, 2, "entry 2 does not hash to its stored hash", "abc")
    verification = replace(facts.verification, intact=False, first_problem=problem)
    return replace(facts, verification=verification)


def stale_list(facts: Facts) -> Facts:
    stale = tuple(
        replace(hotlist, refreshed_at=NOW - timedelta(hours=30)) for hotlist in facts.hotlists
    )
    return replace(facts, hotlists=stale)


def expired_entry_matched(facts: Facts) -> Facts:
    entry = EntryFact("entry-old", "ca-stolen", NOW - timedelta(days=1))
    return replace(facts, expired_active=(*facts.expired_active, entry))


def entry_without_expiry(facts: Facts) -> Facts:
    entry = EntryFact("entry-forever", "ca-stolen", None)
    return replace(facts, unexpiring=(*facts.unexpiring, entry))


def entry_with_personal_data(facts: Facts) -> Facts:
    found = PersonalDataFact("entry-dob", "ca-stolen", "in its note: a date of birth at 12")
    return replace(facts, personal_data=(*facts.personal_data, found))


WITH_POLICY: tuple[Seed, ...] = (
    incomplete_policy,
    transparency_overdue,
    audit_overdue,
    published_differs,
    purge_laxer_than_policy,
    short_access_log,
    old_read,
    purge_gap,
    overdue_hold,
    unverified_hit,
    misread_hit,
    hit_without_outcome,
    unauthorised_purpose,
    search_with_lapsed_training,
    misuse_signal,
    idle_account,
    untrained_account,
    left_with_credentials,
    suspended_long,
    out_of_state_recipient,
    review_overdue,
    agreement_lapsed,
    share_to_retired,
    broken_chain,
    stale_list,
    expired_entry_matched,
    entry_without_expiry,
    entry_with_personal_data,
)
"""Every violation that can stand beside a policy and a purge that runs."""
EXCLUSIVE: tuple[tuple[Seed, ...], ...] = ((unpublished, no_purge), (no_policy,))
"""The violations that exclude others: a policy never published (so none that differs), no
purge at all (so no gap between runs), no policy at all (nothing to publish or compare)."""


def every_violation(clean: Facts) -> tuple[Facts, ...]:
    """Datasets that together hold every violation the registry knows."""
    datasets = []
    for seeds in (WITH_POLICY, *EXCLUSIVE):
        facts = clean
        for seed in seeds:
            facts = seed(facts)
        datasets.append(facts)
    return tuple(datasets)
