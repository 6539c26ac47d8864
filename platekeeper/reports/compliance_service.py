"""Generating a compliance report: gather the facts, run the tests, and log the access.

A report reads the whole access log and every account, so making one is itself an access:
one entry ``reports:compliance`` in the access log, with the period and the summary. Each run is
also kept with the codes it found (``audit_runs``, R33): a finding is resolved against its run,
and the last run is when the agency was last audited.
"""

from __future__ import annotations

import dataclasses
import uuid

from platekeeper.domain.access import AccessEvent, AccessOutcome, Actor
from platekeeper.domain.audit_findings import AuditRun
from platekeeper.domain.scope import AgencyScope
from platekeeper.reports.compliance import ComplianceReport, Period
from platekeeper.reports.compliance_checks import run_checks
from platekeeper.reports.gather import ReportSources, gather

REPORT_ACTION = "reports:compliance"


def compliance_report(
    sources: ReportSources,
    period: Period,
    actor: Actor,
    *,
    client_address: str | None = None,
    sample_seed: int | None = None,
    output_format: str = "json",
    scope: AgencyScope | None = None,
) -> ComplianceReport:
    """The report on ``period`` for ``actor``'s agency, or for ``scope`` when given (the
    console's report covers every agency), logged as their access."""
    scope = scope or AgencyScope.of(actor)
    report = run_checks(gather(sources, period, sample_seed, scope))
    agency = None if scope.agency_id is None else sources.store.agencies.get(scope.agency_id)
    if agency is not None:
        report = dataclasses.replace(report, time_zone=agency.time_zone)
    sources.store.audit_runs.add(
        AuditRun(
            id=str(uuid.uuid4()),
            agency_id=scope.agency_id,
            period_start=period.start,
            period_end=period.end,
            run_by=actor.username,
            run_at=sources.clock.now(),
            codes=tuple(dict.fromkeys(finding.code for finding in report.findings)),
        )
    )
    sources.access_log.record(
        AccessEvent(
            at=sources.clock.now(),
            actor=actor,
            action=REPORT_ACTION,
            outcome=AccessOutcome.ALLOWED,
            reason=report.summary(),
            query={
                "from": period.start.isoformat(),
                "to": period.end.isoformat(),
                "format": output_format,
                "sample_seed": str(report.sample.seed),
            },
            client_address=client_address,
        )
    )
    return report
