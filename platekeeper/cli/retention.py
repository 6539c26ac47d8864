"""``platekeeper purge`` and ``platekeeper hold``: retention from the server's console.

``purge`` is the host's retention job (the server runs it too), logged as the host operator.

Holds are asked for, approved and released by a person who signs in at the console (``--as
USERNAME`` and their password; ``cli/identity.py``): the account's roles decide, and the access
log records that person, with ``console`` as the client address.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from platekeeper.cli.console import out
from platekeeper.cli.context import open_current, state
from platekeeper.cli.identity import AsOption, host_operator
from platekeeper.cli.identity import person as _person
from platekeeper.domain.holds import LegalHold, PlateSpan
from platekeeper.domain.purges import ClassPurge
from platekeeper.errors import InvalidInput
from platekeeper.retention.purge import PurgeReport
from platekeeper.services import Services

hold_app = typer.Typer(
    help="Legal holds: keep specific reads past their limit.", no_args_is_help=True
)


@contextmanager
def _services(ctx: typer.Context) -> Iterator[Services]:
    services = open_current(state(ctx).settings())
    try:
        yield services
    finally:
        services.close()


def purge(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would go; delete nothing.")
    ] = False,
) -> None:
    """Purge reads and images past their retention limit, and print the ledger entry.

    The host's retention job, which the server also runs on a schedule: it prints counts and
    capture ages, never a plate, so it needs no person (``cli/identity.py``)."""
    with _services(ctx) as services:
        if not dry_run:
            services.holds.expire()
        report = services.purge.run(dry_run=dry_run, actor=host_operator().actor)
        if not dry_run:
            services.purge.settle()
    print_report(report)


def print_report(report: PurgeReport) -> None:
    """The ledger entry as plain lines, which no terminal width cuts."""
    entry = report.entry
    out.print("Purge (dry run: nothing deleted)" if entry.dry_run else "Purge")
    for item in entry.classes:
        out.print(f"  {_class_line(item, dry_run=entry.dry_run)}", soft_wrap=True)
    out.print(f"Image days shredded: {len(entry.buckets_destroyed)}")
    for conflict in report.conflicts:
        out.print(f"[yellow]Conflict, class not purged:[/] {escape(conflict)}", soft_wrap=True)
    oldest = report.oldest_surviving_non_hit
    out.print(f"Oldest surviving non-hit read: {_when(oldest) if oldest else 'none'}")


def _class_line(item: ClassPurge, *, dry_run: bool) -> str:
    if item.skipped:
        return f"{item.data_class}: not purged, {escape(item.skipped)}"
    verb = "would be deleted" if dry_run else "deleted"
    line = (
        f"{item.data_class}: {item.reads} reads and {item.images} images {verb}, captured at or"
        f" before {_when(item.cutoff)}"
    )
    if item.oldest_purged is not None:
        line += f" (from {_when(item.oldest_purged)} to {_when(item.newest_purged)})"
    return line


def _when(instant: datetime | None) -> str:
    return "-" if instant is None else instant.isoformat(timespec="seconds")


@hold_app.command("request")
def request(
    ctx: typer.Context,
    case_number: Annotated[str, typer.Option(help="The case the reads are kept for.")],
    reason: Annotated[str, typer.Option(help="Why the reads must be kept.")],
    days: Annotated[int, typer.Option(min=1, max=3653, help="Days until the hold expires.")],
    read_id: Annotated[list[str] | None, typer.Option(help="A read to keep; repeatable.")] = None,
    plate: Annotated[str | None, typer.Option(help="Keep every read of this plate...")] = None,
    captured_from: Annotated[datetime | None, typer.Option(help="...from (UTC)...")] = None,
    captured_before: Annotated[datetime | None, typer.Option(help="...until (UTC).")] = None,
    username: AsOption = None,
) -> None:
    """Ask for a legal hold; a supervisor other than you approves it."""
    plates = None
    if plate is not None:
        if captured_from is None or captured_before is None:
            raise InvalidInput("a plate hold needs --captured-from and --captured-before")
        plates = PlateSpan(plate, _utc(captured_from), _utc(captured_before))
    with _services(ctx) as services:
        hold = services.holds.request(
            _person(services, username),
            case_number=case_number,
            reason=reason,
            expires_at=services.clock.now() + timedelta(days=days),
            read_ids=tuple(read_id or ()),
            plates=plates,
        )
    out.print(f"Hold [bold]{hold.id}[/] requested; it keeps nothing until a supervisor approves.")


@hold_app.command("approve")
def approve(ctx: typer.Context, hold_id: str, username: AsOption = None) -> None:
    """Approve a requested hold (a supervisor, never the requester)."""
    with _services(ctx) as services:
        hold = services.holds.approve(_person(services, username), hold_id)
    out.print(f"Hold {hold.id} approved until {_when(hold.expires_at)}.")


@hold_app.command("release")
def release(ctx: typer.Context, hold_id: str, username: AsOption = None) -> None:
    """Release a hold: its reads are purged like any others from the next run."""
    with _services(ctx) as services:
        hold = services.holds.release(_person(services, username), hold_id)
    out.print(f"Hold {hold.id} released.")


@hold_app.command("list")
def list_holds(ctx: typer.Context, username: AsOption = None) -> None:
    """The holds of the account's agency, newest first."""
    with _services(ctx) as services:
        holds = services.holds.list(_person(services, username))
        now = services.clock.now()
    table = Table("id", "case", "status", "requested by", "approved by", "expires", "reads")
    for column in table.columns:
        column.overflow = "fold"  # a narrow terminal folds an id or a time; it never cuts one
    for hold in holds:
        table.add_row(*_hold_row(hold, now))
    out.print(table)


def _hold_row(hold: LegalHold, now: datetime) -> tuple[str, ...]:
    reads = str(len(hold.read_ids)) + (" + a plate" if hold.plates is not None else "")
    return (
        hold.id,
        escape(hold.case_number),
        hold.status(now).value,
        escape(hold.requested_by),
        escape(hold.approved_by or "-"),
        _when(hold.expires_at),
        reads,
    )


def _utc(instant: datetime) -> datetime:
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)
