"""``platekeeper incident``, ``platekeeper records-request`` and ``platekeeper read correct``:
the breach workflow, the public-records register and corrections of misreads. Each acts for a
person who signs in (``--as``); the services decide and log every step."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from platekeeper.cli.console import out
from platekeeper.cli.context import open_current, state
from platekeeper.cli.identity import AsOption
from platekeeper.cli.identity import person as _person
from platekeeper.domain.breaches import NoticeContent
from platekeeper.domain.gate import Stated
from platekeeper.domain.records_requests import parse_exemption
from platekeeper.reports.records_figures import available_figures
from platekeeper.services import Services

incident_app = typer.Typer(help="Security incidents: detect, record, notify.", no_args_is_help=True)
records_app = typer.Typer(help="Public-records (CPRA) requests.", no_args_is_help=True)
read_app = typer.Typer(help="Stored reads: correct a misread.", no_args_is_help=True)


class Outcome(StrEnum):
    BREACH = "breach"
    NOT_A_BREACH = "not-a-breach"


@contextmanager
def _services(ctx: typer.Context) -> Iterator[Services]:
    services = open_current(state(ctx).settings())
    try:
        yield services
    finally:
        services.close()


@incident_app.command("report")
def report(ctx: typer.Context, summary: str, username: AsOption = None) -> None:
    """Record a suspected breach (a lost device, a vendor's notice, a complaint)."""
    with _services(ctx) as services:
        incident = services.breaches.report(_person(services, username), summary)
        due = incident.notice_due(services.breaches.notice_target).date()
    out.print(f"Incident [bold]{incident.id}[/] recorded; notice target {due}.")


@incident_app.command("list")
def list_incidents(ctx: typer.Context, username: AsOption = None) -> None:
    """The incidents of your agency, with the notice clock."""
    with _services(ctx) as services:
        incidents = services.breaches.list(_person(services, username))
        overdue = {i.id for i in services.breaches.overdue(incidents)}
        target = services.breaches.notice_target
    table = Table("id", "source", "status", "discovered", "notice due", "summary")
    for i in incidents:
        due = i.notice_due(target).date().isoformat() + (" OVERDUE" if i.id in overdue else "")
        table.add_row(
            i.id,
            i.source.value,
            i.status.value,
            i.discovered_at.isoformat(),
            due,
            escape(i.summary),
        )
    out.print(table)


@incident_app.command("assess")
def assess(
    ctx: typer.Context,
    incident_id: str,
    reason: Annotated[str, typer.Option(help="Why: what was found.")],
    outcome: Annotated[Outcome, typer.Option(help="A breach, or none.")],
    data_involved: Annotated[str, typer.Option(help="Which data was involved.")] = "",
    reads_affected: Annotated[int | None, typer.Option(min=0)] = None,
    people_affected: Annotated[int | None, typer.Option(min=0)] = None,
    california_residents: Annotated[int | None, typer.Option(min=0)] = None,
    law_enforcement_delay: Annotated[
        str | None, typer.Option(help="A law enforcement agency asked to delay notice: why.")
    ] = None,
    username: AsOption = None,
) -> None:
    """Confirm an incident as a breach, with its extent, or close it as none."""
    with _services(ctx) as services:
        incident = services.breaches.assess(
            _person(services, username),
            incident_id,
            breach=outcome is Outcome.BREACH,
            reason=reason,
            data_involved=data_involved,
            reads_affected=reads_affected,
            people_affected=people_affected,
            california_residents=california_residents,
            law_enforcement_delay=law_enforcement_delay,
        )
    ag = (
        " The Attorney General must get a sample notice."
        if incident.attorney_general_required
        else ""
    )
    out.print(f"Incident {incident.id} is {incident.status.value}.{ag}")


@incident_app.command("decide")
def decide(ctx: typer.Context, incident_id: str, text: str, username: AsOption = None) -> None:
    """Record a decision taken in handling the incident."""
    with _services(ctx) as services:
        services.breaches.decide(_person(services, username), incident_id, text)
    out.print(f"Decision recorded on incident {incident_id}.")


@incident_app.command("notify")
def notify(
    ctx: typer.Context,
    incident_id: str,
    what_happened: Annotated[str, typer.Option()],
    information_involved: Annotated[str, typer.Option()],
    what_we_are_doing: Annotated[str, typer.Option()],
    what_you_can_do: Annotated[str, typer.Option()],
    for_more_information: Annotated[str, typer.Option()],
    attorney_general: Annotated[
        bool, typer.Option(help="The sample notice went to the Attorney General (over 500).")
    ] = False,
    draft: Annotated[bool, typer.Option(help="Print the notice; record nothing.")] = False,
    username: AsOption = None,
) -> None:
    """Record the notice sent to the people affected and print it (Civil Code 1798.82(d))."""
    notice = NoticeContent(
        what_happened,
        information_involved,
        what_we_are_doing,
        what_you_can_do,
        for_more_information,
    )
    with _services(ctx) as services:
        who = _person(services, username)
        if draft:
            text = services.breaches.draft(who, incident_id, notice)
        else:
            _, text = services.breaches.notify(
                who, incident_id, notice, attorney_general=attorney_general
            )
    out.print(escape(text))


@records_app.command("record")
def record(
    ctx: typer.Context,
    requester: Annotated[str, typer.Option(help="Who asked.")],
    description: Annotated[str, typer.Option(help="What was asked for.")],
    received_on: Annotated[
        datetime, typer.Option(formats=["%Y-%m-%d"], help="The day it reached the agency.")
    ],
    username: AsOption = None,
) -> None:
    """Record a public-records request; the 10-day clock runs from its receipt."""
    with _services(ctx) as services:
        request = services.records_requests.record(
            _person(services, username),
            requester=requester,
            description=description,
            received_on=received_on.date(),
        )
    out.print(f"Request [bold]{request.id}[/] recorded; response due {request.response_due}.")


@records_app.command("extend")
def extend(ctx: typer.Context, request_id: str, reason: str, username: AsOption = None) -> None:
    """Take 14 more days, once, for unusual circumstances (Gov. Code 7922.535(b))."""
    with _services(ctx) as services:
        request = services.records_requests.extend(_person(services, username), request_id, reason)
    out.print(f"Request {request.id}: response now due {request.response_due}.")


@records_app.command("respond")
def respond(
    ctx: typer.Context,
    request_id: str,
    response: Annotated[str, typer.Option(help="The determination sent.")],
    exemption: Annotated[list[str] | None, typer.Option(help="An exemption claimed.")] = None,
    figure: Annotated[list[str] | None, typer.Option(help="An aggregate figure released.")] = None,
    username: AsOption = None,
) -> None:
    """Close a request: the exemptions claimed and the aggregate figures released."""
    exemptions = tuple(parse_exemption(e) for e in exemption or ())
    with _services(ctx) as services:
        request = services.records_requests.respond(
            _person(services, username),
            request_id,
            response=response,
            exemptions=exemptions,
            figures=tuple(figure or ()),
            available=available_figures(
                services.store,
                services.clock.now(),
                min_count=services.settings.transparency.min_count,
            ),
        )
    released = request.release.figures if request.release is not None else {}
    out.print(f"Request {request.id} answered; released {dict(released)}.")


@records_app.command("list")
def list_requests(ctx: typer.Context, username: AsOption = None) -> None:
    """The register: every request, its deadline, the exemptions claimed and the release."""
    with _services(ctx) as services:
        requests = services.records_requests.list(_person(services, username))
        today = services.clock.now().date()
    table = Table("id", "received", "due", "status", "requester", "exemptions", "released")
    for r in requests:
        due = r.response_due.isoformat() + (" OVERDUE" if r.overdue(today) else "")
        released = (
            "" if r.release is None else ", ".join(f"{k}={v}" for k, v in r.release.figures.items())
        )
        table.add_row(
            r.id,
            r.received_on.isoformat(),
            due,
            r.status.value,
            escape(r.requester),
            ", ".join(e.value for e in r.exemptions),
            released,
        )
    out.print(table)


@read_app.command("correct")
def correct(
    ctx: typer.Context,
    read_id: str,
    purpose: Annotated[str, typer.Option(help="The authorised purpose.")],
    case_number: Annotated[str, typer.Option(help="The case number.")],
    reason: Annotated[str, typer.Option(help="What the image shows.")],
    plate: Annotated[str | None, typer.Option(help="The plate as it is.")] = None,
    region: Annotated[str | None, typer.Option(help="The state as it is, e.g. us-ca.")] = None,
    username: AsOption = None,
) -> None:
    """Correct a misread; the original is kept and the read is matched again."""
    with _services(ctx) as services:
        correction = services.corrections.correct(
            _person(services, username),
            Stated(purpose, case_number),
            read_id,
            plate_text=plate,
            region=region,
            reason=reason,
        )
    out.print(f"Read {correction.read_id} corrected (correction {correction.id}).")
