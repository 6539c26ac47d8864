"""``platekeeper user`` and ``platekeeper token``: people's accounts, from the server's console.

Every command here acts as a person who signs in at the console (``--as``; see
``cli/identity.py``): a custodian manages accounts here as in the app, under the same rules. The
one exception is the first custodian of a database with no account, made without signing in.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date, datetime
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from platekeeper.accounts.authority import Acting, Bootstrap
from platekeeper.accounts.pending import SecondFactorNeeded
from platekeeper.accounts.service import CONSOLE, AccountService
from platekeeper.cli.console import out
from platekeeper.cli.context import open_current, state
from platekeeper.cli.identity import AsOption, console_password, sign_in
from platekeeper.domain.access import Actor
from platekeeper.domain.credentials import Principal
from platekeeper.domain.people import Account, Role
from platekeeper.domain.token_scopes import TokenScope, parse_scopes, scopes_text
from platekeeper.errors import InvalidInput
from platekeeper.services import Services

user_app = typer.Typer(
    help="People's accounts: add, suspend, reactivate, deactivate.", no_args_is_help=True
)
token_app = typer.Typer(help="API tokens that services use for a person.", no_args_is_help=True)

T = TypeVar("T")
_DATE_FORMATS = ["%Y-%m-%d"]
RolesOption = Annotated[
    list[Role], typer.Option("--role", help="A role; repeat for several (not camera).")
]


@contextmanager
def opened(ctx: typer.Context) -> Iterator[Services]:
    services = open_current(state(ctx).settings())
    try:
        yield services
    finally:
        services.close()


@contextmanager
def account_service(ctx: typer.Context) -> Iterator[AccountService]:
    with opened(ctx) as services:
        yield services.accounts


def _with_account(
    ctx: typer.Context,
    as_user: str | None,
    username: str,
    act: Callable[[AccountService, Principal, Account], T],
) -> T:
    """Sign the person at the console in, then act on ``username``'s account as them."""
    with opened(ctx) as services:
        person = sign_in(services, as_user)
        return act(services.accounts, person, services.accounts.by_username(username))


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
    as_user: AsOption = None,
) -> None:
    """Add a person's account. The password is asked twice, hidden; the person must replace it
    at first sign-in. On a database with no account, the first custodian needs no --as."""
    with opened(ctx) as services:
        by: Acting
        if services.store.accounts.list():
            by = sign_in(services, as_user)
        else:
            by = Bootstrap(Actor(f"cli:{getpass.getuser()}", "-"))
        password = _read_password(password_stdin)
        account = services.accounts.create(
            by,
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
    if isinstance(by, Principal):
        out.print(
            "Its password works only to choose a new one ('platekeeper user change-password')."
        )


@user_app.command("change-password")
def change_password(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Your username.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from standard input.")
    ] = False,
) -> None:
    """Choose your own password: the current one (asked, or PLATEKEEPER_CONSOLE_PASSWORD), then
    the new one twice. The way in for a password someone else set."""
    current = console_password(username)
    new = _read_password(password_stdin)
    with account_service(ctx) as accounts, suppress(SecondFactorNeeded):
        # The password is changed before the sign-in that follows it, which here needs a
        # second factor; this command signs nobody in, so it ends there.
        accounts.change_password_at_sign_in(username, current, new, CONSOLE)
    out.print(f"Account {username} has the password you chose.")


@user_app.command("approve-roles")
def approve_roles(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The account whose roles wait.")],
    as_user: AsOption = None,
) -> None:
    """Approve the privileged roles asked for an account (a second privileged person)."""
    account = _with_account(ctx, as_user, username, lambda s, p, a: s.approve_roles(p, a.id))
    out.print(f"Account {username} now has roles {_roles(account)}.")


@user_app.command("list")
def list_users(
    ctx: typer.Context,
    agency: Annotated[str | None, typer.Option(help="Only this agency's accounts.")] = None,
    as_user: AsOption = None,
) -> None:
    """List accounts with their status, training expiry and last activity."""
    with opened(ctx) as services:
        sign_in(services, as_user)
        found = services.accounts.list(agency)
        locked = {a.id for a in found if services.accounts.is_locked(a)}
    table = Table("username", "name", "agency", "roles", "status", "training until", "last active")
    for account in found:
        table.add_row(
            account.username,
            account.display_name,
            account.agency_id,
            _roles(account),
            _status(account) + (", sign-in locked" if account.id in locked else ""),
            str(account.training.expires_on) if account.training else "none",
            _when(account.last_active_at),
        )
    out.print(table)


@user_app.command("show")
def show_user(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The username.")],
    as_user: AsOption = None,
) -> None:
    """Show one account."""
    account = _with_account(ctx, as_user, username, lambda _, __, account: account)
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
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The username.")],
    as_user: AsOption = None,
) -> None:
    """Suspend an account; its sessions end at once."""
    _with_account(ctx, as_user, username, lambda s, p, a: s.suspend(p, a.id))
    out.print(f"Account {username} is suspended.")


@user_app.command("unlock")
def unlock_user(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The username.")],
    as_user: AsOption = None,
) -> None:
    """Release a username locked after repeated failed sign-ins (a custodian of its agency)."""
    _with_account(ctx, as_user, username, lambda s, p, a: s.unlock(p, a.id))
    out.print(f"Sign-in with {username} is released.")


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
    as_user: AsOption = None,
) -> None:
    """Reactivate a suspended or deactivated account; its training must be current."""
    account = _with_account(
        ctx,
        as_user,
        username,
        lambda s, p, a: s.reactivate(p, a.id, _day(training_completed), _day(training_expires)),
    )
    out.print(f"Account {username} is active again, training until {_training_until(account)}.")


@user_app.command("deactivate")
def deactivate_user(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The username.")],
    as_user: AsOption = None,
) -> None:
    """Deactivate the account of someone who left; sessions and API tokens end at once."""
    _with_account(ctx, as_user, username, lambda s, p, a: s.deactivate(p, a.id))
    out.print(f"Account {username} is deactivated; its sessions and API tokens are void.")


@user_app.command("set-roles")
def set_roles(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The username.")],
    roles: RolesOption,
    as_user: AsOption = None,
) -> None:
    """Replace an account's roles; a privileged one added waits for a second approval."""
    account = _with_account(ctx, as_user, username, lambda s, p, a: s.set_roles(p, a.id, roles))
    out.print(f"Account {username} has roles {_roles(account)}.")
    if set(roles) - set(account.roles):
        out.print("The roles added wait for a second privileged person's approval.")


@user_app.command("set-training")
def set_training(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The username.")],
    completed: Annotated[datetime, typer.Option(formats=_DATE_FORMATS, help="Day completed.")],
    expires: Annotated[
        datetime | None, typer.Option(formats=_DATE_FORMATS, help="Day it expires.")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Record a person's latest training (it does not reactivate a suspended account)."""
    account = _with_account(
        ctx,
        as_user,
        username,
        lambda s, p, a: s.record_training(p, a.id, completed.date(), _day(expires)),
    )
    out.print(f"Account {username} has training until {_training_until(account)}.")


@user_app.command("set-password")
def set_password(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The username.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    as_user: AsOption = None,
) -> None:
    """Set another person's password; their sessions end, and it lets them only choose a new
    one ('platekeeper user change-password')."""
    with opened(ctx) as services:
        person = sign_in(services, as_user)
        account = services.accounts.by_username(username)
        password = _read_password(password_stdin)
        services.accounts.set_password(person, account.id, password)
    out.print(f"Account {username} has a new password to replace at sign-in; its sessions ended.")


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
    username: Annotated[str, typer.Argument(help="You: the person the service acts for.")],
    name: Annotated[str, typer.Option(help="What uses it, e.g. 'nightly-export'.")],
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help=f"What it may be used for; repeat for several. One of: {', '.join(TokenScope)}."
        ),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(help="Days until it expires [default: accounts.api_token_default_days]."),
    ] = None,
) -> None:
    """Issue yourself an API token (you sign in) and print it once; only its hash is kept."""
    token, plaintext = _with_account(
        ctx,
        username,
        username,
        lambda s, p, a: s.issue_api_token(p, name, days, scopes=parse_scopes(scope or [])),
    )
    out.print(
        f"Token {token.id} for {username}, for {scopes_text(token.scopes)}, valid until "
        f"{_when(token.expires_at)}. Shown only now:"
    )
    out.print(plaintext, soft_wrap=True)


@token_app.command("list")
def list_tokens(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The username.")],
    as_user: AsOption = None,
) -> None:
    """List a person's API tokens, revoked and expired ones too (yours, or as a custodian)."""
    tokens = _with_account(
        ctx, as_user or username, username, lambda s, p, a: s.list_api_tokens(p, a.id)
    )
    table = Table("id", "name", "scopes", "issued", "expires", "last used", "revoked")
    for token in tokens:
        table.add_row(
            token.id,
            token.name,
            scopes_text(token.scopes) or "none: issued before scopes, void",
            _when(token.created_at),
            _when(token.expires_at),
            _when(token.last_used_at),
            _when(token.revoked_at) if token.revoked_at else "-",
        )
    out.print(table)


@token_app.command("revoke")
def revoke_token(
    ctx: typer.Context,
    token_id: Annotated[str, typer.Argument(help="The token's id.")],
    as_user: AsOption = None,
) -> None:
    """Revoke an API token (yours, or as a custodian); it stops working at once."""
    with opened(ctx) as services:
        services.accounts.revoke_api_token(sign_in(services, as_user), token_id)
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
