"""``platekeeper config``: check the settings before starting anything."""

from __future__ import annotations

import json

import typer

from platekeeper.cli.console import out
from platekeeper.cli.context import state
from platekeeper.config_reference import reference_markdown
from platekeeper.store.tiles import MBTilesFile

app = typer.Typer(help="Check the configuration.", no_args_is_help=True)


@app.command()
def check(
    ctx: typer.Context,
    show: bool = typer.Option(False, "--show", help="Print the effective settings too."),
) -> None:
    """Validate the config file and PLATEKEEPER_* variables; exit non-zero naming what is wrong."""
    cli = state(ctx)
    settings = cli.settings()
    tiles_file = settings.web.map_tiles_file
    # The one setting whose file is checked here too: serve would refuse it only at start.
    tiles = None if tiles_file is None else MBTilesFile.open(tiles_file)
    source = str(cli.config_path) if cli.config_path else "defaults and environment"
    out.print(f"Configuration is valid ({source}).")
    if tiles is not None:
        held = tiles.tile_set
        tiles.close()
        out.print(
            f"Map tiles: {held.name}, {held.format}, zoom {held.min_zoom} to {held.max_zoom}.",
            markup=False,
        )
    if show:
        # Secrets are SecretStr and print masked.
        out.print_json(json.dumps(settings.model_dump(mode="json"), default=str))


@app.command()
def reference() -> None:
    """Print the table of every setting (the one in docs/configuration.md)."""
    out.print(reference_markdown(), end="", markup=False, highlight=False, soft_wrap=True)
