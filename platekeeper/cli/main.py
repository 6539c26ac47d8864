"""The ``platekeeper`` command: every subcommand, and the one place user errors are printed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from platekeeper import __version__
from platekeeper.cli import (
    audit,
    cameras,
    complaints,
    config_cmd,
    db,
    edge,
    factors,
    hotlists,
    incidents,
    ingest_cmd,
    policy,
    report,
    retention,
    scim,
    sharing,
    tls,
    users,
)
from platekeeper.cli.console import err, print_error
from platekeeper.cli.context import CliState, open_current, state
from platekeeper.cli.demo import demo
from platekeeper.cli.recognize import recognize
from platekeeper.cli.serve import listen, run_server
from platekeeper.errors import InvalidInput, PlateKeeperError

app = typer.Typer(
    name="platekeeper",
    help="PlateKeeper: licence plate reads kept under the law's rules.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.add_typer(config_cmd.app, name="config")
app.add_typer(cameras.agency_app, name="agency")
app.add_typer(cameras.camera_app, name="camera")
users.user_app.add_typer(factors.app, name="second-factor")
app.add_typer(users.user_app, name="user")
app.add_typer(users.token_app, name="token")
app.add_typer(scim.app, name="scim")
app.add_typer(audit.app, name="audit")
app.add_typer(hotlists.app, name="hotlist")
app.add_typer(sharing.app, name="sharing")
app.add_typer(ingest_cmd.app, name="ingest")
app.add_typer(edge.app, name="edge")
app.add_typer(policy.app, name="policy")
app.add_typer(report.app, name="report")
app.command()(recognize)
app.command()(demo)
app.command()(retention.purge)
app.add_typer(retention.hold_app, name="hold")
app.add_typer(incidents.incident_app, name="incident")
app.add_typer(incidents.records_app, name="records-request")
app.add_typer(complaints.app, name="complaint")
app.add_typer(incidents.read_app, name="read")
app.add_typer(tls.app, name="tls")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"platekeeper {__version__}")
        raise typer.Exit


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            envvar="PLATEKEEPER_CONFIG",
            help="TOML settings file (PLATEKEEPER_* variables override it).",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    ctx.obj = CliState(config_path=config)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address; default from settings.")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port.")] = None,
    tls_certificate: Annotated[
        Path | None,
        typer.Option(help="PEM certificate chain: serve HTTPS (server.tls_certificate)."),
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option(help="PEM private key of the certificate (server.tls_key).")
    ] = None,
) -> None:
    """Serve the API and web pages (HTTPS with a certificate; plain HTTP on loopback only)."""
    if (tls_certificate is None) != (tls_key is None):
        raise InvalidInput(
            "--tls-certificate and --tls-key go together",
            hint="Give both: the certificate chain and its private key.",
        )
    given = {"host": host, "port": port, "tls_certificate": tls_certificate, "tls_key": tls_key}
    server = {key: value for key, value in given.items() if value is not None}
    settings = state(ctx).settings(server=server)
    listening = listen(settings.server)
    try:
        services = open_current(settings)
    except BaseException:
        listening.close()
        raise
    run_server(services, listening)


def main() -> None:
    try:
        app()
    except PlateKeeperError as error:
        print_error(error)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("Interrupted.")
        sys.exit(130)
