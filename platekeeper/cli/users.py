"""``platekeeper user`` and ``platekeeper token``: people's accounts, from the server's console.

The console is the host administrator's: what they do here needs no custodian, and it is written
to the access log under ``cli:<operating-system user>``. The first custodian is made this way.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from platekeeper.accounts.authority import HostOperator
from platekeeper.accounts.service import AccountService
from platekeeper.cli.console import out
from platekeeper.cli.context import open_current, state
from platekeeper.domain.access import Actor
from platekeeper.domain.people import Account, Role
from platekeeper.errors import InvalidInput

user_app = typer.Typer(
    help="People's accounts: add, suspend, reactivate, deactivate.", no_args_is_help=True
)
token_app = typer.Typer(help="API tokens that services use for a person.", no_args_is_help=True)

T = TypeVar("T")
_DATE_FORMATS = ["%Y-%m-%d"]
RolesOption = Annotated[
    list[Role], typer.Option("--role", help="A role; repeat for several (not camera).")
]


def console_operator() -> HostOperator:
    """The administrator at this console, as the access log names them."""
    return HostOperator(Actor(f"cli:{getpass.getuser()}", "-"))


@contextmanager
def account_service(ctx: typer.Context) -> Iterator[AccountService]:
    services = open_current(state(ctx).settings())
    try:
        yield services.accounts
    finally:
        services.close()


def _with_account(
    ctx: typer.Context, username: str, act: Callable[[AccountService, Account], T]
) -> T:
    with account_service(ctx) as accounts:
        return act(accounts, accounts.by_username(username))


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.date()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@user_app.command("add")
def add_user(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The person's own login, e.g. 'jdoe'.")],
    name: Annotated[str, typer.Option(help="The person's full name.")],
    agency: Annotated[str, typer.Option(help="Id of the person's agency.")],
    title: Annotated[str, typer.Option(help="Job title, e.g. 'Detective'.")],
    roles: RolesOption,
    training_completed: Annotated[
        datetime, typer.Option(formats=_DATE_FORMATS, help="Day ALPR training was completed.")
    ],
    training_expires: Annotated[
        datetime | None,
        typer.Option(formats=_DATE_FORMATS, help="Day it expires; default from settings."),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add a person's account. The password is asked twice, hidden."""
    password = _read_password(password_stdin)
    with account_service(ctx) as accounts:
        account = accounts.create(
            console_operator(),
            username=username,
            display_name=name,
            agency_id=agency,
            job_title=title,
            roles=roles,
            training_completed_on=training_completed.date(),
            training_expires_on=_day(training_expires),
            password=password,
        )
    out.print(f"Account {account.username} added with roles {_roles(account)}.")


@user_app.command("list")
def list_users(
    ctx: typer.Context,
    agency: Annotated[str | None, typer.Option(help="Only this agency's accounts.")] = None,
) -> None:
    """List accounts with their status, training expiry and last activity."""
    with account_service(ctx) as accounts:
        found = accounts.list(agency)
    table = Table("username", "name", "agency", "roles", "status", "training until", "last active")
    for account in found:
        table.add_row(
            account.username,
            account.display_name,
            account.agency_id,
            _roles(account),
            _status(account),
            str(account.training.expires_on) if account.training else "none",
            _when(account.last_active_at),
        )
    out.print(table)


@user_app.command("show")
def show_user(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="The username.")]
) -> None:
    """Show one account."""
    account = _with_account(ctx, username, lambda _, account: account)
    training = account.training
    for label, value in [
        ("username", account.username),
        ("name", account.display_name),
        ("agency", account.agency_id),
        ("job title", account.job_title),
        ("roles", _roles(account)),
        ("status", _status(account)),
        ("training", f"{training.completed_on} to {training.expires_on}" if training else "none"),
        ("created", _when(account.created_at)),
        ("last active", _when(account.last_active_at)),
    ]:
        out.print(f"{label + ':':<13}{value}")


@user_app.command("suspend")
def suspend_user(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="The username.")]
) -> None:
    """Suspend an account; its sessions end at once."""
    _with_account(ctx, username, lambda s, a: s.suspend(console_operator(), a.id))
    out.print(f"Account {username} is suspended.")


@user_app.command("reactivate")
def reactivate_user(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The username.")],
    training_completed: Annotated[
        datetime | None,
        typer.Option(formats=_DATE_FORMATS, help="Day of the latest training, if not on file."),
    ] = None,
    training_expires: Annotated[
        datetime | None, typer.Option(formats=_DATE_FORMATS, help="Day it expires.")
    ] = None,
) -> None:
    """Reactivate a suspended or deactivated account; its training must be current."""
    account = _with_account(
        ctx,
        username,
        lambda s, a: s.reactivate(
            console_operator(), a.id, _day(training_completed), _day(training_expires)
        ),
    )
    out.print(f"Account {username} is active again, training until {_training_until(account)}.")


@user_app.command("deactivate")
def deactivate_user(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="The username.")]
) -> None:
    """Deactivate the account of someone who left; sessions and API tokens end at once."""
    _with_account(ctx, username, lambda s, a: s.deactivate(console_operator(), a.id))
    out.print(f"Account {username} is deactivated; its sessions and API tokens are void.")


@user_app.command("set-roles")
def set_roles(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The username.")],
    roles: RolesOption,
) -> None:
    """Replace an account's roles."""
    account = _with_account(
        ctx, username, lambda s, a: s.set_roles(console_operator(), a.id, roles)
    )
    out.print(f"Account {username} now has roles {_roles(account)}.")


@user_app.command("set-training")
def set_training(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The username.")],
    completed: Annotated[datetime, typer.Option(formats=_DATE_FORMATS, help="Day completed.")],
    expires: Annotated[
        datetime | None, typer.Option(formats=_DATE_FORMATS, help="Day it expires.")
    ] = None,
) -> None:
    """Record a person's latest training (it does not reactivate a suspended account)."""
    account = _with_account(
        ctx,
        username,
        lambda s, a: s.record_training(console_operator(), a.id, completed.date(), _day(expires)),
    )
    out.print(f"Account {username} has training until {_training_until(account)}.")


@user_app.command("set-password")
def set_password(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The username.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a person's password; their sessions end."""
    password = _read_password(password_stdin)
    _with_account(ctx, username, lambda s, a: s.set_password(console_operator(), a.id, password))
    out.print(f"Account {username} has a new password; its sessions ended.")


@user_app.command("sweep")
def sweep(ctx: typer.Context) -> None:
    """Suspend every account idle too long or whose training lapsed (run it daily)."""
    with account_service(ctx) as accounts:
        suspended = accounts.sweep()
    for account, reason in suspended:
        out.print(f"Suspended {account.username}: {reason.value}")
    out.print(f"{len(suspended)} account(s) suspended.")


@token_app.command("create")
def create_token(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The person the service acts for.")],
    name: Annotated[str, typer.Option(help="What uses it, e.g. 'nightly-export'.")],
    days: Annotated[int, typer.Option(help="Days until it expires.")] = 90,
) -> None:
    """Issue an API token and print it once; only its hash is kept."""
    token, plaintext = _with_account(
        ctx,
        username,
        lambda s, a: s.issue_api_token(console_operator(), name, days, account_id=a.id),
    )
    out.print(
        f"Token {token.id} for {username}, valid until {_when(token.expires_at)}. Shown only now:"
    )
    out.print(plaintext, soft_wrap=True)


@token_app.command("list")
def list_tokens(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="The username.")]
) -> None:
    """List a person's API tokens, revoked and expired ones too."""
    tokens = _with_account(ctx, username, lambda s, a: s.list_api_tokens(console_operator(), a.id))
    table = Table("id", "name", "issued", "expires", "last used", "revoked")
    for token in tokens:
        table.add_row(
            token.id,
            token.name,
            _when(token.created_at),
            _when(token.expires_at),
            _when(token.last_used_at),
            _when(token.revoked_at) if token.revoked_at else "-",
        )
    out.print(table)


@token_app.command("revoke")
def revoke_token(
    ctx: typer.Context, token_id: Annotated[str, typer.Argument(help="The token's id.")]
) -> None:
    """Revoke an API token; it stops working at once."""
    with account_service(ctx) as accounts:
        accounts.revoke_api_token(console_operator(), token_id)
    out.print(f"Token {token_id} is revoked.")


def _roles(account: Account) -> str:
    return ", ".join(sorted(role.value for role in account.roles))


def _status(account: Account) -> str:
    reason = account.suspension_reason
    return account.status.value + (f" ({reason.value})" if reason else "")


def _training_until(account: Account) -> str:
    if account.training is None:
        raise InvalidInput("the account has no training on record")
    return str(account.training.expires_on)


def _when(instant: datetime | None) -> str:
    return instant.strftime("%Y-%m-%d %H:%M") if instant else "never"
