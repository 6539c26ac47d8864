"""``platekeeper demo``: the embedded default, populated and serving, in one command."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from platekeeper.cli.console import out
from platekeeper.cli.context import state
from platekeeper.cli.serve import Listening, listen, run_server
from platekeeper.config import Settings
from platekeeper.demo.people import DemoLogin, ensure_demo_staff
from platekeeper.demo.policy import ensure_demo_policy
from platekeeper.demo.seed import DemoSummary, seed_demo
from platekeeper.demo.sharing import describe as describe_demo_sharing
from platekeeper.demo.sharing import ensure_demo_sharing
from platekeeper.demo.watchlist import LIST_ID, DemoWatchlist, ensure_demo_watchlist
from platekeeper.domain.people import Role
from platekeeper.services import Services, build_services


def demo(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None, typer.Option(help="Where to keep the demo data; default: settings.")
    ] = None,
    reads: Annotated[int, typer.Option(min=0, max=1_000_000, help="Reads to generate.")] = 2000,
    hours: Annotated[
        int,
        typer.Option(min=1, max=24 * 30, help="Spread over the last H hours (30 days at most)."),
    ] = 48,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data.")] = 7,
    more: Annotated[
        bool,
        typer.Option(help="Add --reads more reads even where an earlier run's reads are kept."),
    ] = False,
    serve: Annotated[bool, typer.Option(help="Serve the app once the data is in.")] = True,
    host: Annotated[str | None, typer.Option(help="Address to serve on.")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port to serve on.")] = None,
) -> None:
    """Create a demo agency, cameras and reads with rendered plate images, then serve the app.

    A second run keeps what the first stored and adds no reads unless --more is given; each run
    sets the demo people's passwords and second factors anew.
    """
    overrides: dict[str, object] = {} if data_dir is None else {"data_dir": data_dir}
    given = {"host": host, "port": port}
    overrides["server"] = {key: value for key, value in given.items() if value is not None}
    settings = state(ctx).settings(**overrides)
    # Take the port before seeding: the camera keys are shown once, and a run that then could
    # not serve would have shown them for nothing.
    with ExitStack() as cleanup:
        listening = None
        if serve:
            listening = listen(settings.server)
            cleanup.callback(listening.close)
        # The policy first: the services enforce the one they find when they are built.
        if (policy_file := ensure_demo_policy(settings)) is not None:
            out.print(f"Usage and privacy policy (California profile) written to {policy_file}.")
        services = build_services(settings)
        cleanup.callback(services.close)
        applied = services.store.upgrade()
        if applied:
            out.print(f"Database ready at {settings.data_dir} ({', '.join(applied)}).")
        kept = services.store.reads.stats().read_count
        adding = reads if more or kept == 0 else 0
        _report(_seed(services, adding, hours, seed), kept)
        logins = ensure_demo_staff(services)
        _report_logins(logins)
        _report_watchlist(ensure_demo_watchlist(services))
        out.print(describe_demo_sharing(ensure_demo_sharing(services)))
        _report_pages(_base_url(settings, listening), logins)
        if listening is None:
            return
        cleanup.pop_all()  # the server closes both when it stops
    run_server(services, listening)


def _seed(services: Services, reads: int, hours: int, seed: int) -> DemoSummary:
    columns = (
        TextColumn("Ingesting demo reads"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=out, transient=False) as progress:
        task = progress.add_task("reads", total=reads)
        return seed_demo(
            services,
            read_count=reads,
            hours=hours,
            seed=seed,
            progress=lambda done: progress.update(task, completed=done),
        )


def _report(summary: DemoSummary, kept: int) -> None:
    out.print(_reads_line(summary, kept), soft_wrap=True)
    if summary.camera_keys:
        table = Table("camera", "kind", "ingest key (shown once)", title="Demo cameras")
        for camera, key in summary.camera_keys:
            table.add_row(camera.id, camera.kind.value, key)
        out.print(table)
    for note in summary.notes:
        out.print(note)


def _reads_line(summary: DemoSummary, kept: int) -> str:
    """What this run did to the reads, in numbers that add up."""
    name = summary.agency.name
    if summary.reads_created == 0 and summary.duplicates == 0:
        return (
            f"{name}: the {kept:,} reads stored by an earlier run are kept, and none added"
            " (--more adds --reads more)."
        )
    line = f"{name}: {summary.reads_created:,} reads added"
    if kept:
        line += f" to the {kept:,} stored by an earlier run"
    if summary.duplicates:
        line += f"; {summary.duplicates:,} were stored already and not added again"
    return line + "."


def _report_watchlist(watchlist: DemoWatchlist) -> None:
    if watchlist.created:
        out.print(
            f"Hot list '{LIST_ID}' made from three plates the cameras saw: {watchlist.hits} hits"
            " wait for verification on the Alerts page (the officer or the supervisor).",
            soft_wrap=True,
        )
    if watchlist.hold_case:
        out.print(
            f"Legal hold for case {watchlist.hold_case} keeps the listed car's reads past their"
            " retention (Legal holds page, the supervisor).",
            soft_wrap=True,
        )


def _base_url(settings: Settings, listening: Listening | None) -> str:
    if listening is not None:
        return listening.url
    host = settings.server.host
    return f"http://{f'[{host}]' if ':' in host else host}:{settings.server.port}"


# The pages to open first, each with the role whose work it is.
_PAGES = (
    ("/login", None, "sign in with a login above, then the code from the authenticator app"),
    ("/alerts", Role.OFFICER, "verify the hits on the demo hot list"),
    ("/search", Role.ANALYST, "search a plate with a purpose and a case number"),
    ("/holds", Role.SUPERVISOR, "the legal hold on the listed car's reads"),
    ("/people", Role.CUSTODIAN, "accounts, roles and second factors; also Cameras, Sharing"),
    ("/audit", Role.AUDITOR, "the access log, with every look-up above in it"),
    ("/transparency", None, "what the public sees: counts only"),
)


def _report_pages(base_url: str, logins: list[DemoLogin]) -> None:
    usernames = {login.role: login.username for login in logins}
    out.print("Pages to open:")
    for path, role, what in _PAGES:
        who = f" (as {usernames[role]}, the {role.value})" if role in usernames else ""
        out.print(f"  {base_url}{path}{who}: {what}", soft_wrap=True)


def _report_logins(logins: list[DemoLogin]) -> None:
    table = Table("role", "username", "password (new each run)", title="Demo logins")
    for login in logins:
        table.add_row(login.role.value, login.username, login.password)
    out.print(table)
    # A demo's only: a real person's secret is shown once, to them alone, when they enrol.
    out.print(
        "Second factor: add each person's demo TOTP secret to an authenticator app (new each"
        " run), and type its code after the password:"
    )
    for login in logins:
        out.print(f"  {login.username}: {login.totp_secret}", soft_wrap=True)
    out.print(
        "Every look-up of plate data asks for a purpose and a case number (e.g."
        " stolen-vehicle, 2026-000123) and is written to the access log.",
        soft_wrap=True,
    )
