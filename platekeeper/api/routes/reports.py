"""Reports for auditors: the compliance report over a period, as JSON, HTML or PDF.

The report holds no plate data, so auditors read it with ``reports:read``; making one is an
entry ``reports:compliance`` in the access log. It covers the caller's agency only.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from platekeeper.domain.permissions import Permission
from platekeeper.http.auth import CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.reports.compliance import Period
from platekeeper.reports.compliance_service import compliance_report
from platekeeper.reports.render import ReportFormat, render

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        400: "The period is empty or longer than a year.",
        401: "Not signed in.",
        403: "Not an auditor.",
        503: "PDF rendering is not available on this server.",
    }.items()
}


@router.get(
    "/compliance",
    summary="The compliance report: the auditor's tests over a period, with findings",
    responses={
        **_ERRORS,
        200: {
            "description": "The report in the format asked for.",
            "content": {fmt.media_type.split(";")[0]: {} for fmt in ReportFormat},
        },
    },
    response_class=Response,
    dependencies=requires(Permission.REPORTS_READ),
)
def compliance(
    services: ServicesDep,
    caller: CallerDep,
    from_: Annotated[date, Query(alias="from", description="First day (UTC).")],
    to: Annotated[date, Query(description="Last day, included (UTC).")],
    output_format: Annotated[ReportFormat, Query(alias="format")] = ReportFormat.JSON,
    seed: Annotated[int | None, Query(ge=0, description="Seed of the review sample.")] = None,
) -> Response:
    period = Period.of_days(from_, to)
    report = compliance_report(
        services,
        period,
        caller.actor,
        client_address=caller.client_address,
        sample_seed=seed,
        output_format=output_format.value,
        scope=caller.scope,
    )
    document = render(report, output_format)
    return Response(
        document, media_type=output_format.media_type, headers={"Cache-Control": "no-store"}
    )
