"""``platekeeper hotlist``: hot lists from the server's console.

Every command acts as a person who signs in at the console (``--as`` and their password;
``cli/identity.py``): their roles decide and they see and change only their agency's lists, as
in the app; the access log names them with ``console`` as the client address. Renewing a manual
entry needs a supervisor and is done in the web app or the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from platekeeper.cli.console import out
from platekeeper.cli.context import open_current, state
from platekeeper.cli.identity import AsOption, person
from platekeeper.domain.gate import Person
from platekeeper.domain.hit_labels import ONE_OFF_LABELS
from platekeeper.domain.hotlists import AlertLevel, ListSource, OneOffPolicy
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.errors import InvalidInput
from platekeeper.hotlists.entries import EntryDraft
from platekeeper.hotlists.importing import FileFormat, ImportReport, ImportSpec, parse_mapping
from platekeeper.hotlists.service import HotlistService

app = typer.Typer(
    help="Hot lists: create, add entries, import files, refresh.", no_args_is_help=True
)
T = TypeVar("T")

MappingOption = Annotated[
    str,
    typer.Option(
        "--mapping",
        help="field=column pairs: 'plate=PLATE,state=ST,reason=OFFENSE' (header names), "
        "'plate=1,reason=2' (column numbers) or 'plate=1-8,state=9-10' (fixed-width). Left "
        "out, the columns are found by the header's names: NCIC codes (LIC, LIS, VMA...) or "
        "words (Plate, Make).",
    ),
]
SourceFileOption = Annotated[
    str | None,
    typer.Option(
        help="The source file of rows that name none, e.g. 'NCIC Stolen Vehicle File'; records "
        "of a file the law or the policy excludes are counted and never loaded."
    ),
]
FormatOption = Annotated[FileFormat, typer.Option("--format", help="The file's format.")]
HeaderOption = Annotated[
    bool | None,
    typer.Option(
        "--header/--no-header",
        help="Whether the first line names the columns; left out, it is detected and the "
        "output says which.",
    ),
]
EncodingOption = Annotated[str, typer.Option(help="The file's text encoding.")]
_ONE_OFF_HELP = (
    "Whether a read one character off an entry alerts: 'alert', 'record' (a lower-tier hit, "
    "stored without an alert) or 'auto' (alert while the list is small enough: "
    "hotlists.auto_one_off_one_in)."
)
ReasonOption = Annotated[
    str | None, typer.Option(help="Reason for rows without one, e.g. 'stolen vehicle'.")
]


@contextmanager
def _signed_in(ctx: typer.Context, as_user: str | None) -> Iterator[tuple[HotlistService, Person]]:
    """The hot-list service and the person who signed in at the console to use it."""
    services = open_current(state(ctx).settings())
    try:
        yield services.hotlists, person(services, as_user)
    finally:
        services.close()


def _with_service(
    ctx: typer.Context, as_user: str | None, act: Callable[[HotlistService, Person], T]
) -> T:
    with _signed_in(ctx, as_user) as (service, who):
        return act(service, who)


def _spec(
    fmt: FileFormat,
    mapping: str,
    header: bool | None,
    encoding: str,
    reason: str | None,
    source_file: str | None = None,
) -> ImportSpec:
    return ImportSpec(fmt, parse_mapping(mapping), header, encoding, reason, source_file)


def _print_report(report: ImportReport) -> None:
    out.print(escape(report.summary), soft_wrap=True)
    for problem in report.rejected:
        out.print(f"  line {problem.line}: {escape(problem.reason)}", soft_wrap=True)


@app.command("create")
def create(
    ctx: typer.Context,
    list_id: Annotated[str, typer.Argument(help="A lower-case slug, e.g. 'ca-stolen'.")],
    name: Annotated[str, typer.Option(help="What the list holds.")],
    source: Annotated[ListSource, typer.Option(help="Where its entries come from.")],
    priority: Annotated[int, typer.Option(min=1, max=9, help="1 is the most urgent.")] = 5,
    alert_level: Annotated[AlertLevel, typer.Option(help="How loud its alerts are.")] = (
        AlertLevel.WARNING
    ),
    covert: Annotated[bool, typer.Option(help="Alerts go only to the list's owners.")] = False,
    agency: Annotated[
        str | None, typer.Option(help="The agency that owns the list: yours (the default).")
    ] = None,
    category: Annotated[
        PurposeCategory | None,
        typer.Option(
            help="The kind of matter it serves; by default stolen-vehicle for a fed list, "
            "criminal-investigation for your own. One the law forbids is refused."
        ),
    ] = None,
    one_off: Annotated[OneOffPolicy, typer.Option(help=_ONE_OFF_HELP)] = OneOffPolicy.AUTO,
    as_user: AsOption = None,
) -> None:
    """Create a hot list of your agency."""
    _with_service(
        ctx,
        as_user,
        lambda s, who: s.create_list(
            who,
            list_id=list_id,
            name=name,
            source=source,
            priority=priority,
            alert_level=alert_level,
            covert=covert,
            agency_id=agency,
            category=category,
            one_off=one_off,
        ),
    )
    out.print(f"Hot list {list_id} created.")


@app.command("show")
def show(
    ctx: typer.Context,
    list_id: Annotated[str, typer.Argument(help="The list's id.")],
    as_user: AsOption = None,
) -> None:
    """One list: its settings, its size, and how often a random read matches it by chance."""
    with _signed_in(ctx, as_user) as (service, who):
        hotlist, chance = service.chance(who, list_id)
        summary = next(s for s in service.summaries(who) if s.hotlist.id == list_id)
    one_off = ONE_OFF_LABELS[hotlist.one_off]
    now = "alert" if chance.one_off_alerts else "are lower-tier hits, stored without an alert"
    lines = [
        f"{escape(hotlist.name)} ({hotlist.id}): {hotlist.source.value}, priority "
        f"{hotlist.priority}, {hotlist.alert_level.value}, {summary.entry_count:,} entries",
        f"One character off: {one_off}; such matches now {now}.",
        f"By chance, {chance.alerting_words} will alert on this list, and "
        f"{chance.lower_words} will make a lower-tier hit on it.",
    ]
    for line in lines:
        out.print(line, soft_wrap=True)


@app.command("set-one-off")
def set_one_off(
    ctx: typer.Context,
    list_id: Annotated[str, typer.Argument(help="The list's id.")],
    policy: Annotated[OneOffPolicy, typer.Argument(help=_ONE_OFF_HELP)],
    as_user: AsOption = None,
) -> None:
    """Whether a read one character off the list's plates alerts."""
    _with_service(ctx, as_user, lambda s, who: s.set_one_off(who, list_id, policy))
    out.print(f"Hot list {list_id}: one character off: {ONE_OFF_LABELS[policy]}.")


@app.command("list")
def list_hotlists(ctx: typer.Context, as_user: AsOption = None) -> None:
    """Your agency's hot lists, and when each was last refreshed."""
    with _signed_in(ctx, as_user) as (service, who):
        hotlists = service.lists(who)
        table = Table("id", "agency", "name", "source", "priority", "level", "covert", "refreshed")
        for h in hotlists:
            refreshed = "-" if h.refreshed_at is None else f"{h.refreshed_at:%Y-%m-%d %H:%M}"
            stale = " (stale)" if h.stale_at(datetime.now(UTC)) else ""
            table.add_row(
                h.id, h.agency_id, escape(h.name), h.source.value, str(h.priority),
                h.alert_level.value, "yes" if h.covert else "no", refreshed + stale,
            )  # fmt: skip
    out.print(table)


@app.command("add-entry")
def add_entry(
    ctx: typer.Context,
    list_id: Annotated[str, typer.Argument(help="The list's id.")],
    plate: Annotated[str, typer.Argument(help="The plate as written.")],
    reason: Annotated[str, typer.Option(help="The offense, e.g. 'stolen vehicle'.")],
    state_code: Annotated[str | None, typer.Option("--state", help="e.g. CA.")] = None,
    case_number: Annotated[
        str | None, typer.Option(help="Needed on manual and agency lists.")
    ] = None,
    expires: Annotated[
        datetime | None,
        typer.Option(help="Expiry (UTC); manual and agency lists: within their days (30)."),
    ] = None,
    note: Annotated[str | None, typer.Option(help="No names, addresses, dates of birth.")] = None,
    as_user: AsOption = None,
) -> None:
    """Add one entry to a list."""
    draft = EntryDraft(
        plate=plate,
        reason=reason,
        state=state_code,
        case_number=case_number,
        expires_at=None if expires is None else expires.replace(tzinfo=UTC),
        note=note,
    )
    entry = _with_service(ctx, as_user, lambda s, who: s.add_entry(who, list_id, draft))
    out.print(f"Entry {entry.id} added; it expires {entry.expires_at:%Y-%m-%d %H:%M} UTC.")


@app.command("import")
def import_file(
    ctx: typer.Context,
    list_id: Annotated[str, typer.Argument(help="The list's id.")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The file.")],
    mapping: MappingOption = "",
    fmt: FormatOption = FileFormat.DETECT,
    header: HeaderOption = None,
    encoding: EncodingOption = "utf-8",
    default_reason: ReasonOption = None,
    source_file: SourceFileOption = None,
    replace: Annotated[bool, typer.Option(help="Replace the list's entries.")] = False,
    as_user: AsOption = None,
) -> None:
    """Import entries from a delimited or fixed-width file; bad rows are listed by line."""
    spec = _spec(fmt, mapping, header, encoding, default_reason, source_file)
    data = file.read_bytes()
    report = _with_service(
        ctx, as_user, lambda s, who: s.import_file(who, list_id, data, spec, replace=replace)
    )
    _print_report(report)


@app.command("set-source")
def set_source(
    ctx: typer.Context,
    list_id: Annotated[str, typer.Argument(help="The list's id.")],
    location: Annotated[str, typer.Argument(help="A file path or an http(s) URL.")],
    mapping: MappingOption = "",
    fmt: FormatOption = FileFormat.DETECT,
    header: HeaderOption = None,
    encoding: EncodingOption = "utf-8",
    default_reason: ReasonOption = None,
    source_file: SourceFileOption = None,
    as_user: AsOption = None,
) -> None:
    """Refresh the list from LOCATION on every refresh interval of 'platekeeper serve'."""
    if "://" not in location and not Path(location).is_absolute():
        raise InvalidInput(
            f"the path {location!r} is relative", hint="Give an absolute path: the server reads it."
        )
    spec = _spec(fmt, mapping, header, encoding, default_reason, source_file)
    _with_service(ctx, as_user, lambda s, who: s.set_source(who, list_id, location, spec))
    out.print(f"Hot list {list_id} will be refreshed from its source.")


@app.command("refresh")
def refresh(
    ctx: typer.Context,
    list_id: Annotated[str, typer.Argument(help="The list's id.")],
    as_user: AsOption = None,
) -> None:
    """Refresh a list from its source now: its entries become the source's rows."""
    _print_report(_with_service(ctx, as_user, lambda s, who: s.refresh(who, list_id)))
