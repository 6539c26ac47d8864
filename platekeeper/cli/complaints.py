"""``platekeeper complaint``: the register of complaints about the use of the system (R36).
Each command acts for a person who signs in (``--as``); ``ComplaintRegister`` decides and logs
every step."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from platekeeper.cli.console import out
from platekeeper.cli.context import open_current, state
from platekeeper.cli.identity import AsOption
from platekeeper.cli.identity import person as _person
from platekeeper.domain.complaints import parse_outcome, parse_source
from platekeeper.reports.complaints import ComplaintRegister
from platekeeper.services import Services

app = typer.Typer(
    help="Complaints about the use of the ALPR system: record, investigate, decide.",
    no_args_is_help=True,
)


@contextmanager
def _register(ctx: typer.Context) -> Iterator[tuple[Services, ComplaintRegister]]:
    services = open_current(state(ctx).settings())
    try:
        yield services, ComplaintRegister(services.store, services.access_log, services.clock)
    finally:
        services.close()


@app.command("record")
def record(
    ctx: typer.Context,
    source: Annotated[str, typer.Option(help="public, staff, oversight-body, court or other.")],
    summary: Annotated[str, typer.Option(help="What is complained of; no names or identifiers.")],
    received_on: Annotated[
        datetime, typer.Option(formats=["%Y-%m-%d"], help="The day it reached the agency.")
    ],
    subject: Annotated[
        str | None, typer.Option(help="The account whose conduct is complained of, if named.")
    ] = None,
    username: AsOption = None,
) -> None:
    """Record a complaint (a custodian); it must be resolved within 90 days."""
    with _register(ctx) as (services, register):
        who = _person(services, username)
        complaint = register.record(
            who,
            source=parse_source(source),
            summary=summary,
            received_on=received_on.date(),
            subject=subject,
        )
    out.print(f"Complaint [bold]{complaint.id}[/] recorded; resolve by {complaint.resolution_due}.")


@app.command("investigate")
def investigate(ctx: typer.Context, complaint_id: str, username: AsOption = None) -> None:
    """Open the investigation of a complaint (a custodian)."""
    with _register(ctx) as (services, register):
        complaint = register.investigate(_person(services, username), complaint_id)
    out.print(f"Complaint {complaint.id}: {complaint.status.value}.")


@app.command("decide")
def decide(
    ctx: typer.Context,
    complaint_id: str,
    outcome: Annotated[str, typer.Option(help="sustained, not-sustained or closed.")],
    finding: Annotated[str, typer.Option(help="What was found, and on what basis.")],
    username: AsOption = None,
) -> None:
    """Decide a complaint (an auditor), with the finding; never one about your own conduct."""
    with _register(ctx) as (services, register):
        who = _person(services, username)
        complaint = register.decide(who, complaint_id, parse_outcome(outcome), finding)
    out.print(f"Complaint {complaint.id}: {complaint.status.value}.")


@app.command("list")
def list_complaints(ctx: typer.Context, username: AsOption = None) -> None:
    """The register: every complaint of your agency, its status and outcome."""
    with _register(ctx) as (services, register):
        complaints = register.list(_person(services, username))
        today = services.clock.now().date()
    table = Table("id", "received", "source", "status", "due", "decided", "summary", "finding")
    for c in complaints:
        due = c.resolution_due.isoformat() + (" OVERDUE" if c.overdue(today) else "")
        decided = "" if c.decided_on is None else f"{c.decided_on} by {c.decided_by}"
        table.add_row(
            c.id,
            c.received_on.isoformat(),
            c.source.value,
            c.status.value,
            due,
            decided,
            escape(c.summary),
            escape(c.finding or ""),
        )
    out.print(table)
