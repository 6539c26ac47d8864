"""``platekeeper config``: check the settings before starting anything."""

from __future__ import annotations

import json

import typer

from platekeeper.cli.console import out
from platekeeper.cli.context import state
from platekeeper.config_reference import reference_markdown

app = typer.Typer(help="Check the configuration.", no_args_is_help=True)


@app.command()
def check(
    ctx: typer.Context,
    show: bool = typer.Option(False, "--show", help="Print the effective settings too."),
) -> None:
    """Validate the config file and PLATEKEEPER_* variables; exit non-zero naming what is wrong."""
    cli = state(ctx)
    settings = cli.settings()
    source = str(cli.config_path) if cli.config_path else "defaults and environment"
    out.print(f"Configuration is valid ({source}).")
    if show:
        # Secrets are SecretStr and print masked.
        out.print_json(json.dumps(settings.model_dump(mode="json"), default=str))


@app.command()
def reference() -> None:
    """Print the table of every setting (the one in docs/configuration.md)."""
    out.print(reference_markdown(), end="", markup=False, highlight=False, soft_wrap=True)
