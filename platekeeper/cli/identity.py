"""Who acts at the console: a person who signs in there, for one command, or the host.

The console is no back door. The rule, for every command:

- A command that reads ALPR data (reads, hits, hot-list entries, holds, shares), the access
  log's entries or its signals, or a report, or that changes an agency's records (accounts and
  tokens, hot lists and their entries, cameras and their keys, holds, shares, approvals), acts
  as a person who signs in first: their username (``--as``, or ``PLATEKEEPER_CONSOLE_USER``) and
  their password (asked, hidden, at a terminal; or ``PLATEKEEPER_CONSOLE_PASSWORD`` for
  scripts), then, while second factors are required, a code from their authenticator app or a
  recovery code (asked; or ``PLATEKEEPER_CONSOLE_CODE``), with the same lockout, standing and
  must-change rules as the web. Their roles and
  their agency decide, through the same gate and agency scope as the pages and the API; a
  suspended or deactivated account does nothing here either. What they do is logged under their
  name with ``console`` as its client address.
- Host maintenance that reads no plate data and changes no agency's records is the host
  operator's, as the host's own account already allows (``OPERATOR_COMMANDS`` names each, with
  why). The access log names it ``cli:<operating-system user>`` where it writes anything.
- The one password-less act on people is making the first custodian of a database with no
  account (``platekeeper user add``).

``tests/insider/test_console_commands.py`` walks every command: any command not named in
``OPERATOR_COMMANDS`` must refuse to act without a person signing in.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Mapping
from typing import Annotated

import typer

from platekeeper.accounts.authority import HostOperator
from platekeeper.accounts.service import CONSOLE
from platekeeper.domain.access import Actor
from platekeeper.domain.credentials import Principal
from platekeeper.domain.gate import Person
from platekeeper.domain.people import Account
from platekeeper.errors import AuthenticationFailed
from platekeeper.services import Services

USER_VARIABLE = "PLATEKEEPER_CONSOLE_USER"
PASSWORD_VARIABLE = "PLATEKEEPER_CONSOLE_PASSWORD"  # noqa: S105 - a variable's name
CODE_VARIABLE = "PLATEKEEPER_CONSOLE_CODE"

AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar=USER_VARIABLE,
        help="Your username: you sign in to act (password and second-factor code asked, or "
        f"{PASSWORD_VARIABLE} and {CODE_VARIABLE}); your roles decide.",
    ),
]

OPERATOR_COMMANDS: Mapping[str, str] = {
    "db upgrade": "applies the schema's migrations",
    "db status": "names the migrations applied and pending",
    "config check": "checks the settings file",
    "config reference": "prints the settings' reference",
    "serve": "starts the server; people sign in to it",
    "demo": "seeds a demo database and serves it",
    "recognize": "reads plates in the image files given; no stored data",
    "agency add": "registers an agency on the host, before its first custodian exists",
    "ingest images": "stores reads as a registered active camera would; prints counts only",
    "ingest video": "stores reads as a registered active camera would; prints counts only",
    "edge run": "an edge agent: speaks to the server only with its camera key; people sign in "
    "on its page with their own tokens",
    "policy check": "checks the policy file",
    "policy init": "writes a starting policy file",
    "policy show": "shows the policy file's rules",
    "policy render": "writes the public policy document, as the public transparency page does",
    "policy contract": "writes the vendor contract template from the policy file; no stored data",
    "audit verify": "checks the log's integrity; prints counts and entry numbers, no plates",
    "audit checkpoint": "signs the log's head, as the server does on a schedule",
    "audit export-checkpoints": "writes the public key and checkpoints: hashes, no entries",
    "audit public-key": "prints the public key",
    "audit purge": "the log's retention, as the server does on a schedule; prints a count",
    "purge": "the reads' retention, as the server does on a schedule; prints counts and ages",
    "report publish-transparency": "publishes the public transparency report (aggregates "
    "only), as the server does on its schedule",
    "user sweep": "suspends idle or untrained accounts, as the server does daily",
    "tls self-signed": "writes a lab certificate and key into a folder; no stored data",
}
"""Every console command that acts as the host operator, not as a person, and why."""

SELF_COMMANDS: Mapping[str, str] = {
    "user change-password": "the username argument names the person; their password signs in",
    "token create": "the username argument names the person; their password signs in",
    "token list": "the username argument names the person, or a custodian signs in with --as",
    "user second-factor enrol": "the username argument names the person; their password (and "
    "a factor they hold) signs in",
    "user second-factor list": "the username argument names the person; they sign in",
    "user second-factor recovery-codes": "the username argument names the person; they sign in",
    "user second-factor remove": "the username argument names the person; they sign in",
}
"""The commands where a person signs in as the username they name, not with ``--as``."""


def host_operator() -> HostOperator:
    """The host's own jobs at this console (purges, checkpoints), as the access log names them:
    never an act on an agency's records or a look at plate data, which needs a person."""
    return HostOperator(Actor(f"cli:{getpass.getuser()}", "-"))


def sign_in(services: Services, username: str | None) -> Principal:
    """The person at the console, signed in for this command, or the refusal."""
    if not username:
        raise AuthenticationFailed(
            "this command acts as a person: sign in with --as YOUR_USERNAME",
            hint=f"Or set {USER_VARIABLE}; your password is asked, or read from "
            f"{PASSWORD_VARIABLE}.",
        )
    return services.second_factors.console_login(username, console_password(username), console_code)


def console_code(account: Account, methods: tuple[str, ...]) -> str:
    """A code of ``account``'s second factor: from ``PLATEKEEPER_CONSOLE_CODE``, or asked at a
    terminal, after the password was accepted; with neither, a refusal."""
    code = os.environ.get(CODE_VARIABLE)
    if code is not None:
        return code
    if not sys.stdin.isatty():
        raise AuthenticationFailed(
            f"no second-factor code for {account.username}: there is no terminal to ask it at",
            hint=f"Set {CODE_VARIABLE} for a script (a code from the authenticator app, or a "
            "recovery code).",
        )
    what = " or ".join(
        "recovery code" if m == "recovery-code" else "authenticator code" for m in methods
    )
    return str(typer.prompt(f"{what.capitalize()} for {account.username}"))


def console_password(username: str) -> str:
    """The password of ``username``: from ``PLATEKEEPER_CONSOLE_PASSWORD``, or asked, hidden,
    at a terminal; with neither, a refusal (a script that forgot it does nothing)."""
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise AuthenticationFailed(
            f"no password for {username}: there is no terminal to ask it at",
            hint=f"Set {PASSWORD_VARIABLE} for a script.",
        )
    return str(typer.prompt(f"Password for {username}", hide_input=True))


def person(services: Services, username: str | None) -> Person:
    """The person who signs in at the console for this command, as every service takes them:
    their actor, their roles, and ``console`` as the client address."""
    principal = sign_in(services, username)
    return Person(principal.actor, frozenset(principal.account.roles), CONSOLE)
