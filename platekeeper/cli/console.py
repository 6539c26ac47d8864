"""Output for people: one console for results, one for errors, and the error line itself."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from platekeeper.errors import PlateKeeperError

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def print_error(error: PlateKeeperError) -> None:
    err.print(f"[bold red]error:[/] {escape(error.message)}")
    for field in error.fields:
        err.print(f"  {escape(field.location)}: {escape(field.message)}")
    if error.hint:
        err.print(f"  [dim]{escape(error.hint)}[/]")
