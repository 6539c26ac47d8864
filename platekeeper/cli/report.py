"""``platekeeper report``: reports for auditors, from the server's console.

A report is a report: it exits 0 whatever it finds, and prints a one-line summary on standard
error. It is made for a person who signs in at the console (``--as`` and their password;
``cli/identity.py``) with the reports permission (an auditor), covers their agency only, and is
an access logged in their name with ``console`` as the client address.

``publish-transparency`` is the exception to the sign-in: it publishes the public transparency
report (aggregates only, as the public page shows), as the server does on its schedule, so it
is the host operator's.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from platekeeper.cli.console import err, out
from platekeeper.cli.context import open_current, state
from platekeeper.cli.identity import AsOption, host_operator, person
from platekeeper.domain.gate import NOTHING_STATED, Access, AccessGate, Person
from platekeeper.domain.permissions import Permission
from platekeeper.domain.sample_reviews import Verdict
from platekeeper.domain.scope import AgencyScope
from platekeeper.errors import InvalidInput
from platekeeper.reports.certification import certification as certification_document
from platekeeper.reports.compliance import ComplianceReport, Period
from platekeeper.reports.compliance_service import REPORT_ACTION, compliance_report
from platekeeper.reports.findings import FindingDesk
from platekeeper.reports.publisher import TransparencyPublisher
from platekeeper.reports.render import ReportFormat, render
from platekeeper.reports.sample_review import SampleReviewDesk, sample_standing
from platekeeper.services import Services

app = typer.Typer(help="Reports for auditors.", no_args_is_help=True)


@app.command()
def compliance(
    ctx: typer.Context,
    from_: Annotated[
        datetime,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First day of the period (UTC)."),
    ],
    to: Annotated[
        datetime,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Last day of the period, included (UTC)."),
    ],
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="json, html or pdf.")
    ] = ReportFormat.JSON,
    output: Annotated[
        Path | None, typer.Option(help="File to write; standard output without it (not pdf).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed of the review sample; from the period without it.")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Run the auditor's tests over a period and print the findings as JSON, HTML or PDF."""
    if output_format is ReportFormat.PDF and output is None:
        raise InvalidInput("a PDF report needs --output", hint="Add --output report.pdf.")
    period = Period.of_days(from_.date(), to.date())
    services = open_current(state(ctx).settings())
    try:
        who = person(services, as_user)
        report = _gated_report(services, who, period, seed, output_format.value)
    finally:
        services.close()
    document = render(report, output_format)
    if output is None:
        sys.stdout.buffer.write(document)
        sys.stdout.flush()
    else:
        try:
            output.write_bytes(document)
        except OSError as exc:
            raise InvalidInput(f"cannot write {output}: {exc.strerror}") from None
    err.print(f"{report.summary()} Review sample seed: {report.sample.seed}.", soft_wrap=True)


@app.command("publish-transparency")
def publish_transparency(
    ctx: typer.Context,
    force: Annotated[
        bool, typer.Option("--force", help="Publish now even if no report is due yet.")
    ] = False,
) -> None:
    """Publish the public transparency report when the schedule says one is due (R37).

    The server does this on its own every hour; the report is stored with its dates, listed on
    the public page, and the publication is logged as the host operator's."""
    services = open_current(state(ctx).settings())
    try:
        publisher = TransparencyPublisher(services)
        actor = host_operator().actor
        snapshot = publisher.publish(actor) if force else publisher.publish_if_due(actor)
        schedule = publisher.schedule()
    finally:
        services.close()
    if snapshot is None:
        out.print(
            f"No report is due: one is published every {schedule.interval_months} months "
            f"({schedule.citation}). Use --force to publish one now."
        )
        return
    out.print(
        f"Published transparency report #{snapshot.seq}, covering "
        f"{snapshot.period_from:%Y-%m-%d %H:%M} to {snapshot.period_to:%Y-%m-%d %H:%M} UTC."
    )


@app.command()
def review(
    ctx: typer.Context,
    entry: Annotated[int, typer.Argument(help="The sampled search's access-log entry (seq).")],
    verdict: Annotated[
        Verdict, typer.Option(help="consistent, inconsistent or undetermined (could not tell).")
    ],
    note: Annotated[str, typer.Option(help="Why; needed unless consistent. No names.")] = "",
    as_user: AsOption = None,
) -> None:
    """Record your review of a search drawn into the compliance report's sample (auditors)."""
    services = open_current(state(ctx).settings())
    try:
        who = person(services, as_user)
        desk = SampleReviewDesk(services.store, services.access_log, services.clock)
        recorded = desk.review(who, entry, verdict, note)
    finally:
        services.close()
    err.print(f"Search {recorded.access_seq} reviewed: {recorded.verdict.value}.")


@app.command()
def resolve(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The finding's code, as the report lists it.")],
    from_: Annotated[
        datetime,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First day of the report's period."),
    ],
    to: Annotated[
        datetime,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Last day of the report's period."),
    ],
    how: Annotated[str, typer.Option(help="What was done to resolve it. No names.")],
    as_user: AsOption = None,
) -> None:
    """Mark a finding of a compliance report resolved (custodians and supervisors; never the
    auditor who made the report)."""
    period = Period.of_days(from_.date(), to.date())
    services = open_current(state(ctx).settings())
    try:
        who = person(services, as_user)
        desk = FindingDesk(services.store, services.access_log, services.clock)
        resolved = desk.resolve(who, period, code, how)
    finally:
        services.close()
    err.print(f"Finding {resolved.code} resolved by {resolved.resolved_by}.")


@app.command()
def certification(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(help="The calendar year certified.")],
    output: Annotated[
        Path | None, typer.Option(help="Markdown file to write; standard output without it.")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed of the review sample; from the period without it.")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """The annual certification: policy, authorized access, training, the reviewed sample,
    violations, complaints. Refused while a sampled search is unreviewed or a complaint of the
    year is unresolved after 90 days."""
    period = Period.of_days(date(year, 1, 1), date(year, 12, 31))
    services = open_current(state(ctx).settings())
    try:
        who = person(services, as_user)
        report = _gated_report(services, who, period, seed, "certification")
        scope = AgencyScope.of(who.actor)
        standing = sample_standing(services.store, scope, report.sample.seqs)
        accounts = services.store.accounts.list(scope.agency_id)
        complaints = services.store.complaints.list(
            scope.agency_id, (date(year, 1, 1), date(year, 12, 31))
        )
        document = certification_document(
            report,
            standing,
            accounts,
            agency=who.actor.agency_id,
            year=year,
            complaints=complaints,
            today=services.clock.now().date(),
        )
    finally:
        services.close()
    if output is None:
        sys.stdout.write(document)
        sys.stdout.flush()
    else:
        try:
            output.write_text(document, encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"cannot write {output}: {exc.strerror}") from None
    err.print(f"Certification {year}: {report.summary()}", soft_wrap=True)


def _gated_report(
    services: Services, who: Person, period: Period, seed: int | None, output_format: str
) -> ComplianceReport:
    """The compliance report for an auditor, the permission checked (and a refusal logged)."""
    query = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    access = Access(who, NOTHING_STATED, Permission.REPORTS_READ, query, step=REPORT_ACTION)
    AccessGate(services.access_log, services.clock).permitted(access)
    return compliance_report(
        services,
        period,
        who.actor,
        client_address=who.client_address,
        sample_seed=seed,
        output_format=output_format,
    )
