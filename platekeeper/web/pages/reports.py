"""Reports for auditors: the compliance report over a chosen period (served by the API as HTML,
PDF or JSON, each making one ``reports:compliance`` entry in the access log when opened), the
usage and privacy policy, and the public transparency page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from platekeeper.domain.permissions import Permission
from platekeeper.errors import FieldError, InvalidInput
from platekeeper.http.auth import CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.reports.compliance import Period
from platekeeper.reports.render import ReportFormat
from platekeeper.web.pages.caller import person
from platekeeper.web.rendering import render

router = APIRouter(include_in_schema=False)

COMPLIANCE_URL = "/api/v1/reports/compliance"
DEFAULT_DAYS = 30
"""The period offered first: the last 30 days, today included."""
FORMAT_LABELS = {
    ReportFormat.HTML: "Web page (HTML)",
    ReportFormat.PDF: "PDF",
    ReportFormat.JSON: "Data (JSON)",
}


@dataclass(frozen=True, slots=True)
class ReportLink:
    label: str
    href: str


@router.get("/reports", response_class=HTMLResponse, dependencies=requires(Permission.REPORTS_READ))
async def reports(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    first: Annotated[str, Query(alias="from", max_length=32)] = "",
    last: Annotated[str, Query(alias="to", max_length=32)] = "",
) -> HTMLResponse:
    person(caller)
    today = services.clock.now().date()
    first = first.strip() or (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
    last = last.strip() or today.isoformat()
    context: dict[str, object] = {"first": first, "last": last}
    status_code = 200
    try:
        context["links"] = compliance_links(first, last)
    except InvalidInput as error:
        context |= {"error": error, "fields": {f.location: f.message for f in error.fields}}
        status_code = 422
    template = "pages/reports/reports.html"
    return render(request, template, context, caller=caller, status_code=status_code)


def compliance_links(first: str, last: str) -> list[ReportLink]:
    """The compliance report from day ``first`` to day ``last`` in each format; ``InvalidInput``
    when a day does not parse or the period is empty or too long."""
    days: dict[str, date] = {}
    problems: list[FieldError] = []
    for field, value in (("from", first), ("to", last)):
        try:
            days[field] = date.fromisoformat(value)
        except ValueError:
            problems.append(FieldError(field, f"{value!r} is not a day (YYYY-MM-DD)"))
    if problems:
        raise InvalidInput("the period is not valid", hint="Give both days.", fields=problems)
    try:
        Period.of_days(days["from"], days["to"])
    except InvalidInput as error:
        raise InvalidInput(
            error.message, hint="Choose a last day on or after the first, a year at most apart."
        ) from None
    return [
        ReportLink(
            label,
            f"{COMPLIANCE_URL}?{urlencode({'from': first, 'to': last, 'format': fmt.value})}",
        )
        for fmt, label in FORMAT_LABELS.items()
    ]
