"""The public transparency report: what the system did in the last 30 days, in aggregates only.

Two steps, as everywhere: ``gather_counts`` reads plain numbers from the store, and
``transparency_report`` (pure) decides what of them may be published. Nothing here ever holds a
plate, an image reference, a username, a case number or a read id: the store is asked for counts,
hits are counted by status, and access-log entries only by purpose code, all in the database:
reads from the daily counts kept beside them, so that nothing here grows with the reads.

The small-count rule (docs/transparency.md): a count below ``min_count`` is published as "fewer
than N"; a category whose total is below ``min_count`` is not broken down; and where exactly one
part of a breakdown is small, the next smallest part is withheld too, so that the small one
cannot be found by subtracting the others from the total.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.collection import CollectionRules
from platekeeper.domain.hotlists import HitOutcome, HitStatus
from platekeeper.domain.policy import describe_age
from platekeeper.domain.recipients import SHARING_OFF, may_receive
from platekeeper.domain.retention import RetentionRule
from platekeeper.domain.sharing import EntityType, SharingRules
from platekeeper.policy.resolve import EffectivePolicy
from platekeeper.reports.exclusions import ExclusionFigure, exclusion_figures
from platekeeper.store import Store
from platekeeper.store.protocols import AccessFilter, HitFilter, HitTally, PolicyVersion

PERIOD = timedelta(days=30)
SEARCH_ACTION = "reads:search"
COMPLIANCE_ACTION = "reports:compliance"
"""The access-log action of a compliance report run: the last one dates the last audit."""


# --- what is gathered: plain numbers --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    entity_type: EntityType
    state: str | None


@dataclass(frozen=True, slots=True)
class LastAudit:
    at: datetime
    kind: str
    """``compliance-report`` (a report run, as logged) or ``checkpoint`` (the last signed
    checkpoint of the access log)."""


@dataclass(frozen=True, slots=True)
class TransparencyCounts:
    """Exact numbers from the store, never published as they are."""

    period_from: datetime
    period_to: datetime
    cameras_active: int
    cameras_total: int
    reads: int
    hits: int
    hits_by_status: Mapping[str, int]
    hits_by_outcome: Mapping[str, int]
    searches_by_purpose: Mapping[str, int]
    recipients: tuple[Recipient, ...]
    last_audit: LastAudit | None
    lists: tuple[ListChecked, ...] = ()
    """The hot lists reads were checked against in the period, with their hits (R37)."""
    exclusions: tuple[ExclusionFigure, ...] = ()
    """Hot-list records the law or the policy kept out in the period, by source file."""


HIT_MEASURES = ("made", "confirmed", "false", "pending")
"""A list's hits: made, and how they ended: confirmed (and not found false afterwards), false
(rejected as a misread, or found false after confirmation), still pending. The last three add
up to the first, so the small-count rule treats each list's row as a breakdown."""
COVERT_NAME = "covert list (name withheld)"
"""A covert list's name may tell who is under investigation: only its kind and category show."""


@dataclass(frozen=True, slots=True)
class ListChecked:
    """A hot list and its hits in the period: no entry, no plate, exact counts."""

    name: str
    kind: str
    """``agency``, ``manual``, ``state-feed`` or ``ncic``."""
    category: str
    hits: Mapping[str, int]
    """One count per ``HIT_MEASURES``."""


def gather_counts(
    store: Store,
    now: datetime,
    purposes: Sequence[str] = (),
    rules: SharingRules = SHARING_OFF,
    period: timedelta = PERIOD,
) -> TransparencyCounts:
    """Count from ``store`` what happened in the ``period`` (30 days) before ``now``.

    ``purposes`` are the authorised purpose codes, listed even when nobody searched for them.
    ``rules`` are the sharing rules in force: a recipient is listed as one that may receive data
    only where they let it receive something today (never one the law refuses, nor any while
    sharing is off).
    """
    since = now - period
    cameras = store.cameras.list()
    hits = store.hits.tally(HitFilter(since=since))
    by_status: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    for tally in hits:
        by_status[tally.status.value] += tally.hits
        if tally.outcome is not None:
            by_outcome[tally.outcome.value] += tally.hits
    return TransparencyCounts(
        period_from=since,
        period_to=now,
        cameras_active=sum(camera.status.value == "active" for camera in cameras),
        cameras_total=len(cameras),
        reads=sum(day.reads for day in store.reads.per_day(since)),
        hits=sum(tally.hits for tally in hits),
        hits_by_status=_complete(by_status, [s.value for s in HitStatus]),
        hits_by_outcome=_complete(by_outcome, [o.value for o in HitOutcome]),
        searches_by_purpose=_complete(_searches_by_purpose(store, since), purposes),
        recipients=tuple(
            Recipient(r.legal_name, r.entity_type, r.state)
            for r in store.recipients.list()
            if may_receive(rules, r, now.date())
        ),
        last_audit=_last_audit(store),
        lists=_lists_checked(store, now, hits),
        exclusions=exclusion_figures(store.hotlists.exclusions(None, since)),
    )


def _lists_checked(
    store: Store, now: datetime, hits: Sequence[HitTally]
) -> tuple[ListChecked, ...]:
    """Every list that existed by ``now`` (reads are matched against all of them), in name
    order, with the hits of the period counted by how they ended."""
    per_list: dict[str, Counter[str]] = {}
    for tally in hits:
        counted = per_list.setdefault(tally.list_id, Counter())
        counted["made"] += tally.hits
        counted[_ending(tally.status, tally.outcome)] += tally.hits
    lists = sorted(
        (hotlist for hotlist in store.hotlists.list() if hotlist.created_at <= now),
        key=lambda hotlist: (hotlist.covert, hotlist.name, hotlist.id),
    )
    return tuple(
        ListChecked(
            name=COVERT_NAME if hotlist.covert else hotlist.name,
            kind=hotlist.source.value,
            category=hotlist.category.value,
            hits=_complete(per_list.get(hotlist.id, Counter()), HIT_MEASURES),
        )
        for hotlist in lists
    )


def _ending(status: HitStatus, outcome: HitOutcome | None) -> str:
    if status is HitStatus.REJECTED or outcome is HitOutcome.FALSE_HIT:
        return "false"
    return "confirmed" if status is HitStatus.CONFIRMED else "pending"


def _searches_by_purpose(store: Store, since: datetime) -> Counter[str]:
    counted = store.access_log.count_by_purpose(
        AccessFilter(action=SEARCH_ACTION, outcome=AccessOutcome.ALLOWED, at_from=since)
    )
    searches: Counter[str] = Counter()
    for purpose, count in counted.items():
        searches[purpose or "none named"] += count
    return searches


def _last_audit(store: Store) -> LastAudit | None:
    runs = store.access_log.find(
        AccessFilter(action=COMPLIANCE_ACTION, outcome=AccessOutcome.ALLOWED, limit=1)
    )
    if runs:
        return LastAudit(runs[0].event.at, "compliance-report")
    checkpoint = store.access_log.last_checkpoint()
    return None if checkpoint is None else LastAudit(checkpoint.signed_at, "checkpoint")


def _complete(counts: Mapping[str, int], keys: Sequence[str]) -> dict[str, int]:
    """``counts`` with every key of ``keys`` present (zero where nothing was counted)."""
    return {**dict.fromkeys(keys, 0), **counts}


# --- what is published ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicCount:
    value: int | None
    """The count, or None where it is withheld."""
    text: str
    """As shown: "1,204", "fewer than 5" or "withheld"."""


@dataclass(frozen=True, slots=True)
class Breakdown:
    total: PublicCount
    parts: tuple[tuple[str, PublicCount], ...]
    """Empty when the total is too small to break down."""

    @property
    def broken_down(self) -> bool:
        return bool(self.parts)


def public_count(count: int, min_count: int) -> PublicCount:
    if count < min_count:
        return PublicCount(None, f"fewer than {min_count}")
    return PublicCount(count, f"{count:,}")


WITHHELD = PublicCount(None, "withheld")


def breakdown(parts: Mapping[str, int], min_count: int) -> Breakdown:
    """``parts`` and their total under the small-count rule (see the module's docstring)."""
    total = sum(parts.values())
    if total < min_count:
        return Breakdown(public_count(total, min_count), ())
    small = {key for key, count in parts.items() if count < min_count}
    withheld: set[str] = set()
    if len(small) == 1:
        others = sorted((count, key) for key, count in parts.items() if key not in small)
        withheld.add(others[0][1])
    shown = tuple(
        (key, WITHHELD if key in withheld else public_count(count, min_count))
        for key, count in parts.items()
    )
    return Breakdown(public_count(total, min_count), shown)


@dataclass(frozen=True, slots=True)
class PublicList:
    name: str
    kind: str
    category: str
    hits: tuple[tuple[str, PublicCount], ...]
    """One count per ``HIT_MEASURES``, under ``suppress_grid``."""


def suppress_grid(
    rows: Sequence[Mapping[str, int]], min_count: int
) -> list[dict[str, PublicCount]]:
    """The per-list hit table under the small-count rule, in both directions.

    Each row (made = confirmed + false + pending) and each column (a measure summed over the
    lists, which the totals elsewhere in the report give away) is an equation: where exactly
    one cell of an equation is hidden, the smallest shown cell of it is withheld too, and again
    until no equation has a single hidden cell, so that no hidden count is found by
    subtraction."""
    cells = {(r, m): row[m] for r, row in enumerate(rows) for m in HIT_MEASURES}
    hidden = {cell for cell, count in cells.items() if count < min_count}
    equations = [[(r, m) for m in HIT_MEASURES] for r in range(len(rows))]
    equations += [[(r, m) for r in range(len(rows))] for m in HIT_MEASURES]
    changed = True
    while changed:
        changed = False
        for equation in equations:
            shown = sorted((cells[cell], cell) for cell in equation if cell not in hidden)
            if shown and len(equation) - len(shown) == 1:
                hidden.add(shown[0][1])
                changed = True
    return [
        {
            m: WITHHELD
            if (r, m) in hidden and cells[(r, m)] >= min_count
            else public_count(cells[(r, m)], min_count)
            for m in HIT_MEASURES
        }
        for r in range(len(rows))
    ]


def public_lists(lists: Sequence[ListChecked], min_count: int) -> tuple[PublicList, ...]:
    table = suppress_grid([checked.hits for checked in lists], min_count)
    return tuple(
        PublicList(checked.name, checked.kind, checked.category, tuple(counts.items()))
        for checked, counts in zip(lists, table, strict=True)
    )


@dataclass(frozen=True, slots=True)
class RetentionPeriod:
    data_class: str
    max_age: str | None
    min_age: str | None
    source: str


@dataclass(frozen=True, slots=True)
class PolicyLink:
    url: str
    version: str
    sha256: str
    effective_on: str
    complete: bool


@dataclass(frozen=True, slots=True)
class Collection:
    """What the agency collects (R02, R28): the public should know whether it runs cameras,
    and whether images of a vehicle's occupants are kept."""

    mode: str
    """``operator`` or ``end-user`` (an agency that only queries others' ALPR information)."""
    full_images: bool
    """False when only the plate crop of a read is kept."""
    source: str


@dataclass(frozen=True, slots=True)
class TransparencyReport:
    generated_at: datetime
    period_from: datetime
    period_to: datetime
    min_count: int
    policy: PolicyLink | None
    retention: tuple[RetentionPeriod, ...]
    cameras_active: int
    cameras_total: int
    reads: PublicCount
    hits: PublicCount
    searches_by_purpose: Breakdown
    hits_by_status: Breakdown
    hits_by_outcome: Breakdown
    recipients: tuple[Recipient, ...]
    last_audit: LastAudit | None
    collection: Collection | None = None
    """None before a policy file exists."""
    lists: tuple[PublicList, ...] = ()
    exclusions: tuple[PublicExclusion, ...] = ()


@dataclass(frozen=True, slots=True)
class PublicExclusion:
    """Hot-list records kept out of the lists: where from, by which rule, how many."""

    source: str
    rule: str
    latest: PublicCount
    """Kept out at the latest import or refresh of the period."""
    times: int
    policy_versions: tuple[str, ...]


def public_exclusions(
    figures: Sequence[ExclusionFigure], min_count: int
) -> tuple[PublicExclusion, ...]:
    return tuple(
        PublicExclusion(
            f.source, f.rule, public_count(f.latest, min_count), f.times, f.policy_versions
        )
        for f in figures
    )


def transparency_report(
    counts: TransparencyCounts,
    *,
    min_count: int,
    retention: Sequence[RetentionRule] = (),
    policy: PolicyLink | None = None,
    collection: Collection | None = None,
) -> TransparencyReport:
    """What may be published of ``counts``: pure."""
    return TransparencyReport(
        generated_at=counts.period_to,
        period_from=counts.period_from,
        period_to=counts.period_to,
        min_count=min_count,
        policy=policy,
        retention=tuple(_period(rule) for rule in retention),
        # Cameras are equipment, not people's movements: counted exactly.
        cameras_active=counts.cameras_active,
        cameras_total=counts.cameras_total,
        reads=public_count(counts.reads, min_count),
        hits=public_count(counts.hits, min_count),
        searches_by_purpose=breakdown(counts.searches_by_purpose, min_count),
        hits_by_status=breakdown(counts.hits_by_status, min_count),
        hits_by_outcome=breakdown(counts.hits_by_outcome, min_count),
        recipients=counts.recipients,
        last_audit=counts.last_audit,
        collection=collection,
        lists=public_lists(counts.lists, min_count),
        exclusions=public_exclusions(counts.exclusions, min_count),
    )


def gather_transparency(
    store: Store,
    now: datetime,
    *,
    min_count: int,
    effective: EffectivePolicy | None,
    version: PolicyVersion | None,
    period: timedelta = PERIOD,
) -> TransparencyReport:
    """The public report of ``store`` at ``now`` on the ``period`` before it, under the policy
    in force (None: no policy file yet, so no retention periods and no link). The page shows
    the last 30 days; a scheduled publication covers the time since the one before it."""
    purposes = [] if effective is None else [purpose.code for purpose in effective.purposes]
    rules = SHARING_OFF if effective is None else effective.sharing
    counts = gather_counts(store, now, purposes, rules, period)
    if effective is None:
        return transparency_report(counts, min_count=min_count)
    return transparency_report(
        counts,
        min_count=min_count,
        retention=list(effective.retention.values()),
        policy=None if version is None else policy_link(version, complete=effective.complete),
        collection=collection_of(effective.collection),
    )


def collection_of(rules: CollectionRules) -> Collection:
    return Collection(rules.mode.value, rules.full_images and rules.collects, rules.source)


def policy_link(version: PolicyVersion, *, complete: bool, url: str = "/policy") -> PolicyLink:
    return PolicyLink(
        url=url,
        version=version.version,
        sha256=version.sha256,
        effective_on=version.rendered_at.date().isoformat(),
        complete=complete,
    )


def _period(rule: RetentionRule) -> RetentionPeriod:
    return RetentionPeriod(
        data_class=rule.data_class.value,
        max_age=describe_age(rule.max_age) if rule.max_age else None,
        min_age=describe_age(rule.min_age) if rule.min_age else None,
        source=rule.source,
    )


# --- the JSON feed --------------------------------------------------------------------------


def feed(report: TransparencyReport) -> dict[str, Any]:
    """The report as the JSON feed's document (docs/transparency.md lists its fields)."""
    return {
        "generated_at": report.generated_at.isoformat(),
        "period": {
            "from": report.period_from.isoformat(),
            "to": report.period_to.isoformat(),
            "days": (report.period_to - report.period_from).days,
        },
        "min_count": report.min_count,
        "policy": None if report.policy is None else _fields(report.policy),
        "retention": [_fields(period) for period in report.retention],
        "cameras": {"active": report.cameras_active, "total": report.cameras_total},
        "reads": _count(report.reads),
        "hits": _count(report.hits),
        "searches_by_purpose": _breakdown(report.searches_by_purpose),
        "hit_verification": {
            "by_status": _breakdown(report.hits_by_status),
            "by_outcome": _breakdown(report.hits_by_outcome),
        },
        "recipients": [
            {"name": r.name, "entity_type": r.entity_type.value, "state": r.state}
            for r in report.recipients
        ],
        "last_audit": None
        if report.last_audit is None
        else {"at": report.last_audit.at.isoformat(), "kind": report.last_audit.kind},
        "collection": None if report.collection is None else _fields(report.collection),
        "lists": [
            {
                "name": checked.name,
                "kind": checked.kind,
                "category": checked.category,
                "hits": {measure: _count(count) for measure, count in checked.hits},
            }
            for checked in report.lists
        ],
        "hotlist_exclusions": [
            {
                "source": excluded.source,
                "rule": excluded.rule,
                "latest": _count(excluded.latest),
                "times": excluded.times,
                "policy_versions": list(excluded.policy_versions),
            }
            for excluded in report.exclusions
        ],
    }


def _fields(value: PolicyLink | RetentionPeriod | Collection) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__slots__}


def _count(count: PublicCount) -> dict[str, Any]:
    return {"count": count.value, "text": count.text}


def _breakdown(value: Breakdown) -> dict[str, Any]:
    return {
        "total": _count(value.total),
        "broken_down": value.broken_down,
        "parts": [{"name": name, **_count(count)} for name, count in value.parts],
    }
