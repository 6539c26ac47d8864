"""``platekeeper report``: reports for auditors, from the server's console.

A report is a report: it exits 0 whatever it finds, and prints a one-line summary on standard
error. Making one is an access, logged in the console operator's name.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from platekeeper.cli.console import err
from platekeeper.cli.context import open_current, state
from platekeeper.cli.users import console_operator
from platekeeper.domain.scope import AgencyScope
from platekeeper.errors import InvalidInput
from platekeeper.reports.compliance import Period
from platekeeper.reports.compliance_service import compliance_report
from platekeeper.reports.render import ReportFormat, render

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
) -> None:
    """Run the auditor's tests over a period and print the findings as JSON, HTML or PDF."""
    if output_format is ReportFormat.PDF and output is None:
        raise InvalidInput("a PDF report needs --output", hint="Add --output report.pdf.")
    period = Period.of_days(from_.date(), to.date())
    services = open_current(state(ctx).settings())
    try:
        report = compliance_report(
            services,
            period,
            console_operator().actor,
            client_address="console",
            sample_seed=seed,
            output_format=output_format.value,
            # Whoever runs the console can read the database: its report covers every agency.
            scope=AgencyScope.whole_system(),
        )
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
