"""``platekeeper audit``: verify the access log, sign and export checkpoints, list signals, purge.

``audit verify`` exits 0 when the log is intact, 1 when it is not (naming the first entry at
fault, and raising a suspected breach in the incident register), and 2, as every command, for
a user error.

Verifying, checkpoints, the public key and the log's own retention are the host's maintenance:
they show counts, entry numbers and hashes, never an entry's contents. ``audit entries`` and
``audit signals`` show who did what: they act as an auditor who signs in at the console (``--as``
and their password; ``cli/identity.py``), over their agency's part of the log as auditors see it
(no plate, read ids as pseudonyms), logged in their name.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from platekeeper.audit import AccessLog, open_access_log
from platekeeper.audit.export import parse_lines
from platekeeper.audit.listing import entries_csv, entries_json
from platekeeper.audit.signing import load_public_key
from platekeeper.cli.console import out
from platekeeper.cli.context import open_current, state
from platekeeper.cli.identity import AsOption, person
from platekeeper.domain.access import AccessOutcome, AccessRecord
from platekeeper.domain.gate import NOTHING_STATED, Access, AccessGate
from platekeeper.domain.permissions import Permission
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.zones import UTC_ZONE, local_time
from platekeeper.errors import InvalidInput
from platekeeper.store.protocols import AccessFilter

app = typer.Typer(help="Check and keep the access log.", no_args_is_help=True)


@contextmanager
def _access_log(ctx: typer.Context) -> Iterator[AccessLog]:
    settings = state(ctx).settings()
    services = open_current(settings)
    try:
        yield open_access_log(services.store, settings, services.clock)
    finally:
        services.close()


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InvalidInput(f"cannot read {what} {path}: {reason}") from None


@app.command()
def verify(
    ctx: typer.Context,
    checkpoints: Annotated[
        Path | None,
        typer.Option(help="Exported checkpoints held outside (audit export-checkpoints)."),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(help="PEM public key to trust instead of the server's own."),
    ] = None,
) -> None:
    """Check the whole access log and its checkpoints; exit 1 naming the first entry at fault."""
    extra, keys = (
        ([], [])
        if checkpoints is None
        else parse_lines(_read(checkpoints, "checkpoints"), str(checkpoints))
    )
    if public_key is not None:
        keys.append(load_public_key(_read(public_key, "public key"), str(public_key)))
    services = open_current(state(ctx).settings())
    try:
        # A log not intact is also raised as a suspected breach, in the incident register.
        report = services.verify_access_log(extra_checkpoints=extra, public_keys=keys)
    finally:
        services.close()
    out.print(report.summary(), soft_wrap=True, markup=False)
    if not report.intact:
        out.print("A suspected breach is in the incident register: 'platekeeper incident list'.")
        raise typer.Exit(1)


@app.command()
def checkpoint(ctx: typer.Context) -> None:
    """Sign a checkpoint of the log's head now, if it moved since the last one."""
    with _access_log(ctx) as log:
        signed = log.checkpoint()
    if signed is None:
        out.print("Nothing new to sign.")
    else:
        out.print(f"Signed a checkpoint of entry {signed.seq} with key {signed.key_id}.")


@app.command("export-checkpoints")
def export_checkpoints(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option(help="File to write; standard output without it.")
    ] = None,
) -> None:
    """Write the public key and every checkpoint as JSON Lines, for someone outside to hold."""
    with _access_log(ctx) as log:
        text = log.export_checkpoints()
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror}") from None
    out.print(f"Checkpoints written to {output}.")


@app.command("public-key")
def public_key_cmd(ctx: typer.Context) -> None:
    """Print the public key that checks the checkpoints (PEM)."""
    with _access_log(ctx) as log:
        typer.echo(log.signer.public_key_pem(), nl=False)


class EntryFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


@app.command()
def entries(
    ctx: typer.Context,
    username: Annotated[str | None, typer.Option(help="Only this person's entries.")] = None,
    signed_in_with: Annotated[
        str | None,
        typer.Option(help="Only accesses signed in this way (api-token, password, ...)."),
    ] = None,
    action: Annotated[str | None, typer.Option(help="Only this action (reads:search).")] = None,
    since: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="First day (UTC).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many.")] = 100,
    output_format: Annotated[
        EntryFormat, typer.Option("--format", help="A table, or JSON or CSV to keep.")
    ] = EntryFormat.TABLE,
    as_user: AsOption = None,
) -> None:
    """List your agency's access-log entries, newest first, without plates (an auditor)."""
    query = AccessFilter(
        username=username,
        signed_in_with=signed_in_with,
        action=action,
        at_from=None if since is None else since.replace(tzinfo=UTC),
        limit=limit,
    )
    services = open_current(state(ctx).settings())
    try:
        who = person(services, as_user)
        gate = AccessGate(services.access_log, services.clock)
        reading = _elements(query)
        gate.permitted(Access(who, NOTHING_STATED, Permission.AUDIT_READ, reading))
        services.access_log.record_reading(who.actor, "listed entries", reading, who.client_address)
        found = services.access_log.entries_for(AgencyScope.of(who.actor), query)
        agency = services.store.agencies.get(who.actor.agency_id)
    finally:
        services.close()
    _print_entries(found, output_format, UTC_ZONE if agency is None else agency.time_zone)


def _elements(query: AccessFilter) -> dict[str, str]:
    """The filters given, as the access log records this reading (as the API's listing does)."""
    at_from = None if query.at_from is None else query.at_from.isoformat()
    given = {
        "username": query.username,
        "signed_in_with": query.signed_in_with,
        "action": query.action,
        "at_from": at_from,
    }
    return {key: value for key, value in given.items() if value is not None}


def _print_entries(found: Sequence[AccessRecord], output_format: EntryFormat, zone: str) -> None:
    if output_format is EntryFormat.JSON:
        typer.echo(entries_json(found, zone), nl=False)
    elif output_format is EntryFormat.CSV:
        typer.echo(entries_csv(found, zone), nl=False)
    elif not found:
        out.print("No entries.")
    else:
        table = Table("#", f"when ({zone})", "who", "signed in with", "action", "outcome", "reason")
        for record in found:
            event = record.event
            cells = (
                str(record.seq),
                local_time(event.at, zone),
                event.actor.username,
                event.actor.signed_in_with or "-",
                event.action,
                event.outcome.value,
                event.reason,
            )
            table.add_row(*(Text(cell) for cell in cells))  # as typed: no markup in a reason
        out.print(table)


@app.command()
def signals(
    ctx: typer.Context,
    since: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="First day (UTC); 90 days ago if left out."),
    ] = None,
    as_user: AsOption = None,
) -> None:
    """List your agency's misuse signals with the log entries behind each (an auditor)."""
    services = open_current(state(ctx).settings())
    try:
        who = person(services, as_user)
        query = {} if since is None else {"since": since.date().isoformat()}
        access = Access(who, NOTHING_STATED, Permission.AUDIT_READ, query, step="audit:signals")
        gate = AccessGate(services.access_log, services.clock)
        gate.permitted(access)
        start = None if since is None else since.replace(tzinfo=UTC)
        found = services.access_log.signals(AgencyScope.of(who.actor), start)
        gate.record(access, AccessOutcome.ALLOWED, f"{len(found)} signals shown")
    finally:
        services.close()
    if not found:
        out.print("No signals.")
        return
    table = Table("signal", "user", "what", "entries")
    for signal in found:
        table.add_row(
            signal.kind.value, signal.username, signal.summary, ", ".join(map(str, signal.seqs))
        )
    out.print(table)


@app.command()
def purge(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count, remove nothing.")] = False,
) -> None:
    """Remove entries older than audit.retention_days, up to the last checkpointed one."""
    with _access_log(ctx) as log:
        removed = log.purge(dry_run=dry_run)
    verb = "Would remove" if dry_run else "Removed"
    out.print(f"{verb} {removed} access log entries.")
