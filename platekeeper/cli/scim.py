"""``platekeeper scim token``: the provisioning tokens of an agency's directory (SCIM).

A custodian signs in (``--as``) and issues, lists or revokes the tokens of their own agency,
under the same gate as in the app; each change is logged under their name.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from platekeeper.cli.console import out
from platekeeper.cli.context import open_current, state
from platekeeper.cli.identity import AsOption, person
from platekeeper.domain.gate import Person
from platekeeper.services import Services

app = typer.Typer(help="Provisioning by the agency's directory (SCIM 2.0).", no_args_is_help=True)
token_app = typer.Typer(
    help="Provisioning tokens: the credential of the agency's directory.", no_args_is_help=True
)
app.add_typer(token_app, name="token")


@contextmanager
def _signed_in(ctx: typer.Context, as_user: str | None) -> Iterator[tuple[Services, Person]]:
    services = open_current(state(ctx).settings())
    try:
        yield services, person(services, as_user)
    finally:
        services.close()


@token_app.command("issue")
def issue(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="The directory that uses it, e.g. 'entra-id'.")],
    days: Annotated[int, typer.Option(help="Days until it expires.")] = 180,
    as_user: AsOption = None,
) -> None:
    """Issue your agency's directory a provisioning token and print it once (only its hash is
    kept). The directory sends it as 'Authorization: Bearer pkp_...' to /scim/v2."""
    with _signed_in(ctx, as_user) as (services, who):
        token, plaintext = services.directory_tokens.issue(who, name, days)
    out.print(
        f"Provisioning token {token.id} ({token.name}) for agency {token.agency_id}, valid "
        f"until {_when(token.expires_at)}. Shown only now:"
    )
    out.print(plaintext, soft_wrap=True)


@token_app.command("list")
def list_tokens(ctx: typer.Context, as_user: AsOption = None) -> None:
    """List your agency's provisioning tokens, revoked and expired ones too."""
    with _signed_in(ctx, as_user) as (services, who):
        tokens = services.directory_tokens.list(who)
    table = Table("id", "name", "issued by", "issued", "expires", "last used", "revoked")
    for token in tokens:
        table.add_row(
            token.id,
            token.name,
            token.issued_by,
            _when(token.created_at),
            _when(token.expires_at),
            _when(token.last_used_at),
            _when(token.revoked_at) if token.revoked_at else "-",
        )
    out.print(table)


@token_app.command("revoke")
def revoke(
    ctx: typer.Context,
    token_id: Annotated[
        str, typer.Argument(help="The token's id ('platekeeper scim token list').")
    ],
    as_user: AsOption = None,
) -> None:
    """Revoke a provisioning token of your agency; the directory's next request is refused."""
    with _signed_in(ctx, as_user) as (services, who):
        services.directory_tokens.revoke(who, token_id)
    out.print(f"Provisioning token {token_id} is revoked.")


def _when(instant: datetime | None) -> str:
    return instant.strftime("%Y-%m-%d %H:%M") if instant else "never"
