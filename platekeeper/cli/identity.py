"""Who acts at the console: a person who signs in there, for one command.

The console is no back door. A command that acts for someone signs them in first: their
username (``--as``, or ``PLATEKEEPER_CONSOLE_USER``) and their password (asked, hidden, or
``PLATEKEEPER_CONSOLE_PASSWORD`` for scripts), with the same lockout, standing and must-change
rules as the web; a suspended or deactivated account does nothing here either. What they do is
logged under their name with ``console`` as its client address. The one password-less act is
making the first custodian of a database with no account (``platekeeper user add``).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from platekeeper.domain.credentials import Principal
from platekeeper.services import Services

USER_VARIABLE = "PLATEKEEPER_CONSOLE_USER"
PASSWORD_VARIABLE = "PLATEKEEPER_CONSOLE_PASSWORD"  # noqa: S105 - a variable's name

AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar=USER_VARIABLE,
        help="Your username: you sign in to act (password asked, or "
        f"{PASSWORD_VARIABLE}); your roles decide.",
    ),
]


def sign_in(services: Services, username: str | None) -> Principal:
    """The person at the console, signed in for this command, or the refusal."""
    name = username or str(typer.prompt("Your username"))
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        password = str(typer.prompt(f"Password for {name}", hide_input=True))
    return services.accounts.console_login(name, password)
