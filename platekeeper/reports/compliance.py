"""The compliance report's model: the facts gathered once for a period, the findings, the report.

Pure. ``platekeeper.reports.gather`` reads the facts from the store; the auditor's tests
(``platekeeper.reports.compliance_checks``) are functions of the facts; the renderers turn a
``ComplianceReport`` into JSON, HTML or PDF. No fact holds plate text: evidence is named by ids
(access-log sequence numbers, hit, hold, recipient, share and hot-list entry ids) and usernames.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from platekeeper.audit import MisuseSignal, VerificationReport
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.hotlist_exclusions import HotlistExclusion
from platekeeper.domain.hotlists import Hotlist
from platekeeper.domain.people import Account
from platekeeper.domain.publication import PublicationSchedule
from platekeeper.domain.purges import PurgeLedgerEntry
from platekeeper.domain.purposes import CaseNumberFormat
from platekeeper.domain.recipients import Recipient, ShareRequest
from platekeeper.domain.retention import DataClass, RetentionRule
from platekeeper.domain.zones import UTC_ZONE
from platekeeper.errors import InvalidInput
from platekeeper.policy.resolve import EffectivePolicy
from platekeeper.reports.exclusions import ExclusionFigure

MAX_PERIOD_DAYS = 366
"""The longest period one report covers: the daily counts cost two queries a day."""


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Area(StrEnum):
    POLICY = "policy"
    RETENTION = "retention"
    HITS = "hits"
    ACCESS = "access"
    SHARING = "sharing"
    ACCESS_LOG = "access-log"
    HOTLISTS = "hotlists"


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of one test: what is wrong, how bad, what to do, and the ids behind it."""

    code: str
    """The test that found it, stable: ``access.invalid-purpose`` (docs/reports.md lists all)."""
    area: Area
    severity: Severity
    title: str
    detail: str
    remediation: str
    evidence: tuple[str, ...] = ()
    """Ids only (``access-log#17``, ``hit:…``, ``recipient:…``), never plate text."""


@dataclass(frozen=True, slots=True)
class Period:
    """The instants ``[start, end)`` the report covers, in UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidInput(
                "the report's period is empty", hint="--to must not lie before --from."
            )
        if self.end - self.start > timedelta(days=MAX_PERIOD_DAYS):
            raise InvalidInput(
                f"the report's period is longer than {MAX_PERIOD_DAYS} days",
                hint="Report on a year or less at a time.",
            )

    @classmethod
    def of_days(cls, first: date, last: date) -> Period:
        """Whole days ``first`` to ``last``, both included (UTC)."""
        start = datetime.combine(first, time(), UTC)
        return cls(start, datetime.combine(last, time(), UTC) + timedelta(days=1))

    def days(self) -> list[date]:
        count = (self.end - self.start + timedelta(days=1) - timedelta.resolution).days
        return [self.start.date() + timedelta(days=n) for n in range(count)]

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class AccessFact:
    """One access-log entry of the period, without its query elements or results."""

    seq: int
    at: datetime
    username: str
    action: str
    outcome: AccessOutcome
    purpose_code: str | None
    case_number: str | None


@dataclass(frozen=True, slots=True)
class HitFact:
    id: str
    created_at: datetime
    status: str
    outcome: str | None
    rejection_reason: str | None


@dataclass(frozen=True, slots=True)
class HoldFact:
    id: str
    case_number: str
    expires_at: datetime
    approved: bool
    closed: bool


@dataclass(frozen=True, slots=True)
class CredentialFact:
    """What a deactivated account still holds: sessions and API tokens that would work."""

    username: str
    sessions: int
    live_tokens: int


@dataclass(frozen=True, slots=True)
class EntryFact:
    entry_id: str
    list_id: str
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class PersonalDataFact:
    entry_id: str
    list_id: str
    where: str
    """The field and what was found there, described without repeating it."""


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    reads: int
    hits: int


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the tests look at, read once for the period. No plate text."""

    now: datetime
    period: Period
    policy: EffectivePolicy | None
    policy_sha256: str | None
    """SHA-256 of the policy file enforced now; None without one."""
    published_sha256: str | None
    published_version: str | None
    case_format: CaseNumberFormat
    retention_in_force: Mapping[DataClass, RetentionRule]
    oldest_non_hit: datetime | None
    purge_runs: tuple[PurgeLedgerEntry, ...]
    purge_interval: timedelta
    holds: tuple[HoldFact, ...]
    days: tuple[DayCount, ...]
    hits: tuple[HitFact, ...]
    accesses: tuple[AccessFact, ...]
    accounts: tuple[Account, ...]
    max_idle: timedelta
    credentials: tuple[CredentialFact, ...]
    signals: tuple[MisuseSignal, ...]
    recipients: tuple[Recipient, ...]
    shares: tuple[ShareRequest, ...]
    """Requests of the period, their ``plate`` taken out."""
    max_reads_per_request: int
    verification: VerificationReport
    hotlists: tuple[Hotlist, ...]
    expired_active: tuple[EntryFact, ...]
    personal_data: tuple[PersonalDataFact, ...]
    entries_checked: int
    sample_seed: int
    sample_size: int
    unexpiring: tuple[EntryFact, ...] = ()
    """Hot-list entries of the agency's lists with no expiry date."""
    publication: PublicationSchedule | None = None
    """How often the public transparency report is due (R37); None: not gathered."""
    last_publication: datetime | None = None
    """When the last transparency report was published; None before any."""
    operating_since: datetime | None = None
    last_audit: datetime | None = None
    """When the last compliance report (an audit) was made for the agency, before this one."""
    audit_months: int = 12
    """The months allowed between audits (``domain.audit_findings.audit_interval_months``)."""
    """The first access-log entry: when the system began, the schedule's start."""
    exclusions: tuple[HotlistExclusion, ...] = ()
    """Hot-list records the law or the policy kept out in the period: counts by file."""


@dataclass(frozen=True, slots=True)
class Sample:
    """Allowed searches drawn for a supervisor's review: reproducible from the seed."""

    seed: int
    size: int
    population: int
    seqs: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Figures:
    """The numbers the report shows beside its findings."""

    days: tuple[DayCount, ...]
    reads: int
    hits: int
    hits_by_status: tuple[tuple[str, int], ...]
    hits_by_outcome: tuple[tuple[str, int], ...]
    searches_by_user: tuple[tuple[str, int], ...]
    searches_by_purpose: tuple[tuple[str, int], ...]
    recipients_by_type_state: tuple[tuple[str, str, str, int], ...]
    """(entity type, state, status, count)."""
    purge_runs: int
    oldest_non_hit: datetime | None
    access_entries: int
    verification: str
    hotlist_entries_checked: int
    hotlist_exclusions: tuple[ExclusionFigure, ...] = ()
    """Hot-list records kept out by law or policy, by source file and rule."""

    @property
    def hit_ratio(self) -> float | None:
        return None if self.reads == 0 else self.hits / self.reads


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    generated_at: datetime
    period: Period
    findings: tuple[Finding, ...]
    figures: Figures
    sample: Sample
    time_zone: str = UTC_ZONE
    """The agency's zone, which the HTML and PDF show times in; the JSON keeps UTC too."""

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)

    def summary(self) -> str:
        if not self.findings:
            return "Compliance report: no findings."
        counts = ", ".join(
            f"{self.count(severity)} {severity.value}"
            for severity in Severity
            if self.count(severity)
        )
        return f"Compliance report: {len(self.findings)} findings ({counts})."
