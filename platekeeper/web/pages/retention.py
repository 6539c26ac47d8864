"""Retention for the custodian who keeps the records and the auditor who checks them: the rules
in force per data class, what the purge would take now and what legal holds keep from it, the
oldest non-hit read still kept, when the purge runs next, a dry run on demand, and the ledger.

None of it holds plate data (counts, capture-time ranges, capture days), so ``records:view``
opens it. A dry run deletes nothing; like every purge it is a ledger entry and an access-log
entry in the name of the person who ran it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from platekeeper.domain.permissions import Permission
from platekeeper.domain.policy import describe_age
from platekeeper.domain.purges import PurgeLedgerEntry
from platekeeper.domain.retention import DataClass, RetentionRule
from platekeeper.http.auth import CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.retention.plan import PurgePlan, purge_interval
from platekeeper.services import Services
from platekeeper.web.pages.caller import person
from platekeeper.web.rendering import render

router = APIRouter(include_in_schema=False)

LEDGER_RUNS = 50
"""The purge runs shown, newest first."""


@dataclass(frozen=True, slots=True)
class ClassRule:
    """One data class and the rule that holds it, if any, in words."""

    data_class: DataClass
    rule: RetentionRule | None

    @property
    def max_age(self) -> str:
        if self.rule is None:
            return "not set"
        if self.rule.max_age is None:
            return "no limit"
        return describe_age(self.rule.max_age)

    @property
    def min_age(self) -> str:
        if self.rule is None or self.rule.min_age is None:
            return ""
        return describe_age(self.rule.min_age)


@dataclass(frozen=True, slots=True)
class NextPurge:
    """When the purge of reads runs next: ``interval`` after the last real run."""

    interval: timedelta
    last_run: datetime | None
    now: datetime

    @property
    def every(self) -> str:
        return describe_age(self.interval)

    @property
    def at(self) -> datetime | None:
        return None if self.last_run is None else self.last_run + self.interval

    @property
    def overdue(self) -> bool:
        """Past two intervals without a run: the server that purges is not running."""
        return self.last_run is not None and self.now - self.last_run > 2 * self.interval


@dataclass(frozen=True, slots=True)
class Retention:
    rules: list[ClassRule]
    plan: PurgePlan
    held_back: dict[str, int]
    """Per data class (its value), the due reads that legal holds keep."""
    oldest_non_hit_day: date | None
    next_purge: NextPurge
    runs: list[PurgeLedgerEntry]
    dry_run: PurgeLedgerEntry | None
    """The dry run this person just asked for, shown first."""


_VIEW = requires(Permission.RECORDS_VIEW)


@router.get("/retention", response_class=HTMLResponse, dependencies=_VIEW)
def retention(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    dry_run: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    person(caller)
    shown = _retention(services, dry_run)
    return render(request, "pages/retention/retention.html", {"retention": shown}, caller=caller)


@router.post("/retention/dry-run", dependencies=_VIEW)
def dry_run(services: ServicesDep, caller: CallerDep) -> RedirectResponse:
    """Count what the purge would take now, delete nothing; the result is a ledger entry."""
    person(caller)
    report = services.purge.run(dry_run=True, actor=caller.actor)
    return RedirectResponse(
        f"/retention?dry_run={report.entry.id}#dry-run", status_code=status.HTTP_303_SEE_OTHER
    )


def _retention(services: Services, dry_run_id: str | None) -> Retention:
    oldest = services.purge.oldest_surviving(DataClass.NON_HIT_READS)
    runs = services.store.purge_ledger.list(LEDGER_RUNS)
    return Retention(
        rules=[ClassRule(data_class, _rule(services, data_class)) for data_class in DataClass],
        plan=services.purge.plan(),
        held_back={kind.value: count for kind, count in services.purge.held_back().items()},
        oldest_non_hit_day=None if oldest is None else oldest.date(),
        next_purge=_next_purge(services, runs),
        runs=runs,
        dry_run=next((run for run in runs if run.id == dry_run_id and run.dry_run), None),
    )


def _next_purge(services: Services, runs: list[PurgeLedgerEntry]) -> NextPurge:
    configured = timedelta(minutes=services.settings.retention.purge_interval_minutes)
    last = next((run.started_at for run in runs if not run.dry_run), None)
    return NextPurge(purge_interval(services.purge.rules, configured), last, services.clock.now())


def _rule(services: Services, data_class: DataClass) -> RetentionRule | None:
    """The rule the purge enforces; for the access log, which purges itself, the policy's rule
    or else ``audit.retention_days`` (as ``build_services`` wires it)."""
    rule = services.purge.rules.get(data_class)
    if rule is None and data_class is DataClass.ACCESS_LOG:
        days = services.settings.audit.retention_days
        return RetentionRule(data_class, timedelta(days=days), "settings [audit] retention_days")
    return rule
