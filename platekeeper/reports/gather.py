"""Reads, once, what the compliance tests need for a period: the only part of the report that
touches the store.

Queries are bounded by the period (the access log is scanned from the last entry before it;
hits, purge runs and share requests are listed since its start, within fixed limits) except
where the test is a walk by nature: the chain verification and the personal-data check of every
hot-list entry. Plate text is read here only where the store hands whole records (access-log
entries for the misuse signals, hot-list entries for the personal-data check, share requests)
and never leaves: the ``Facts`` hold ids, times, counts and usernames.

A report covers one agency (``domain.scope.AgencyScope``, from the person asking): its people's
access-log entries and signals, its accounts, holds, hits, hot lists, recipients, shares and
reads per day. The chain's verification, the purge runs and the retention in force are the
server's, shared by every agency, and hold no agency's data. The console's report covers all.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Protocol

from platekeeper.audit import AccessLog
from platekeeper.audit.log import entries_between
from platekeeper.audit.signals import find_signals
from platekeeper.config import Settings
from platekeeper.domain.access import AccessRecord
from platekeeper.domain.audit_findings import audit_interval_months
from platekeeper.domain.hotlists import Hotlist, HotlistEntry
from platekeeper.domain.people import Account, AccountStatus
from platekeeper.domain.personal_data import compile_name_patterns, find_personal_data
from platekeeper.domain.purposes import CaseNumberFormat
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import NotFound
from platekeeper.policy.effective import load_effective, policy_path
from platekeeper.policy.resolve import EffectivePolicy
from platekeeper.reports.compliance import (
    AccessFact,
    CredentialFact,
    DayCount,
    EntryFact,
    Facts,
    HitFact,
    HoldFact,
    Period,
    PersonalDataFact,
)
from platekeeper.reports.publisher import schedule_for
from platekeeper.retention.purge import PurgeService
from platekeeper.store import Store
from platekeeper.store.protocols import HitFilter

SCAN_BATCH = 5000
MAX_HITS = 100_000
MAX_SHARES = 10_000
MAX_HOLDS = 10_000
DEFAULT_SAMPLE_SIZE = 50


class ReportSources(Protocol):
    """What the report reads: ``platekeeper.services.Services`` is one."""

    @property
    def settings(self) -> Settings: ...
    @property
    def store(self) -> Store: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def access_log(self) -> AccessLog: ...
    @property
    def purge(self) -> PurgeService: ...


def default_seed(period: Period) -> int:
    """The sample's seed when none is given: from the period, so a rerun draws the same."""
    text = f"{period.start.isoformat()}/{period.end.isoformat()}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:4], "big")


def gather(
    sources: ReportSources,
    period: Period,
    sample_seed: int | None = None,
    scope: AgencyScope | None = None,
) -> Facts:
    """The facts of ``period`` for ``scope`` (every agency's without one: the console)."""
    scope = scope or AgencyScope.whole_system()
    now = sources.clock.now()
    settings = sources.settings
    store = sources.store
    policy = _policy(settings, now.date())
    records = list(_period_records(store, period, scope))
    hotlists = store.hotlists.list(scope.agency_id)
    list_ids = {hotlist.id for hotlist in hotlists}
    hits = _hits(store, period, list_ids)
    published = store.policy_versions.latest()
    personal, unexpiring, checked = _walk_entries(store, settings, now.date(), hotlists)
    accounts = store.accounts.list(scope.agency_id)
    return Facts(
        now=now,
        period=period,
        policy=policy,
        policy_sha256=_file_sha256(settings) if policy is not None else None,
        published_sha256=None if published is None else published.sha256,
        published_version=None if published is None else published.version,
        case_format=CaseNumberFormat(
            settings.access.case_number_pattern, settings.access.case_number_example
        ),
        retention_in_force=dict(sources.purge.rules),
        oldest_non_hit=store.reads.oldest(hit_reads=False),
        purge_runs=tuple(store.purge_ledger.list(limit=_ledger_limit(settings, period, now))),
        purge_interval=timedelta(minutes=settings.retention.purge_interval_minutes),
        holds=tuple(_holds(store, scope)),
        days=tuple(_days(store, period, hits, scope)),
        hits=tuple(hits),
        accesses=tuple(_fact(record) for record in records),
        accounts=tuple(accounts),
        max_idle=timedelta(days=settings.accounts.max_idle_days),
        credentials=tuple(_credentials(store, now, accounts)),
        signals=tuple(find_signals(records, settings.audit, now)),
        recipients=tuple(store.recipients.list(scope.agency_id)),
        shares=tuple(
            replace(share, plate=None)
            for share in store.share_requests.list(scope.agency_id, limit=MAX_SHARES)
            if share.requested_at in period
        ),
        max_reads_per_request=settings.sharing.max_reads_per_request,
        verification=sources.access_log.verify(),
        hotlists=tuple(hotlists),
        expired_active=tuple(
            EntryFact(entry.id, entry.list_id, entry.expires_at)
            for entry in store.hotlist_entries.active(now)
            if entry.list_id in list_ids
            and entry.expires_at is not None
            and entry.expires_at <= now
        ),
        personal_data=personal,
        entries_checked=checked,
        sample_seed=default_seed(period) if sample_seed is None else sample_seed,
        sample_size=(policy and policy.policy.monitoring.sample_size) or DEFAULT_SAMPLE_SIZE,
        unexpiring=unexpiring,
        publication=schedule_for(settings, store),
        last_publication=_last_publication(store),
        operating_since=_operating_since(store),
        last_audit=_last_audit(store, scope),
        audit_months=audit_interval_months(
            policy.policy.monitoring.audit_schedule if policy is not None else ""
        ),
        exclusions=tuple(store.hotlists.exclusions(scope.agency_id, period.start, period.end)),
    )


def _last_publication(store: Store) -> datetime | None:
    last = store.transparency_snapshots.latest()
    return None if last is None else last.published_at


def _last_audit(store: Store, scope: AgencyScope) -> datetime | None:
    last = store.audit_runs.latest(scope.agency_id)
    return None if last is None else last.run_at


def _operating_since(store: Store) -> datetime | None:
    first = store.access_log.scan(0, 1)
    return first[0].event.at if first else None


def _policy(settings: Settings, today: date) -> EffectivePolicy | None:
    try:
        return load_effective(settings, today)
    except NotFound:
        return None


def _file_sha256(settings: Settings) -> str | None:
    try:
        return hashlib.sha256(policy_path(settings).read_bytes()).hexdigest()
    except OSError:
        return None


def _period_records(store: Store, period: Period, scope: AgencyScope) -> Iterator[AccessRecord]:
    """The period's entries of ``scope`` in stored order."""
    for record in entries_between(store.access_log, period.start, period.end):
        if scope.admits(record.event.actor.agency_id):
            yield record


def _fact(record: AccessRecord) -> AccessFact:
    event = record.event
    return AccessFact(
        seq=record.seq,
        at=event.at,
        username=event.actor.username,
        action=event.action,
        outcome=event.outcome,
        purpose_code=event.purpose_code,
        case_number=event.case_number,
    )


def _ledger_limit(settings: Settings, period: Period, now: datetime) -> int:
    """Enough runs to reach back to the period's start at the interval, and some to spare."""
    span = max(now, period.end) - period.start
    interval = timedelta(minutes=settings.retention.purge_interval_minutes)
    return min(int(span / interval) * 3 + 100, 100_000)


def _holds(store: Store, scope: AgencyScope) -> Iterator[HoldFact]:
    for hold in store.legal_holds.list(scope.agency_id, limit=MAX_HOLDS):
        yield HoldFact(
            id=hold.id,
            case_number=hold.case_number,
            expires_at=hold.expires_at,
            approved=hold.approved_at is not None,
            closed=hold.released_at is not None,
        )


def _days(
    store: Store, period: Period, hits: list[HitFact], scope: AgencyScope
) -> Iterator[DayCount]:
    """Reads per capture day (the store's daily counts, whole days there and the period's
    partial first and last day on the reads) of the agency's cameras or all, and hits per day
    of making."""
    hits_by_day = Counter(hit.created_at.date() for hit in hits)
    reads_by_day = {
        counted.day: counted.reads
        for counted in store.reads.per_day(period.start, period.end, scope.agency_id)
    }
    for day in period.days():
        yield DayCount(day, reads_by_day.get(day, 0), hits_by_day.get(day, 0))


def _hits(store: Store, period: Period, list_ids: set[str]) -> list[HitFact]:
    return [
        HitFact(
            hit.id,
            hit.created_at,
            hit.status.value,
            None if hit.outcome is None else hit.outcome.value,
            None if hit.rejection_reason is None else hit.rejection_reason.value,
        )
        for hit in store.hits.list(HitFilter(since=period.start, list_ids=list_ids, limit=MAX_HITS))
        if hit.created_at in period
    ]


def _credentials(store: Store, now: datetime, accounts: list[Account]) -> Iterator[CredentialFact]:
    for account in accounts:
        if account.status is not AccountStatus.DEACTIVATED:
            continue
        sessions = [s for s in store.sessions.list(account.id) if now < s.expires_at]
        tokens = [t for t in store.api_tokens.list(account.id) if t.usable_at(now)]
        yield CredentialFact(account.username, len(sessions), len(tokens))


def _walk_entries(
    store: Store, settings: Settings, today: date, hotlists: list[Hotlist]
) -> tuple[tuple[PersonalDataFact, ...], tuple[EntryFact, ...], int]:
    """Every entry of ``hotlists`` once: the personal data found, the entries that never
    expire, and how many were checked."""
    names = compile_name_patterns(settings.hotlists.personal_name_patterns)
    found: list[PersonalDataFact] = []
    unexpiring: list[EntryFact] = []
    checked = 0
    for hotlist in hotlists:
        offset = 0
        while page := store.hotlist_entries.list(hotlist.id, limit=SCAN_BATCH, offset=offset):
            offset += len(page)
            checked += len(page)
            for entry in page:
                found += _entry_personal_data(entry, names, today)
                if entry.expires_at is None:
                    unexpiring.append(EntryFact(entry.id, entry.list_id, None))
    return tuple(found), tuple(unexpiring), checked


def _entry_personal_data(
    entry: HotlistEntry, names: Sequence[re.Pattern[str]], today: date
) -> list[PersonalDataFact]:
    found = []
    for field, text in (("reason", entry.reason), ("note", entry.note)):
        hits = find_personal_data(text or "", names, today=today)
        if hits:
            where = f"in its {field}: " + ", ".join(h.described for h in hits)
            found.append(PersonalDataFact(entry.id, entry.list_id, where))
    return found
