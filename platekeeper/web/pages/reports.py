"""Reports: for auditors, the compliance report over a chosen period (a page of its own, with the
PDF and JSON the API serves; each opened makes one ``reports:compliance`` entry in the access
log) and the access-log entries it names as evidence; for custodians and auditors, the usage and
privacy policy and the public transparency page.

The compliance report reads the access log, so it stays the auditor's (``reports:read``): a
custodian is told whose it is, not shown it.
"""

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
from platekeeper.reports.compliance_service import compliance_report
from platekeeper.reports.render import ReportFormat, render_body
from platekeeper.web.pages.admin import may
from platekeeper.web.pages.caller import person
from platekeeper.web.rendering import render

router = APIRouter(include_in_schema=False)

COMPLIANCE_URL = "/api/v1/reports/compliance"
COMPLIANCE_PAGE = "/reports/compliance"
MAX_EVIDENCE = 200
"""The most access-log entries one evidence page shows."""
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


@router.get("/reports", response_class=HTMLResponse, dependencies=requires(Permission.RECORDS_VIEW))
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
    may_report = may(caller, Permission.REPORTS_READ)
    context: dict[str, object] = {"first": first, "last": last, "may_report": may_report}
    status_code = 200
    try:
        context["links"] = compliance_links(first, last) if may_report else []
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
        ReportLink(label, _report_url(first, last, fmt)) for fmt, label in FORMAT_LABELS.items()
    ]


def _report_url(first: str, last: str, fmt: ReportFormat) -> str:
    """The HTML report is a page of its own; the PDF and JSON are the API's downloads."""
    if fmt is ReportFormat.HTML:
        return f"{COMPLIANCE_PAGE}?{urlencode({'from': first, 'to': last})}"
    return f"{COMPLIANCE_URL}?{urlencode({'from': first, 'to': last, 'format': fmt.value})}"


@router.get(
    COMPLIANCE_PAGE, response_class=HTMLResponse, dependencies=requires(Permission.REPORTS_READ)
)
def compliance_page(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    first: Annotated[str, Query(alias="from", max_length=32)] = "",
    last: Annotated[str, Query(alias="to", max_length=32)] = "",
) -> HTMLResponse:
    """The compliance report in the pages' frame, with its downloads and the way back."""
    person(caller)
    links = compliance_links(first.strip(), last.strip())
    period = Period.of_days(date.fromisoformat(first.strip()), date.fromisoformat(last.strip()))
    report = compliance_report(
        services,
        period,
        caller.actor,
        client_address=caller.client_address,
        output_format=ReportFormat.HTML.value,
        scope=caller.scope,
    )
    context = {
        "first": first.strip(),
        "last": last.strip(),
        "body": render_body(report),
        "downloads": [link for link in links if not link.href.startswith(COMPLIANCE_PAGE)],
    }
    return render(request, "pages/reports/compliance.html", context, caller=caller)


@router.get(
    "/reports/evidence", response_class=HTMLResponse, dependencies=requires(Permission.AUDIT_READ)
)
def evidence(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    seq: Annotated[list[int] | None, Query()] = None,
) -> HTMLResponse:
    """The access-log entries a report names as evidence, as the log shows them to auditors:
    the caller's agency's only, and reading them is itself an entry in the log."""
    person(caller)
    wanted = list(dict.fromkeys(seq or []))[:MAX_EVIDENCE]
    log = services.access_log
    log.record_reading(
        caller.actor,
        "read entries named as evidence",
        {"seqs": ",".join(map(str, wanted))},
        caller.client_address,
    )
    entries = log.records_for(caller.scope, wanted)
    found = {entry.seq for entry in entries}
    context = {"entries": entries, "missing": [number for number in wanted if number not in found]}
    return render(request, "pages/reports/evidence.html", context, caller=caller)
