"""The usage and privacy policy as the system enforces it, and the check that it is complete.

Civil Code 1798.90.51(b)(2) lists seven elements a policy must hold, (A) to (G); 1798.90.55(a)
asks a public agency for a public-comment meeting before it runs ALPR. ``check_policy`` names
each element that is missing and each rule of a jurisdiction profile the policy contradicts.
A policy is *complete* when the check finds nothing missing and nothing in conflict.

Retention combines every source: the policy file and each profile. The shortest ceiling wins
per data class; a floor (a records-law minimum) longer than that ceiling is reported as a
conflict and never resolved here, because only a person can decide which law gives way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from platekeeper.domain.collection import (
    CollectionPolicy,
    CollectionRules,
    PolicyMode,
    ProfileCollection,
)
from platekeeper.domain.findings import TODO, PolicyFinding, Severity, missing_text, unfilled
from platekeeper.domain.people import Role
from platekeeper.domain.policy_purposes import (
    ForbiddenBy,
    ForbiddenCategory,
    PolicyPurpose,
    PurposeAttestation,
    check_purposes,
)
from platekeeper.domain.retention import DEFAULT_CEILINGS, DataClass, RetentionRule
from platekeeper.domain.sharing import DeclarationRule, EntityType, RecipientRole

# Re-exported: callers take the check's vocabulary from here, beside the policy it checks.
__all__ = ["TODO", "ForbiddenCategory", "PolicyFinding", "PolicyPurpose", "Severity"]

POLICY_SOURCE = "policy file"
DEFAULT_SOURCE = "PlateKeeper's default (the policy sets none)"
ELEMENTS = {
    "A": "authorised purposes",
    "B": "job titles and training",
    "C": "monitoring and audits",
    "D": "sharing",
    "E": "official custodian",
    "F": "accuracy",
    "G": "retention and destruction",
}
"""The elements of Civil Code 1798.90.51(b)(2), by the letter the statute gives them."""
PUBLIC_COMMENT = "public-comment"
# Roles of people who use or oversee the system; each should be described under (B).
_PEOPLE_ROLES = (Role.OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.CUSTODIAN, Role.AUDITOR)


NO_COLLECTION_RULES = CollectionPolicy()
"""A policy file without a [collection] table."""

# --- the policy ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PolicyAgency:
    id: str
    name: str
    state: str
    public_agency: bool
    time_zone: str = ""
    """The zone ``agency add`` registers the agency with when given none (``domain/zones.py``);
    the registered agency's zone, which its custodian may change, is what pages use."""


@dataclass(frozen=True, slots=True)
class RoleAccess:
    """Who may hold one role, and the training they need first and again."""

    role: Role
    job_titles: tuple[str, ...]
    training: str
    refresher_months: int | None


@dataclass(frozen=True, slots=True)
class Monitoring:
    description: str
    audit_schedule: str
    sample_size: int | None
    """Access-log entries an audit samples each time."""
    audit_process: str = ""
    """How the periodic system audits are run; the end-user variant requires it (R02)."""


@dataclass(frozen=True, slots=True)
class SharingPolicy:
    enabled: bool
    purposes: str
    process: str
    restrictions: str
    entity_types: frozenset[EntityType]
    states: frozenset[str] | None
    """Two-letter codes of the states whose agencies may receive data; None means any."""
    forbidden_purposes: frozenset[str]


@dataclass(frozen=True, slots=True)
class Accuracy:
    description: str
    correction_process: str


@dataclass(frozen=True, slots=True)
class RetentionPeriod:
    data_class: DataClass
    max_age: timedelta | None
    min_age: timedelta | None = None


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    periods: tuple[RetentionPeriod, ...]
    destruction_process: str
    review_date: date | None


@dataclass(frozen=True, slots=True)
class HotlistExclusionPolicy:
    """Records of hot-list feeds the agency keeps out of its lists, beyond what its laws do:
    by the file they come from, or by their NCIC message key (MKE)."""

    source_files: tuple[str, ...] = ()
    message_keys: tuple[str, ...] = ()


NO_HOTLIST_EXCLUSIONS = HotlistExclusionPolicy()


@dataclass(frozen=True, slots=True)
class PublicComment:
    body: str
    date: date | None
    minutes_url: str


@dataclass(frozen=True, slots=True)
class UsagePolicy:
    agency: PolicyAgency
    profiles: tuple[str, ...]
    custodian_title: str
    purposes: tuple[PolicyPurpose, ...]
    access: tuple[RoleAccess, ...]
    monitoring: Monitoring
    sharing: SharingPolicy
    accuracy: Accuracy
    retention: RetentionPolicy
    public_comment: PublicComment | None
    mode: PolicyMode = PolicyMode.OPERATOR
    """An operator's policy (1798.90.51) or an end-user's (1798.90.53)."""
    collection: CollectionPolicy = NO_COLLECTION_RULES
    hotlists: HotlistExclusionPolicy = NO_HOTLIST_EXCLUSIONS
    """Hot-list records kept out by source file or message key ([hotlists])."""


# --- jurisdiction profiles -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProfileRetention:
    data_class: DataClass
    max_age: timedelta | None
    min_age: timedelta | None
    citation: str


@dataclass(frozen=True, slots=True)
class ProfileSharing:
    entity_types: frozenset[EntityType]
    states: frozenset[str] | None
    citation: str
    # The sharing work's additions (roles, any-state roles, a declaration): see domain/sharing.py.
    roles: frozenset[RecipientRole] | None = None
    any_state_roles: frozenset[RecipientRole] = frozenset()
    declaration: DeclarationRule | None = None
    court_order_roles: frozenset[RecipientRole] = frozenset()


@dataclass(frozen=True, slots=True)
class ProfileReporting:
    """How often the law asks the agency to publish its public report (R37)."""

    interval_months: int
    citation: str


@dataclass(frozen=True, slots=True)
class JurisdictionProfile:
    code: str
    name: str
    state: str
    retention: tuple[ProfileRetention, ...]
    sharing: ProfileSharing | None
    """None when the profile encodes no sharing restriction."""
    forbidden_purposes: tuple[ForbiddenCategory, ...]
    """Categories of purpose the law forbids, whatever a purpose is called."""
    public_comment_citation: str | None
    """Set where the law asks a public agency for a public-comment meeting."""
    collection: ProfileCollection | None = None
    """Set where the law limits what of a scene is kept (plate crops only)."""
    reporting: ProfileReporting | None = None
    """Set where the law sets how often the public report is published."""


# --- decisions -------------------------------------------------------------------------------


def beyond_ceiling(rule: RetentionRule, captured_at: datetime, now: datetime) -> bool:
    """Whether data captured at ``captured_at`` has outlived ``rule``'s ceiling at ``now``.

    Data exactly at the ceiling is still kept: the law says "no longer than", not "less than".
    """
    return rule.max_age is not None and now - captured_at > rule.max_age


def effective_retention(
    policy: UsagePolicy, profiles: Sequence[JurisdictionProfile]
) -> dict[DataClass, RetentionRule]:
    """One rule per data class: the shortest ceiling and the longest floor of every source."""
    return {data_class: _combine(data_class, policy, profiles) for data_class in DataClass}


def _combine(
    data_class: DataClass, policy: UsagePolicy, profiles: Sequence[JurisdictionProfile]
) -> RetentionRule:
    ceilings: list[tuple[timedelta, str]] = []
    floors: list[tuple[timedelta, str]] = []
    for max_age, min_age, source in _retention_sources(data_class, policy, profiles):
        if max_age is not None:
            ceilings.append((max_age, source))
        if min_age is not None:
            floors.append((min_age, source))
    if not ceilings and data_class in DEFAULT_CEILINGS:
        ceilings.append((DEFAULT_CEILINGS[data_class], DEFAULT_SOURCE))
    ceiling = min(ceilings, key=lambda item: item[0], default=None)
    floor = max(floors, key=lambda item: item[0], default=None)
    sources = [f"ceiling: {ceiling[1]}" if ceiling else "no ceiling"]
    if floor is not None:
        sources.append(f"floor: {floor[1]}")
    return RetentionRule(
        data_class=data_class,
        max_age=ceiling[0] if ceiling else None,
        source="; ".join(sources),
        min_age=floor[0] if floor else None,
    )


def _retention_sources(
    data_class: DataClass, policy: UsagePolicy, profiles: Sequence[JurisdictionProfile]
) -> Iterator[tuple[timedelta | None, timedelta | None, str]]:
    for period in policy.retention.periods:
        if period.data_class is data_class:
            yield period.max_age, period.min_age, POLICY_SOURCE
    for profile in profiles:
        for rule in profile.retention:
            if rule.data_class is data_class:
                yield rule.max_age, rule.min_age, f"{profile.name} ({rule.citation})"


def check_policy(
    policy: UsagePolicy,
    profiles: Sequence[JurisdictionProfile],
    today: date | None = None,
    attestations: Sequence[PurposeAttestation] = (),
) -> list[PolicyFinding]:
    """Every element missing from ``policy`` and every conflict with ``profiles``, in the order
    of the statute. ``today`` lets the check judge dates (review, meeting); ``attestations`` are
    the custodian's, clearing purposes flagged as misfiled."""
    return [
        *missing_text("agency", "agency.name", policy.agency.name, "the agency's name"),
        *check_purposes(policy.purposes, forbidden_by(profiles), attestations),
        *_check_access(policy),
        *_check_monitoring(policy.monitoring),
        *_check_sharing(policy.sharing, profiles),
        *missing_text("E", "custodian_title", policy.custodian_title, "the custodian's title"),
        *_check_accuracy(policy.accuracy),
        *_check_retention(policy, profiles, today),
        *_check_public_comment(policy, profiles, today),
        *_check_profiles(policy, profiles),
        *_check_collection(policy, profiles),
    ]


def is_complete(findings: Iterable[PolicyFinding]) -> bool:
    return not any(finding.blocking for finding in findings)


def forbidden_by(profiles: Sequence[JurisdictionProfile]) -> list[ForbiddenBy]:
    """Every category the profiles forbid, each with the profile that forbids it."""
    return [
        ForbiddenBy(profile.code, profile.name, rule)
        for profile in profiles
        for rule in profile.forbidden_purposes
    ]


def _check_access(policy: UsagePolicy) -> Iterator[PolicyFinding]:
    if not policy.access:
        yield PolicyFinding(
            "B",
            Severity.MISSING,
            "access",
            "no roles described: add [[access]] tables with role, job_titles, training and "
            "refresher_months",
        )
    for index, access in enumerate(policy.access):
        key = f"access.{index}"
        if not access.job_titles or any(unfilled(title) for title in access.job_titles):
            yield PolicyFinding(
                "B",
                Severity.MISSING,
                f"{key}.job_titles",
                f"{key}.job_titles: list the job titles that may hold the {access.role.value} role",
            )
        yield from missing_text("B", f"{key}.training", access.training, "the training required")
        if access.refresher_months is None:
            yield PolicyFinding(
                "B",
                Severity.MISSING,
                f"{key}.refresher_months",
                f"{key}.refresher_months is missing: write how often training is repeated",
            )
    described = {access.role for access in policy.access}
    for role in _PEOPLE_ROLES:
        if policy.access and role not in described:
            yield PolicyFinding(
                "B",
                Severity.WARNING,
                "access",
                f"the {role.value} role is not described; nobody should hold it until it is",
            )


def _check_monitoring(monitoring: Monitoring) -> Iterator[PolicyFinding]:
    yield from missing_text(
        "C", "monitoring.description", monitoring.description, "how use is monitored"
    )
    yield from missing_text(
        "C", "monitoring.audit_schedule", monitoring.audit_schedule, "how often audits run"
    )
    if monitoring.sample_size is None:
        yield PolicyFinding(
            "C",
            Severity.MISSING,
            "monitoring.sample_size",
            "monitoring.sample_size is missing: write how many access-log entries each audit "
            "samples",
        )


def _check_sharing(
    sharing: SharingPolicy, profiles: Sequence[JurisdictionProfile]
) -> Iterator[PolicyFinding]:
    yield from missing_text(
        "D", "sharing.restrictions", sharing.restrictions, "the restrictions on sharing"
    )
    if sharing.enabled:
        yield from missing_text("D", "sharing.purposes", sharing.purposes, "why data is shared")
        yield from missing_text("D", "sharing.process", sharing.process, "how a request is made")
    for profile in profiles:
        if profile.sharing is not None:
            yield from _sharing_conflicts(sharing, profile, profile.sharing)


def _sharing_conflicts(
    sharing: SharingPolicy, profile: JurisdictionProfile, law: ProfileSharing
) -> Iterator[PolicyFinding]:
    element = f"profile:{profile.code}"
    for entity in sorted(sharing.entity_types - law.entity_types):
        yield PolicyFinding(
            element,
            Severity.CONFLICT,
            "sharing.entity_types",
            f"sharing.entity_types allows {entity.value} recipients, which {profile.name} "
            f"forbids ({law.citation}): remove {entity.value!r}",
        )
    if law.states is None:
        return
    if sharing.states is None:
        allowed = ", ".join(sorted(law.states))
        yield PolicyFinding(
            element,
            Severity.CONFLICT,
            "sharing.states",
            f"sharing.states is unset (any state), but {profile.name} allows only {allowed} "
            f"({law.citation}): write states = [{', '.join(repr(s) for s in sorted(law.states))}]",
        )
        return
    for state in sorted(sharing.states - law.states):
        yield PolicyFinding(
            element,
            Severity.CONFLICT,
            "sharing.states",
            f"sharing.states allows {state}, which {profile.name} forbids ({law.citation}): "
            f"remove {state!r}",
        )


def _check_accuracy(accuracy: Accuracy) -> Iterator[PolicyFinding]:
    yield from missing_text(
        "F", "accuracy.description", accuracy.description, "how accuracy is ensured"
    )
    yield from missing_text(
        "F",
        "accuracy.correction_process",
        accuracy.correction_process,
        "how data errors are corrected",
    )


def _check_retention(
    policy: UsagePolicy, profiles: Sequence[JurisdictionProfile], today: date | None
) -> Iterator[PolicyFinding]:
    retention = policy.retention
    stated = {period.data_class: period for period in retention.periods}
    for data_class in DataClass:
        period = stated.get(data_class)
        if data_class in DEFAULT_CEILINGS:
            continue  # the policy may set it; unset, PlateKeeper's default ceiling holds
        if period is None or period.max_age is None:
            key = f"retention.classes.{data_class.value}.max_age"
            yield PolicyFinding(
                "G",
                Severity.MISSING,
                key,
                f"{key} is missing: write how long {data_class.value} are kept, e.g. '30 days'",
            )
    yield from missing_text(
        "G",
        "retention.destruction_process",
        retention.destruction_process,
        "how and when retained data is destroyed",
    )
    yield from _check_review_date(retention.review_date, today)
    yield from _retention_conflicts(policy, profiles)
    yield from _access_log_floor(policy, profiles)


REVIEW_EVERY = timedelta(days=731)
"""Retention periods are re-evaluated at least every two years (State Auditor 2019-118,
recommendations 7, 19, 33 and 47)."""
REVIEW_GRACE = timedelta(days=90)
"""How long a passed review date is a warning before it blocks."""


def _check_review_date(review_date: date | None, today: date | None) -> Iterator[PolicyFinding]:
    key = "retention.review_date"
    if review_date is None:
        yield PolicyFinding(
            "G", Severity.MISSING, key, f"{key} is missing: write when the periods are reviewed"
        )
    elif today is not None and review_date > today + REVIEW_EVERY:
        yield PolicyFinding(
            "G",
            Severity.CONFLICT,
            key,
            f"{key} {review_date.isoformat()} is more than two years away: the periods are "
            "re-evaluated at least every two years (State Auditor 2019-118); set a nearer date",
        )
    elif today is not None and review_date < today:
        late = today - review_date > REVIEW_GRACE
        yield PolicyFinding(
            "G",
            Severity.CONFLICT if late else Severity.WARNING,
            key,
            f"{key} {review_date.isoformat()} has passed"
            + (f" by more than {REVIEW_GRACE.days} days" if late else "")
            + ": review the periods and set the next date",
        )


ACCESS_LOG_FLOOR = timedelta(days=730)
"""The access log outlives the reads it describes: two years at least, unless a profile asks
for longer (State Auditor 2019-118; the access log is the only proof of lawful use)."""


def _access_log_floor(
    policy: UsagePolicy, profiles: Sequence[JurisdictionProfile]
) -> Iterator[PolicyFinding]:
    rule = _combine(DataClass.ACCESS_LOG, policy, profiles)
    floor = max(ACCESS_LOG_FLOOR, rule.min_age or ACCESS_LOG_FLOOR)
    if rule.max_age is None or rule.conflict is not None or rule.max_age >= floor:
        return  # missing, or a floor conflict reported as such, or long enough
    key = f"retention.classes.{DataClass.ACCESS_LOG.value}.max_age"
    yield PolicyFinding(
        "G",
        Severity.CONFLICT,
        key,
        f"the access log would be kept {describe_age(rule.max_age)} ({rule.source}), less "
        f"than the floor of {describe_age(floor)}: the record of who looked at what must "
        "outlive the reads; keep it at least that long",
    )


def _retention_conflicts(
    policy: UsagePolicy, profiles: Sequence[JurisdictionProfile]
) -> Iterator[PolicyFinding]:
    for period in policy.retention.periods:
        key = f"retention.classes.{period.data_class.value}"
        for profile in profiles:
            for rule in profile.retention:
                if (
                    rule.data_class is period.data_class
                    and rule.max_age is not None
                    and period.max_age is not None
                    and period.max_age > rule.max_age
                ):
                    yield PolicyFinding(
                        f"profile:{profile.code}",
                        Severity.CONFLICT,
                        f"{key}.max_age",
                        f"{key}.max_age keeps {period.data_class.value} for "
                        f"{describe_age(period.max_age)}, longer than {profile.name} allows "
                        f"({describe_age(rule.max_age)}, {rule.citation}): shorten it",
                    )
    for combined in effective_retention(policy, profiles).values():
        if combined.conflict is not None:
            yield PolicyFinding(
                "G",
                Severity.CONFLICT,
                f"retention.classes.{combined.data_class.value}.min_age",
                f"{combined.conflict}: the floor and the ceiling cannot both be obeyed; a person "
                "must decide which law applies, and change the policy or the profiles",
            )


def _check_public_comment(
    policy: UsagePolicy, profiles: Sequence[JurisdictionProfile], today: date | None
) -> Iterator[PolicyFinding]:
    if not policy.agency.public_agency:
        return
    citations = [p.public_comment_citation for p in profiles if p.public_comment_citation]
    why = f" ({'; '.join(citations)})" if citations else ""
    record = policy.public_comment
    if record is None:
        yield PolicyFinding(
            PUBLIC_COMMENT,
            Severity.MISSING,
            "public_comment",
            f"a public agency records the public-comment meeting held before the program "
            f"began{why}: add [public_comment] with body, date and minutes_url",
        )
        return
    yield from missing_text(
        PUBLIC_COMMENT, "public_comment.body", record.body, "the governing body that met"
    )
    yield from _check_meeting_date(record.date, today)
    yield from _check_minutes_url(record.minutes_url)


def _check_meeting_date(held_on: date | None, today: date | None) -> Iterator[PolicyFinding]:
    key = "public_comment.date"
    if held_on is None:
        yield PolicyFinding(
            PUBLIC_COMMENT, Severity.MISSING, key, f"{key} is missing: write the meeting's date"
        )
    elif today is not None and held_on > today:
        yield PolicyFinding(
            PUBLIC_COMMENT,
            Severity.CONFLICT,
            key,
            f"{key} {held_on.isoformat()} is in the future: the meeting is held before the "
            "program begins, and only a meeting already held can be recorded",
        )


def _check_minutes_url(url: str) -> Iterator[PolicyFinding]:
    key = "public_comment.minutes_url"
    if unfilled(url):
        yield from missing_text(PUBLIC_COMMENT, key, url, "a link to the minutes")
        return
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host or " " in url.strip():
        yield PolicyFinding(
            PUBLIC_COMMENT,
            Severity.MISSING,
            key,
            f"{key} {url!r} is not a web address: write the http(s) link to the minutes",
        )


def _check_profiles(
    policy: UsagePolicy, profiles: Sequence[JurisdictionProfile]
) -> Iterator[PolicyFinding]:
    if not profiles:
        yield PolicyFinding(
            "profile",
            Severity.WARNING,
            "profiles",
            "no jurisdiction profile applies: name the agency's state in profiles, e.g. ['ca']",
        )
    state = policy.agency.state
    if state and profiles and state not in {profile.state for profile in profiles}:
        yield PolicyFinding(
            "profile",
            Severity.WARNING,
            "profiles",
            f"the agency is in {state} but no profile of {state} applies",
        )


def describe_age(age: timedelta) -> str:
    """``age`` in the largest whole unit: '3 minutes', '21 days'."""
    seconds = int(age.total_seconds())
    for unit, size in (("day", 86_400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
    raise AssertionError("every whole number of seconds divides by 1")


# --- end-user mode and what is collected (R02, R28) ------------------------------------------

END_USER_STATUTE = "Cal. Civ. Code § 1798.90.53(b)(2)"


def collection_rules(
    policy: UsagePolicy, profiles: Sequence[JurisdictionProfile]
) -> CollectionRules:
    """What ingest enforces: the policy's mode, and plate crops only where the policy or any
    profile asks for it (the most restrictive wins)."""
    laws = [
        p.collection.citation for p in profiles if p.collection and p.collection.plate_crops_only
    ]
    if laws:
        return CollectionRules(policy.mode, full_images=False, source="; ".join(laws))
    if policy.collection.full_images is False:
        return CollectionRules(policy.mode, full_images=False, source=POLICY_SOURCE)
    return CollectionRules(policy.mode)


def _check_collection(
    policy: UsagePolicy, profiles: Sequence[JurisdictionProfile]
) -> Iterator[PolicyFinding]:
    if policy.mode is PolicyMode.END_USER:
        yield from missing_text(
            "C",
            "monitoring.audit_process",
            policy.monitoring.audit_process,
            f"the process for periodic system audits, which an end-user's policy states "
            f"({END_USER_STATUTE}(C))",
        )
    if policy.collection.full_images is not True:
        return
    for profile in profiles:
        law = profile.collection
        if law is not None and law.plate_crops_only:
            yield PolicyFinding(
                f"profile:{profile.code}",
                Severity.CONFLICT,
                "collection.full_images",
                f"collection.full_images = true keeps full scene images, but {profile.name} "
                f"allows plate crops only ({law.citation}): write full_images = false",
            )
