"""Reports for auditors: the compliance report over a period, as JSON, HTML or PDF.

The report holds no plate data, so auditors read it with ``reports:read``; making one is an
entry ``reports:compliance`` in the access log. It covers the caller's agency only.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from platekeeper.api.schemas.audits import (
    FindingResolutionCreate,
    FindingResolutionPublic,
    SampleReviewCreate,
    SampleReviewPublic,
)
from platekeeper.domain.permissions import Permission
from platekeeper.http.auth import CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.reports.compliance import Period
from platekeeper.reports.compliance_service import compliance_report
from platekeeper.reports.findings import FindingDesk
from platekeeper.reports.render import ReportFormat, render
from platekeeper.reports.sample_review import SampleReviewDesk

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
    request: Request,
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
    # The PDF's evidence links lead to the pages of the server that made it.
    document = render(report, output_format, str(request.base_url))
    return Response(
        document, media_type=output_format.media_type, headers={"Cache-Control": "no-store"}
    )


_REVIEW_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "Not an auditor, or the auditor's own search.",
        404: "No such access-log entry in your agency.",
        422: "Not an allowed search, a note missing, or a note holding personal data.",
    }.items()
}


@router.post(
    "/sample-reviews",
    summary="Record the review of a sampled search: consistent, inconsistent or undetermined",
    status_code=status.HTTP_201_CREATED,
    response_model=SampleReviewPublic,
    responses=_REVIEW_ERRORS,
    dependencies=requires(Permission.REPORTS_READ),
)
def record_review(
    body: SampleReviewCreate, services: ServicesDep, caller: CallerDep
) -> SampleReviewPublic:
    desk = SampleReviewDesk(services.store, services.access_log, services.clock)
    return SampleReviewPublic.of(
        desk.review(caller.person, body.access_seq, body.verdict, body.note)
    )


@router.get(
    "/sample-reviews",
    summary="The reviews of sampled searches recorded in your agency, oldest first",
    response_model=list[SampleReviewPublic],
    responses=_REVIEW_ERRORS,
    dependencies=requires(Permission.REPORTS_READ),
)
def list_reviews(services: ServicesDep, caller: CallerDep) -> list[SampleReviewPublic]:
    desk = SampleReviewDesk(services.store, services.access_log, services.clock)
    return [SampleReviewPublic.of(review) for review in desk.reviews(caller.person)]


_RESOLVE_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "Not a custodian or supervisor, or the auditor who made the report.",
        404: "No report of your agency on that period found that code.",
        422: "Already resolved, or the text holds personal data.",
    }.items()
}


@router.post(
    "/finding-resolutions",
    summary="Mark a finding of a compliance report resolved: who, when and how",
    status_code=status.HTTP_201_CREATED,
    response_model=FindingResolutionPublic,
    responses=_RESOLVE_ERRORS,
    dependencies=requires(Permission.FINDINGS_RESOLVE),
)
def resolve_finding(
    body: FindingResolutionCreate, services: ServicesDep, caller: CallerDep
) -> FindingResolutionPublic:
    desk = FindingDesk(services.store, services.access_log, services.clock)
    period = Period.of_days(body.period_from, body.period_to)
    return FindingResolutionPublic.of(desk.resolve(caller.person, period, body.code, body.how))


@router.get(
    "/finding-resolutions",
    summary="The findings resolved in your agency, oldest first",
    response_model=list[FindingResolutionPublic],
    responses=_RESOLVE_ERRORS,
    dependencies=requires(Permission.FINDINGS_RESOLVE),
)
def list_resolutions(services: ServicesDep, caller: CallerDep) -> list[FindingResolutionPublic]:
    desk = FindingDesk(services.store, services.access_log, services.clock)
    return [FindingResolutionPublic.of(found) for found in desk.resolutions(caller.person)]
