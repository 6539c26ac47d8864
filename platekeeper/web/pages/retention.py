"""Retention for auditors: the rules in force per data class, what the purge would take now, the
oldest non-hit read still kept, and the purge ledger.

None of it holds plate data (counts, capture-time ranges, capture days), so ``reports:read``
opens it, as it opens the same data over the API (``/api/v1/retention/purges``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from platekeeper.domain.permissions import Permission
from platekeeper.domain.policy import describe_age
from platekeeper.domain.purges import PurgeLedgerEntry
from platekeeper.domain.retention import DataClass, RetentionRule
from platekeeper.http.auth import CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.retention.plan import PurgePlan
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
class Retention:
    rules: list[ClassRule]
    plan: PurgePlan
    oldest_non_hit_day: date | None
    runs: list[PurgeLedgerEntry]


@router.get(
    "/retention", response_class=HTMLResponse, dependencies=requires(Permission.REPORTS_READ)
)
def retention(request: Request, services: ServicesDep, caller: CallerDep) -> HTMLResponse:
    person(caller)
    shown = _retention(services)
    return render(request, "pages/retention/retention.html", {"retention": shown}, caller=caller)


def _retention(services: Services) -> Retention:
    oldest = services.purge.oldest_surviving(DataClass.NON_HIT_READS)
    return Retention(
        rules=[ClassRule(data_class, _rule(services, data_class)) for data_class in DataClass],
        plan=services.purge.plan(),
        oldest_non_hit_day=None if oldest is None else oldest.date(),
        runs=services.store.purge_ledger.list(LEDGER_RUNS),
    )


def _rule(services: Services, data_class: DataClass) -> RetentionRule | None:
    """The rule the purge enforces; for the access log, which purges itself, the policy's rule
    or else ``audit.retention_days`` (as ``build_services`` wires it)."""
    rule = services.purge.rules.get(data_class)
    if rule is None and data_class is DataClass.ACCESS_LOG:
        days = services.settings.audit.retention_days
        return RetentionRule(data_class, timedelta(days=days), "settings [audit] retention_days")
    return rule
