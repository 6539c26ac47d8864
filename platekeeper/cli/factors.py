"""``platekeeper user second-factor``: a person's own second factors at the console, and a
custodian's reset of someone else's.

Enrolling is two runs, so that a script can do it: the first prints the new secret (and its
otpauth:// URI, for a QR code) once; the second, with ``--confirm FACTOR_ID`` and a code from
the app, enrols it and prints the recovery codes once. A person with no factor yet needs only
their password for this; one who holds a factor signs in with it first.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from platekeeper.accounts.second_factor import DEFAULT_LABEL, TotpEnrolment
from platekeeper.cli.console import out
from platekeeper.cli.identity import AsOption, console_code, console_password, sign_in
from platekeeper.cli.users import opened
from platekeeper.domain.credentials import Principal
from platekeeper.services import Services

app = typer.Typer(
    help="Second factors: enrol an authenticator app, list, remove, new recovery codes; a "
    "custodian resets someone's.",
    no_args_is_help=True,
)
UsernameArgument = Annotated[str, typer.Argument(help="Your username.")]


@app.command("enrol")
def enrol(
    ctx: typer.Context,
    username: UsernameArgument,
    label: Annotated[str, typer.Option(help="What holds it, e.g. 'work phone'.")] = DEFAULT_LABEL,
    confirm: Annotated[
        str | None,
        typer.Option(help="The factor id the first run printed: enrol it with --code."),
    ] = None,
    code: Annotated[
        str | None, typer.Option(help="With --confirm: the code the new app shows (else asked).")
    ] = None,
) -> None:
    """Add an authenticator app (TOTP). First run: prints the secret, once. Second run, with
    --confirm and the app's code: enrols it; the first factor also prints recovery codes."""
    password = console_password(username)
    with opened(ctx) as services:
        factors = services.second_factors
        holds = bool(factors.methods(services.accounts.by_username(username).id))
        principal = _signed_in(services, username, password) if holds else None
        if confirm is None:
            if principal is None:
                _, enrolment = factors.console_enrol(username, password, label)
            else:
                enrolment = factors.add_totp(principal, password, label)
            _print_enrolment(enrolment)
            return
        first_code = code if code is not None else str(typer.prompt("Code from the new app"))
        if principal is None:
            account = services.accounts.check_password(username, password)
            codes = factors.console_confirm(account, confirm, first_code)
        else:
            codes = factors.confirm_totp(principal, confirm, first_code)
    out.print(f"The authenticator is enrolled for {username}.")
    _print_codes(codes)


@app.command("list")
def list_factors(ctx: typer.Context, username: UsernameArgument) -> None:
    """Your second factors, and how many recovery codes are left."""
    with opened(ctx) as services:
        principal = sign_in(services, username)
        factors = services.second_factors.list(principal)
        left = services.second_factors.remaining_recovery_codes(principal)
    table = Table("id", "kind", "label", "added", "last used")
    for factor in factors:
        last = "-" if factor.last_used_at is None else f"{factor.last_used_at:%Y-%m-%d %H:%M}"
        table.add_row(
            factor.id, factor.kind.value, factor.label, f"{factor.created_at:%Y-%m-%d}", last
        )
    out.print(table)
    out.print(f"{left} recovery code(s) left.")


@app.command("remove")
def remove(
    ctx: typer.Context,
    username: UsernameArgument,
    factor_id: Annotated[str, typer.Argument(help="The factor's id ('list' shows it).")],
) -> None:
    """Remove one of your second factors (not the last while they are required)."""
    password = console_password(username)
    with opened(ctx) as services:
        principal = _signed_in(services, username, password)
        factor = services.second_factors.remove(principal, factor_id, password)
    out.print(f"The {factor.kind.value} factor {factor.label!r} of {username} is removed.")


@app.command("recovery-codes")
def recovery_codes(ctx: typer.Context, username: UsernameArgument) -> None:
    """New recovery codes, printed once; the old ones stop working."""
    password = console_password(username)
    with opened(ctx) as services:
        principal = _signed_in(services, username, password)
        codes = services.second_factors.regenerate_recovery_codes(principal, password)
    _print_codes(codes)


@app.command("reset")
def reset(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The person who lost their second factors.")],
    as_user: AsOption = None,
) -> None:
    """Remove another person's second factors (a custodian of their agency, never your own):
    their sessions and API tokens end, and they enrol again at their next sign-in."""
    with opened(ctx) as services:
        custodian = sign_in(services, as_user)
        account = services.accounts.by_username(username)
        removed = services.accounts.reset_second_factors(custodian, account.id)
    out.print(
        f"{removed} second factor(s) of {username} removed; they enrol again at sign-in. "
        "Their sessions and API tokens ended."
    )


def _signed_in(services: Services, username: str, password: str) -> Principal:
    return services.second_factors.console_login(username, password, console_code)


def _print_enrolment(enrolment: TotpEnrolment) -> None:
    out.print("Add this to your authenticator app; it is shown only now.")
    out.print(f"Secret: {enrolment.secret}", soft_wrap=True)
    out.print(f"URI: {enrolment.uri}", soft_wrap=True, markup=False)
    out.print(
        f"Then run again with --confirm {enrolment.factor_id} --code CODE (the app's code).",
        soft_wrap=True,
    )


def _print_codes(codes: tuple[str, ...]) -> None:
    if not codes:
        return
    out.print("Recovery codes, shown only now; each signs you in once in place of a code:")
    for code in codes:
        out.print(f"  {code}")
