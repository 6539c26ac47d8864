"""``platekeeper db``: the database schema."""

from __future__ import annotations

import typer

from platekeeper.cli.console import out
from platekeeper.cli.context import state
from platekeeper.store.factory import open_store

app = typer.Typer(help="Create or upgrade the database schema.", no_args_is_help=True)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Apply every pending migration; safe to run again."""
    settings = state(ctx).settings()
    store = open_store(settings)
    try:
        applied = store.upgrade()
        version = store.schema_version()
    finally:
        store.close()
    if applied:
        out.print(f"Applied {', '.join(applied)}; the schema is at version {version}.")
    else:
        out.print(f"Nothing to do; the schema is at version {version}.")


@app.command()
def status(ctx: typer.Context) -> None:
    """Show the schema version and the migrations not applied yet."""
    settings = state(ctx).settings()
    store = open_store(settings)
    try:
        version, pending = store.schema_version(), store.pending_migrations()
    finally:
        store.close()
    out.print(f"Schema version {version} ({settings.store.type}).")
    if pending:
        out.print(f"Pending: {', '.join(pending)}. Run 'platekeeper db upgrade'.")
        raise typer.Exit(1)
    out.print("The schema is current.")
