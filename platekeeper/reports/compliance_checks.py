"""The auditor's tests: each a small pure function from the gathered ``Facts`` to findings.

docs/reports.md lists every test with its code, severity and remediation; keep them in step.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import timedelta

from platekeeper.audit.signals import REVEALING_ACTIONS, SEARCH
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.audit_findings import audit_overdue as _audit_overdue
from platekeeper.domain.hotlists import HitOutcome, HitStatus, RejectionReason
from platekeeper.domain.people import AccountStatus, SuspensionReason
from platekeeper.domain.permissions import PURPOSE_BOUND
from platekeeper.domain.policy import Severity as PolicySeverity
from platekeeper.domain.publication import GRACE, publication_overdue
from platekeeper.domain.recipients import (
    RecipientStatus,
    ShareRule,
    ShareStatus,
    decide_recipient,
    decide_share,
)
from platekeeper.domain.retention import DataClass, RetentionRule
from platekeeper.reports.compliance import (
    AccessFact,
    Area,
    ComplianceReport,
    Facts,
    Figures,
    Finding,
    Sample,
    Severity,
)
from platekeeper.reports.exclusions import exclusion_figures

PURPOSE_BOUND_ACTIONS = frozenset(p.value for p in PURPOSE_BOUND)
UNVERIFIED_AFTER = timedelta(hours=24)
"""A hit still pending this long after it was made is reported."""
OUTCOME_AFTER = timedelta(days=7)
"""A confirmed hit with no outcome recorded this long after it was made is reported."""
ACCESS_LOG_FLOOR = timedelta(days=730)
"""The access log's shortest lawful life: two years (legal-requirements R09)."""
MAX_EVIDENCE = 50
"""Ids listed per finding; the detail gives the full count."""
_PROFILE_RULES = frozenset({ShareRule.ENTITY_TYPE, ShareRule.STATE, ShareRule.FORBIDDEN_PURPOSE})
_NEUTRAL_PURPOSE = "criminal-investigation"


def _evidence(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(ids)[:MAX_EVIDENCE]


def _seqs(seqs: Iterable[int]) -> tuple[str, ...]:
    return _evidence(f"access-log#{seq}" for seq in seqs)


# --- policy ---------------------------------------------------------------------------------


def policy_completeness(facts: Facts) -> list[Finding]:
    if facts.policy is None:
        return [
            Finding(
                "policy.missing",
                Area.POLICY,
                Severity.CRITICAL,
                "No usage and privacy policy",
                "There is no policy file: nothing states the seven elements of Civil Code "
                "1798.90.51(b)(2), and the purposes, retention and sharing enforced are the "
                "settings' defaults.",
                "Write one with 'platekeeper policy init' and complete it until "
                "'platekeeper policy check' passes.",
            )
        ]
    severity = {
        PolicySeverity.MISSING: Severity.HIGH,
        PolicySeverity.CONFLICT: Severity.HIGH,
        PolicySeverity.WARNING: Severity.LOW,
    }
    return [
        Finding(
            "policy.element",
            Area.POLICY,
            severity[item.severity],
            f"Policy element {item.element}: {item.severity.value}",
            item.message,
            f"Edit '{item.key}' in the policy file until 'platekeeper policy check' passes.",
        )
        for item in facts.policy.findings
    ]


def published_policy(facts: Facts) -> list[Finding]:
    if facts.policy_sha256 is None:
        return []  # policy.missing says it
    if facts.published_sha256 is None:
        return [
            Finding(
                "policy.unpublished",
                Area.POLICY,
                Severity.MEDIUM,
                "No published version of the policy on record",
                "Nothing records that the policy enforced was rendered and published, so nobody "
                "can show that the public reads the policy the system applies.",
                "Render and publish it with 'platekeeper policy render'.",
            )
        ]
    if facts.published_sha256 != facts.policy_sha256:
        return [
            Finding(
                "policy.published-differs",
                Area.POLICY,
                Severity.HIGH,
                "The published policy is not the one enforced",
                f"The last published version ({facts.published_version}) differs from the "
                "policy file in force.",
                "Publish the policy in force with 'platekeeper policy render', or restore the "
                "published one.",
                (f"policy-version:{facts.published_version}",),
            )
        ]
    return []


def transparency_overdue(facts: Facts) -> list[Finding]:
    """R37: the public report is published on the schedule the law sets (Arkansas every six
    months, New Hampshire and Virginia every year, else yearly)."""
    schedule, since = facts.publication, facts.operating_since
    if schedule is None or since is None:
        return []  # nothing gathered, or a system that has not begun
    if not publication_overdue(schedule, facts.last_publication, since, facts.now):
        return []
    last = facts.last_publication
    return [
        Finding(
            "policy.transparency-overdue",
            Area.POLICY,
            Severity.HIGH,
            "The public transparency report is overdue",
            (
                "No transparency report was ever published"
                if last is None
                else f"The last transparency report was published on {last:%Y-%m-%d}"
            )
            + f"; one is due every {schedule.interval_months} months ({schedule.citation}), "
            f"and {GRACE.days} days of grace have passed.",
            "Keep the server running (it publishes on schedule), or publish now with "
            "'platekeeper report publish-transparency'.",
        )
    ]


def audit_overdue(facts: Facts) -> list[Finding]:
    """R33: an audit (a compliance report made) at least every year, or as often as the
    policy's ``monitoring.audit_schedule`` says when it says more often."""
    last, since = facts.last_audit, facts.operating_since
    if not _audit_overdue(last, since, facts.now, facts.audit_months):
        return []
    return [
        Finding(
            "policy.audit-overdue",
            Area.POLICY,
            Severity.HIGH,
            "The audit is overdue",
            (
                "No compliance report was ever made for the agency"
                if last is None
                else f"The last compliance report was made on {last:%Y-%m-%d}"
            )
            + f"; an audit is due every {facts.audit_months} months.",
            "Make this report the audit: review its sample ('platekeeper report review') and "
            "have each finding resolved ('platekeeper report resolve').",
        )
    ]


# --- retention ------------------------------------------------------------------------------


def retention_in_force(facts: Facts) -> list[Finding]:
    """Every data class the policy names, ceiling and floor: a purge that keeps the access log
    or the hot-list entries by other rules than the published ones is as wrong as one that
    keeps reads too long."""
    if facts.policy is None:
        return []
    findings = []
    for data_class in DataClass:
        wanted = _bounds(facts.policy.retention.get(data_class))
        applied = _bounds(facts.retention_in_force.get(data_class))
        if wanted != applied:
            findings.append(
                Finding(
                    "retention.not-enforced",
                    Area.RETENTION,
                    Severity.HIGH,
                    f"Retention of {data_class.value} differs from the policy",
                    f"The policy keeps {data_class.value} at most {_age(wanted[0])} (at least "
                    f"{_floor(wanted[1])}); the purge applies at most {_age(applied[0])} (at "
                    f"least {_floor(applied[1])}).",
                    "Restart the server so that it loads the policy file, and check "
                    "'platekeeper policy show'.",
                )
            )
    return findings


def _bounds(rule: RetentionRule | None) -> tuple[timedelta | None, timedelta | None]:
    return (None, None) if rule is None else (rule.max_age, rule.min_age)


def _ceiling(facts: Facts, data_class: DataClass) -> timedelta | None:
    """The shortest ceiling of the policy's and the purge's: a purge that lags the policy
    does not make an old read lawful."""
    rules = [facts.retention_in_force.get(data_class)]
    if facts.policy is not None:
        rules.append(facts.policy.retention.get(data_class))
    ages = [rule.max_age for rule in rules if rule is not None and rule.max_age is not None]
    return min(ages, default=None)


def access_log_retention(facts: Facts) -> list[Finding]:
    """The access log must outlive the reads it describes, and keep at least the floor (R09)."""
    ceiling = _ceiling(facts, DataClass.ACCESS_LOG)
    if ceiling is None:
        return []
    reads = [_ceiling(facts, c) for c in (DataClass.NON_HIT_READS, DataClass.HIT_READS)]
    longest = max((age for age in reads if age is not None), default=timedelta(0))
    if ceiling >= max(ACCESS_LOG_FLOOR, longest):
        return []
    return [
        Finding(
            "retention.access-log-short",
            Area.RETENTION,
            Severity.HIGH,
            "The access log is kept for less than the law's record needs",
            f"The access log is deleted after {_age(ceiling)}; it must be kept at least "
            f"{_age(ACCESS_LOG_FLOOR)} and no shorter than the reads it describes "
            f"({_age(longest)}).",
            "Raise retention.classes.access-log.max_age in the policy file.",
        )
    ]


def oldest_non_hit_read(facts: Facts) -> list[Finding]:
    max_age = _ceiling(facts, DataClass.NON_HIT_READS)
    if max_age is None or facts.oldest_non_hit is None:
        return []
    grace = 2 * facts.purge_interval
    cutoff = facts.now - max_age
    if facts.oldest_non_hit > cutoff - grace:
        return []
    held = [hold for hold in facts.holds if hold.approved and not hold.closed]
    overdue = facts.now - max_age - facts.oldest_non_hit
    return [
        Finding(
            "retention.oldest-read",
            Area.RETENTION,
            Severity.MEDIUM if held else Severity.HIGH,
            "A non-hit read is kept past its retention limit",
            f"The oldest non-hit read was captured on {facts.oldest_non_hit.date()}, "
            f"{_days(overdue)} past the limit of {_age(max_age)}"
            + (f"; {len(held)} legal holds are in force and may keep it." if held else "."),
            "Check that the purge runs ('platekeeper purge --dry-run'); if a legal hold keeps "
            "the read, check that the hold is still needed.",
            _evidence(f"hold:{hold.id}" for hold in held),
        )
    ]


def purge_runs(facts: Facts) -> list[Finding]:
    start = facts.period.start
    end = min(facts.period.end, facts.now)
    if end <= start:
        return []
    runs = sorted(
        (run for run in facts.purge_runs if not run.dry_run and start <= run.started_at < end),
        key=lambda run: run.started_at,
    )
    limit = 2 * facts.purge_interval
    if not runs:
        return [
            Finding(
                "retention.no-purge",
                Area.RETENTION,
                Severity.HIGH,
                "No purge ran in the period",
                f"The purge ledger has no run between {start:%Y-%m-%d %H:%M} and "
                f"{end:%Y-%m-%d %H:%M} UTC; it should run every {_age(facts.purge_interval)}.",
                "Run 'platekeeper serve' (it purges on schedule) or 'platekeeper purge'.",
            )
        ]
    moments = [start, *(run.started_at for run in runs), end]
    ids = ["period start", *(f"purge:{run.id}" for run in runs), "period end"]
    return [
        Finding(
            "retention.purge-gap",
            Area.RETENTION,
            Severity.MEDIUM,
            "A gap in the purge runs",
            f"No purge ran from {moments[i]:%Y-%m-%d %H:%M} to {moments[i + 1]:%Y-%m-%d %H:%M} "
            f"UTC ({_hours(moments[i + 1] - moments[i])}), more than twice the interval of "
            f"{_age(facts.purge_interval)}.",
            "Find out why the server or its purge stopped (the server's log); the ledger must "
            "show a run at every interval.",
            (ids[i], ids[i + 1]),
        )
        for i in range(len(moments) - 1)
        if moments[i + 1] - moments[i] > limit
    ][:MAX_EVIDENCE]


def overdue_holds(facts: Facts) -> list[Finding]:
    return [
        Finding(
            "retention.hold-overdue",
            Area.RETENTION,
            Severity.MEDIUM,
            "A legal hold past its expiry is still open",
            f"The hold for case {hold.case_number} expired on {hold.expires_at.date()} but is "
            "not recorded as ended.",
            "Run 'platekeeper purge' (it records expired holds first) or release the hold.",
            (f"hold:{hold.id}",),
        )
        for hold in facts.holds
        if not hold.closed and hold.expires_at <= facts.now
    ]


# --- hits -----------------------------------------------------------------------------------


def unverified_hits(facts: Facts) -> list[Finding]:
    late = [
        hit
        for hit in facts.hits
        if hit.status == HitStatus.PENDING.value and facts.now - hit.created_at > UNVERIFIED_AFTER
    ]
    if not late:
        return []
    return [
        Finding(
            "hits.unverified",
            Area.HITS,
            Severity.MEDIUM,
            "Hits left unverified",
            f"{len(late)} hits of the period are still pending more than 24 hours after they "
            "were made.",
            "Have officers verify or reject every hit; an unverified hit must never be acted on.",
            _evidence(f"hit:{hit.id}" for hit in late),
        )
    ]


def false_hits(facts: Facts) -> list[Finding]:
    false = [
        hit
        for hit in facts.hits
        if hit.outcome == HitOutcome.FALSE_HIT.value
        or hit.rejection_reason == RejectionReason.MISREAD.value
    ]
    if not false:
        return []
    return [
        Finding(
            "hits.false",
            Area.HITS,
            Severity.LOW,
            "False hits",
            f"{len(false)} hits of the period were misreads or false hits.",
            "Review the cameras and lists behind them (element F of the policy: accuracy).",
            _evidence(f"hit:{hit.id}" for hit in false),
        )
    ]


def hits_without_outcome(facts: Facts) -> list[Finding]:
    """R32: the outcome of every confirmed hit (no stop, stop, arrest, false hit) is recorded."""
    open_ = [
        hit
        for hit in facts.hits
        if hit.status == HitStatus.CONFIRMED.value
        and hit.outcome is None
        and facts.now - hit.created_at > OUTCOME_AFTER
    ]
    if not open_:
        return []
    return [
        Finding(
            "hits.no-outcome",
            Area.HITS,
            Severity.LOW,
            "Confirmed hits without an outcome",
            f"{len(open_)} confirmed hits of the period have no outcome recorded a week after "
            "they were made.",
            "Record what came of each hit (no stop, stop, arrest or false hit).",
            _evidence(f"hit:{hit.id}" for hit in open_),
        )
    ]


# --- access ---------------------------------------------------------------------------------


def _purpose_bound(facts: Facts) -> list[AccessFact]:
    return [
        access
        for access in facts.accesses
        if access.outcome is AccessOutcome.ALLOWED and access.action in PURPOSE_BOUND_ACTIONS
    ]


def invalid_purposes(facts: Facts) -> list[Finding]:
    purposes = (
        {p.code for p in facts.policy.purposes} if facts.policy is not None else None
    )  # without a policy the settings' purposes were enforced; the case format still holds
    findings = []
    for access in _purpose_bound(facts):
        problems = []
        if not access.purpose_code or (
            purposes is not None and access.purpose_code not in purposes
        ):
            problems.append(f"purpose {access.purpose_code or '(none)'!r} is not authorised")
        if not access.case_number or not facts.case_format.accepts(access.case_number):
            problems.append(f"case number {access.case_number or '(none)'!r} is malformed")
        if problems:
            findings.append(
                Finding(
                    "access.invalid-purpose",
                    Area.ACCESS,
                    Severity.CRITICAL,
                    "An access without a valid purpose",
                    f"{access.username} was allowed {access.action} at "
                    f"{access.at:%Y-%m-%d %H:%M} UTC although the {'; '.join(problems)}.",
                    "Find out how the access passed the purpose check; review the access with "
                    "the user's supervisor. There must be none.",
                    (f"access-log#{access.seq}",),
                )
            )
    return findings


def searches_with_lapsed_training(facts: Facts) -> list[Finding]:
    accounts = {account.username: account for account in facts.accounts}
    lapsed: dict[str, list[int]] = {}
    for access in _purpose_bound(facts):
        account = accounts.get(access.username)
        if account is None:
            continue
        training = account.training
        if training is None or access.at.date() >= training.expires_on:
            lapsed.setdefault(access.username, []).append(access.seq)
    return [
        Finding(
            "access.training-expired",
            Area.ACCESS,
            Severity.HIGH,
            "Accesses by a user whose training had expired",
            f"{username} accessed ALPR data {len(seqs)} times with no current training record.",
            "Suspend the account until the training is renewed; review the accesses.",
            (f"user:{username}", *_seqs(seqs)),
        )
        for username, seqs in sorted(lapsed.items())
    ]


def misuse_signals(facts: Facts) -> list[Finding]:
    return [
        Finding(
            "access.misuse-signal",
            Area.ACCESS,
            Severity.MEDIUM,
            f"Misuse signal: {signal.kind.value.replace('_', ' ')}",
            f"{signal.username} {signal.summary}.",
            "Review the entries with the user's supervisor; a signal is not proof of misuse.",
            (f"user:{signal.username}", *_seqs(signal.seqs)),
        )
        for signal in facts.signals
    ]


def enabled_accounts(facts: Facts) -> list[Finding]:
    findings = []
    today = facts.now.date()
    for account in facts.accounts:
        if account.status is not AccountStatus.ACTIVE:
            continue
        idle = facts.now - (account.last_active_at or account.created_at)
        if idle > facts.max_idle:
            findings.append(
                Finding(
                    "access.inactive-enabled",
                    Area.ACCESS,
                    Severity.MEDIUM,
                    "An inactive account is still enabled",
                    f"{account.username} has not been used for {idle.days} days (the limit is "
                    f"{facts.max_idle.days}) and is still active.",
                    "Run 'platekeeper user sweep'; deactivate the account if the person left.",
                    (f"user:{account.username}",),
                )
            )
        if account.training is None or not account.training.current_on(today):
            findings.append(
                Finding(
                    "access.training-lapsed-enabled",
                    Area.ACCESS,
                    Severity.MEDIUM,
                    "An account without current training is still enabled",
                    f"{account.username}'s training "
                    + (
                        "is not recorded"
                        if account.training is None
                        else f"expired on {account.training.expires_on}"
                    )
                    + ", and the account is still active.",
                    "Run 'platekeeper user sweep', or record the renewed training.",
                    (f"user:{account.username}",),
                )
            )
    return findings


def people_who_left(facts: Facts) -> list[Finding]:
    findings = [
        Finding(
            "access.left-with-credentials",
            Area.ACCESS,
            Severity.HIGH,
            "A deactivated account still holds credentials",
            f"{fact.username} is deactivated but has {fact.sessions} sessions and "
            f"{fact.live_tokens} unrevoked API tokens.",
            "Deactivate the account again (it ends sessions and tokens) and find out how they "
            "survived.",
            (f"user:{fact.username}",),
        )
        for fact in facts.credentials
        if fact.sessions or fact.live_tokens
    ]
    findings += [
        Finding(
            "access.suspended-long",
            Area.ACCESS,
            Severity.LOW,
            "An account suspended by a custodian for long",
            f"{account.username} was suspended by a custodian and not used for "
            f"{(facts.now - (account.last_active_at or account.created_at)).days} days.",
            "If the person left or no longer needs access, deactivate the account.",
            (f"user:{account.username}",),
        )
        for account in facts.accounts
        if account.suspension_reason is SuspensionReason.BY_CUSTODIAN
        and facts.now - (account.last_active_at or account.created_at) > facts.max_idle
    ]
    return findings


# --- sharing --------------------------------------------------------------------------------


def forbidden_recipients(facts: Facts) -> list[Finding]:
    if facts.policy is None:
        return []
    rules = replace(facts.policy.sharing, enabled=True)  # judge the recipient, not the switch
    findings = []
    for recipient in facts.recipients:
        if recipient.status is not RecipientStatus.ACTIVE:
            continue
        decision = decide_recipient(rules, recipient, _NEUTRAL_PURPOSE, facts.now.date())
        if decision.rule in (ShareRule.ENTITY_TYPE, ShareRule.STATE):
            findings.append(
                Finding(
                    "sharing.forbidden-recipient",
                    Area.SHARING,
                    Severity.CRITICAL,
                    "A recipient the jurisdiction forbids is registered and active",
                    f"{decision.reason} ({decision.citation}).",
                    "Retire the recipient; check whether anything was shared with it.",
                    (f"recipient:{recipient.id}",),
                )
            )
        elif decision.rule is ShareRule.REVIEW_OVERDUE:
            findings.append(
                _recipient_finding(recipient.id, "sharing.review-overdue", decision.reason)
            )
        elif decision.rule is ShareRule.AGREEMENT:
            findings.append(_recipient_finding(recipient.id, "sharing.agreement", decision.reason))
    return findings


def _recipient_finding(recipient_id: str, code: str, reason: str) -> Finding:
    review = code == "sharing.review-overdue"
    return Finding(
        code,
        Area.SHARING,
        Severity.MEDIUM,
        "A recipient past its review date" if review else "A recipient without a current agreement",
        f"{reason}.",
        "Review the recipient's need and record the next review date, or suspend it."
        if review
        else "Renew the written agreement, or suspend the recipient.",
        (f"recipient:{recipient_id}",),
    )


def forbidden_shares(facts: Facts) -> list[Finding]:
    rules = facts.policy.sharing if facts.policy is not None else None
    recipients = {recipient.id: recipient for recipient in facts.recipients}
    findings = []
    for share in facts.shares:
        if share.status not in (ShareStatus.PENDING, ShareStatus.APPROVED, ShareStatus.EXPORTED):
            continue
        recipient = recipients.get(share.recipient_id)
        if rules is None or recipient is None:
            reason = "no sharing rules are in force" if rules is None else "its recipient is gone"
        else:
            day = share.requested_at.date()
            decision = decide_share(rules, recipient, share, day, facts.max_reads_per_request)
            if decision.allowed or decision.rule not in _PROFILE_RULES | {
                ShareRule.SHARING_DISABLED,
                ShareRule.RECIPIENT_INACTIVE,
                ShareRule.TOO_MANY_READS,
            }:
                continue
            reason = f"{decision.reason} ({decision.citation})"
        findings.append(
            Finding(
                "sharing.forbidden-share",
                Area.SHARING,
                Severity.CRITICAL,
                f"A share the rules forbid is {share.status.value}",
                f"Share request {share.id} ({share.status.value}) passed although {reason}.",
                "Stop the share if it has not left; if it has, ask the recipient to destroy the "
                "data, and find out how the request got past the check.",
                (f"share:{share.id}", f"recipient:{share.recipient_id}"),
            )
        )
    return findings


# --- access log and hot lists ---------------------------------------------------------------


def access_log_chain(facts: Facts) -> list[Finding]:
    problem = facts.verification.first_problem
    if problem is None:
        return []
    return [
        Finding(
            "access-log.not-intact",
            Area.ACCESS_LOG,
            Severity.CRITICAL,
            f"The access log is not intact: {problem.kind.value} at entry {problem.seq}",
            f"{problem.message}. Expected: {problem.expected}.",
            "Preserve the database as evidence; compare with the checkpoints held outside "
            "('platekeeper audit verify --checkpoints FILE --public-key KEY') and investigate "
            "who had write access.",
            (f"access-log#{problem.seq}",),
        )
    ]


def stale_hotlists(facts: Facts) -> list[Finding]:
    return [
        Finding(
            "hotlists.stale",
            Area.HOTLISTS,
            Severity.MEDIUM,
            "A fed hot list is stale",
            f"{hotlist.name} ({hotlist.source.value}) was "
            + (
                "never refreshed"
                if hotlist.refreshed_at is None
                else f"last refreshed at {hotlist.refreshed_at:%Y-%m-%d %H:%M} UTC"
            )
            + "; its entries may no longer hold at their source.",
            "Fix the list's source ('platekeeper hotlist refresh'); until then every alert it "
            "makes carries a stale-list warning.",
            (f"hotlist:{hotlist.id}",),
        )
        for hotlist in facts.hotlists
        if hotlist.stale_at(facts.now)
    ]


def expired_entries_active(facts: Facts) -> list[Finding]:
    if not facts.expired_active:
        return []
    return [
        Finding(
            "hotlists.expired-active",
            Area.HOTLISTS,
            Severity.HIGH,
            "Expired hot-list entries are still matched",
            f"{len(facts.expired_active)} entries past their expiry are among the store's "
            "active entries, which the matcher loads.",
            "Report this as a defect; remove the entries until it is fixed.",
            _evidence(f"entry:{fact.entry_id}" for fact in facts.expired_active),
        )
    ]


def entries_without_expiry(facts: Facts) -> list[Finding]:
    """R25: every entry expires; one without an expiry would be matched for ever."""
    if not facts.unexpiring:
        return []
    return [
        Finding(
            "hotlists.no-expiry",
            Area.HOTLISTS,
            Severity.HIGH,
            "Hot-list entries without an expiry",
            f"{len(facts.unexpiring)} entries have no expiry date and would be matched until "
            "someone removes them.",
            "Give each entry an expiry (a renewal needs approval) or remove it.",
            _evidence(f"entry:{fact.entry_id}" for fact in facts.unexpiring),
        )
    ]


def personal_data(facts: Facts) -> list[Finding]:
    return [
        Finding(
            "hotlists.personal-data",
            Area.HOTLISTS,
            Severity.HIGH,
            "A hot-list entry holds personal data",
            f"An entry of list {fact.list_id} holds {fact.where}.",
            "Remove the personal data (re-enter the entry without it); the case number links "
            "the entry to the case file, where the person's details belong.",
            (f"entry:{fact.entry_id}",),
        )
        for fact in facts.personal_data
    ]


CHECKS: tuple[Callable[[Facts], list[Finding]], ...] = (
    policy_completeness,
    published_policy,
    transparency_overdue,
    audit_overdue,
    retention_in_force,
    access_log_retention,
    oldest_non_hit_read,
    purge_runs,
    overdue_holds,
    unverified_hits,
    false_hits,
    hits_without_outcome,
    invalid_purposes,
    searches_with_lapsed_training,
    misuse_signals,
    enabled_accounts,
    people_who_left,
    forbidden_recipients,
    forbidden_shares,
    access_log_chain,
    stale_hotlists,
    expired_entries_active,
    entries_without_expiry,
    personal_data,
)


def run_checks(facts: Facts) -> ComplianceReport:
    findings = [finding for check in CHECKS for finding in check(facts)]
    findings.sort(key=lambda finding: finding.severity.rank)
    return ComplianceReport(
        generated_at=facts.now,
        period=facts.period,
        findings=tuple(findings),
        figures=figures(facts),
        sample=sample(facts),
    )


def sample(facts: Facts) -> Sample:
    """``sample_size`` allowed searches, drawn with ``sample_seed``: the same seed over the same
    log draws the same entries."""
    population = sorted(
        access.seq
        for access in facts.accesses
        if access.action == SEARCH and access.outcome is AccessOutcome.ALLOWED
    )
    size = min(facts.sample_size, len(population))
    drawn = random.Random(facts.sample_seed).sample(population, size)  # noqa: S311 (not secret)
    return Sample(facts.sample_seed, facts.sample_size, len(population), tuple(sorted(drawn)))


def figures(facts: Facts) -> Figures:
    revealing = [
        access
        for access in facts.accesses
        if access.outcome is AccessOutcome.ALLOWED and access.action in REVEALING_ACTIONS
    ]
    return Figures(
        days=facts.days,
        reads=sum(day.reads for day in facts.days),
        hits=sum(day.hits for day in facts.days),
        hits_by_status=_ranked(hit.status for hit in facts.hits),
        hits_by_outcome=_ranked(hit.outcome or "none yet" for hit in facts.hits),
        searches_by_user=_ranked(access.username for access in revealing),
        searches_by_purpose=_ranked(access.purpose_code or "(none)" for access in revealing),
        recipients_by_type_state=tuple(
            (kind, state, status, count)
            for (kind, state, status), count in sorted(
                Counter(
                    (r.entity_type.value, r.state, r.status.value) for r in facts.recipients
                ).items()
            )
        ),
        purge_runs=sum(
            1 for run in facts.purge_runs if not run.dry_run and run.started_at in facts.period
        ),
        oldest_non_hit=facts.oldest_non_hit,
        access_entries=len(facts.accesses),
        verification=facts.verification.summary(),
        hotlist_entries_checked=facts.entries_checked,
        hotlist_exclusions=exclusion_figures(facts.exclusions),
    )


def _ranked(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(Counter(values).items(), key=lambda item: (-item[1], item[0])))


def _age(age: timedelta | None) -> str:
    if age is None:
        return "without limit"
    if age % timedelta(days=1) == timedelta(0):
        return f"{age.days} days"
    return _hours(age)


def _floor(age: timedelta | None) -> str:
    return "no floor" if age is None else _age(age)


def _hours(span: timedelta) -> str:
    hours = span / timedelta(hours=1)
    return f"{hours:.1f} hours" if hours < 48 else f"{span.days} days"


def _days(span: timedelta) -> str:
    return f"{max(span.days, 0)} days"
