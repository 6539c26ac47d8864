"""Resolving the findings of a compliance report (R33): who, when and how.

A finding is identified by its code and the report's period: the last report made for that
period in the agency that found the code (``audit_runs``, recorded by every report made). Only a
custodian or a supervisor (``findings:resolve``) resolves one, of their own agency
(``AgencyScope``), and never the auditor who made the report: one does not close one's own
findings. How it was resolved goes through the personal-data check, as every free-text field
does. Each resolution, and each refusal, is an entry in the access log.
"""

from __future__ import annotations

import uuid

from platekeeper.domain.access import AccessSink
from platekeeper.domain.audit_findings import AuditRun, FindingResolution
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.permissions import Permission
from platekeeper.domain.personal_data import refuse_personal_data
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import InvalidInput, NotFound, PermissionDenied
from platekeeper.reports.compliance import Period
from platekeeper.store import Store

RESOLVE_ACTION = "reports:resolve-finding"


class FindingDesk:
    def __init__(self, store: Store, log: AccessSink, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._gate = AccessGate(log, clock)

    def resolve(self, who: Person, period: Period, code: str, how: str) -> FindingResolution:
        """Mark finding ``code`` of the report on ``period`` resolved, saying ``how``."""
        query = {"code": code, "from": period.start.isoformat(), "to": period.end.isoformat()}
        access = _access(who, query)

        def recorded(_: object) -> FindingResolution:
            run = self._run(who, period, code)
            now = self._clock.now()
            if not how.strip():
                raise InvalidInput(
                    "say how the finding was resolved",
                    hint="Add --how with what was done (no names).",
                )
            refuse_personal_data(how, "resolution", today=now.date())
            resolution = FindingResolution(
                id=str(uuid.uuid4()),
                agency_id=who.actor.agency_id,
                run_id=run.id,
                code=code,
                how=how.strip(),
                resolved_by=who.actor.username,
                resolved_at=now,
            )
            self._store.finding_resolutions.add(resolution)
            return resolution

        resolution = self._gate.check(access, recorded)
        self._gate.allowed(access, reason=f"finding {code} of report {resolution.run_id} resolved")
        return resolution

    def resolutions(self, who: Person) -> list[FindingResolution]:
        access = _access(who, {})
        self._gate.check(access)
        found = self._store.finding_resolutions.list(AgencyScope.of(who.actor).agency_id)
        self._gate.allowed(access, reason=f"{len(found)} resolutions shown")
        return found

    def _run(self, who: Person, period: Period, code: str) -> AuditRun:
        """The agency's last report on ``period`` that found ``code``, unresolved, not made by
        ``who``."""
        scope = AgencyScope.of(who.actor)
        runs = self._store.audit_runs.list(scope.agency_id, (period.start, period.end))
        found = [run for run in runs if code in run.codes]
        if not found:
            raise NotFound(
                f"no compliance report on {period.start:%Y-%m-%d} to {period.end:%Y-%m-%d} "
                f"found {code!r}",
                hint="Name a code the report on that period listed, with its --from and --to.",
            )
        run = found[-1]
        if run.run_by == who.actor.username:
            raise PermissionDenied(
                "the auditor who made a report does not resolve its findings",
                hint="Ask a custodian or a supervisor of the agency to resolve it.",
            )
        done = self._store.finding_resolutions.list(scope.agency_id, run.id)
        if any(resolution.code == code for resolution in done):
            raise InvalidInput(
                f"finding {code!r} of that report is already resolved",
                hint="Make a new report to see whether it is still found.",
            )
        return run


def _access(who: Person, query: dict[str, str]) -> Access:
    return Access(who, Stated(), Permission.FINDINGS_RESOLVE, query, step=RESOLVE_ACTION)
