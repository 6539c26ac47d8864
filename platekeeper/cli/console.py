"""Output for people: one console for results, one for errors, and the error line itself."""

from __future__ import annotations

import os

from rich.console import Console
from rich.markup import escape

from platekeeper.errors import PlateKeeperError

# Written to a pipe or a file, output has no screen to fit: Rich would still fit it to 80
# columns and cut table cells (timestamps, ids) with an ellipsis. COLUMNS, if set, still rules.
UNBOUNDED_WIDTH = 1000


def _console(*, stderr: bool = False) -> Console:
    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = UNBOUNDED_WIDTH
    return console


out = _console()
err = _console(stderr=True)


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
