"""Output for people: one console for results, one for errors, and the error line itself."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from platekeeper.errors import PlateKeeperError

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def print_error(error: PlateKeeperError) -> None:
    """One line: what was wrong, each field at fault unless the message names it, what to do."""
    parts = [error.message]
    parts += [
        f"{field.location}: {field.message}"
        for field in error.fields
        if field.location not in error.message
    ]
    line = "; ".join(parts)
    if error.hint:
        line = f"{line}. {error.hint}"
    err.print(f"[bold red]error:[/] {escape(line)}", soft_wrap=True)
