"""``platekeeper sharing``: the registry of recipients, their requests, approval and export.

Every command acts as a person who signs in at the console (``--as`` and their password;
``cli/identity.py``), in their own agency and with their own roles, logged under their name with
``console`` as the client address; another custodian, independent of them, approves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from platekeeper.cli.console import out
from platekeeper.cli.context import open_current, state
from platekeeper.cli.identity import AsOption, sign_in
from platekeeper.domain.recipients import Agreement, CourtOrder, Declaration
from platekeeper.domain.sharing import EntityType, RecipientRole
from platekeeper.sharing.service import (
    Clerk,
    DeclarationDraft,
    RecipientDraft,
    RecipientReview,
    ShareOrder,
    SharingService,
)

app = typer.Typer(help="Sharing: recipients, requests, approval, export.", no_args_is_help=True)
recipient_app = typer.Typer(help="The registry of recipients.", no_args_is_help=True)
app.add_typer(recipient_app, name="recipient")
T = TypeVar("T")


def _with_service(
    ctx: typer.Context, as_user: str | None, act: Callable[[SharingService, Clerk], T]
) -> T:
    services = open_current(state(ctx).settings())
    try:
        person = sign_in(services, as_user)
        clerk = Clerk(person.actor, person.account.roles, "console")
        return act(services.sharing, clerk)
    finally:
        services.close()


@recipient_app.command("add")
def add_recipient(
    ctx: typer.Context,
    legal_name: Annotated[str, typer.Option("--name", help="The recipient's legal name.")],
    entity_type: Annotated[EntityType, typer.Option("--type", help="What kind of entity.")],
    us_state: Annotated[str, typer.Option("--state", help="Two-letter state code, e.g. CA.")],
    contact: Annotated[str, typer.Option(help="Who to reach there, and how.")],
    official: Annotated[str, typer.Option(help="The recipient's approving official.")],
    need: Annotated[str, typer.Option(help="Its stated purpose and need.")],
    review_on: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="Next review.")],
    agreement_signed: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Agreement signed on.")
    ] = None,
    agreement_expires: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Agreement expires on.")
    ] = None,
    recipient_id: Annotated[str | None, typer.Option("--id", help="Id; default: new.")] = None,
    role: Annotated[
        RecipientRole | None,
        typer.Option(help="What it does; default: law-enforcement (private: other)."),
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Register a recipient; one the rules in force refuse is not registered (the rule cited)."""
    agreement = (
        None
        if agreement_signed is None or agreement_expires is None
        else Agreement(agreement_signed.date(), agreement_expires.date())
    )
    draft = RecipientDraft(
        legal_name,
        entity_type,
        us_state,
        contact,
        official,
        need,
        review_on.date(),
        agreement,
        role=role,
    )
    added = _with_service(ctx, as_user, lambda s, c: s.add_recipient(c, draft, recipient_id))
    out.print(f"Recipient {added.id} ({added.legal_name}) registered.")


@recipient_app.command("list")
def list_recipients(ctx: typer.Context, as_user: AsOption = None) -> None:
    """The agency's recipients."""
    found = _with_service(ctx, as_user, lambda s, c: s.recipients(c))
    table = Table(
        "id",
        "legal name",
        "type",
        "role",
        "state",
        "agreement until",
        "declaration",
        "review on",
        "status",
    )
    for r in found:
        until = "-" if r.agreement is None else r.agreement.expires_on.isoformat()
        table.add_row(
            r.id,
            r.legal_name,
            r.entity_type.value,
            r.role.value,
            r.state,
            until,
            _declaration_cell(r.declaration),
            r.next_review_on.isoformat(),
            r.status.value,
        )
    out.print(table)


@recipient_app.command("reviews-due")
def reviews_due(
    ctx: typer.Context,
    within: Annotated[int, typer.Option(help="Days ahead to look.")] = 30,
    as_user: AsOption = None,
) -> None:
    """Recipients whose review is overdue or due within --within days: overdue ones get
    nothing until reviewed."""
    due = _with_service(ctx, as_user, lambda s, c: s.due_reviews(c, within))
    table = Table("id", "legal name", "review on", "status")
    for r in due:
        table.add_row(r.id, r.legal_name, r.next_review_on.isoformat(), r.status.value)
    out.print(table if due else f"No recipient's review is due within {within} days.")


@recipient_app.command("review")
def review(
    ctx: typer.Context,
    recipient_id: Annotated[str, typer.Argument(help="The recipient reviewed.")],
    finding: Annotated[str, typer.Option(help="What the review found.")],
    next_review: Annotated[
        datetime, typer.Option(formats=["%Y-%m-%d"], help="The next review date.")
    ],
    keep: Annotated[bool, typer.Option("--keep/--suspend", help="Keep it or suspend it.")] = True,
    as_user: AsOption = None,
) -> None:
    """Record a review of a recipient: kept with its next review date, or suspended."""
    done = _with_service(
        ctx,
        as_user,
        lambda s, c: s.review_recipient(
            c, recipient_id, RecipientReview(keep, finding, next_review.date())
        ),
    )
    out.print(
        f"{done.legal_name} reviewed: {done.status.value}, next review {done.next_review_on}."
    )


def _declaration_cell(declaration: Declaration | None) -> str:
    if declaration is None:
        return "-"
    signed = f"{declaration.signed_by}, {declaration.signer_title}, {declaration.signed_on}"
    if declaration.withdrawn_on is not None:
        return f"withdrawn {declaration.withdrawn_on} ({signed})"
    until = "" if declaration.expires_on is None else f" until {declaration.expires_on}"
    return f"signed by {signed}{until}"


@recipient_app.command("declare")
def declare(
    ctx: typer.Context,
    recipient_id: Annotated[str, typer.Argument(help="The recipient that signed.")],
    signed_by: Annotated[str, typer.Option(help="Who signed the declaration.")],
    title: Annotated[str, typer.Option(help="Their title.")],
    signed_on: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="Signed on.")],
    text: Annotated[
        str | None, typer.Option(help="What was signed; default: what the law asks for.")
    ] = None,
    expires_on: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Runs until.")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Record a recipient's signed declaration (Illinois: 625 ILCS 5/2-130)."""
    draft = DeclarationDraft(
        signed_by,
        title,
        signed_on.date(),
        text,
        None if expires_on is None else expires_on.date(),
    )
    done = _with_service(ctx, as_user, lambda s, c: s.record_declaration(c, recipient_id, draft))
    out.print(f"Declaration of {done.legal_name} recorded, signed by {signed_by}.")


@recipient_app.command("withdraw-declaration")
def withdraw_declaration(
    ctx: typer.Context,
    recipient_id: Annotated[str, typer.Argument(help="The recipient.")],
    as_user: AsOption = None,
) -> None:
    """Withdraw a recipient's declaration from today: nothing more is shared under it."""
    done = _with_service(ctx, as_user, lambda s, c: s.withdraw_declaration(c, recipient_id))
    out.print(f"Declaration of {done.legal_name} withdrawn.")


@app.command("request")
def request(
    ctx: typer.Context,
    recipient_id: Annotated[str, typer.Argument(help="The recipient asking.")],
    purpose: Annotated[str, typer.Option(help="Its purpose, e.g. 'stolen-vehicle'.")],
    case_number: Annotated[str, typer.Option("--case", help="Its case number.")],
    plate: Annotated[str | None, typer.Option(help="The plate asked for.")] = None,
    read_ids: Annotated[list[str] | None, typer.Option("--read", help="A read id.")] = None,
    court_order: Annotated[
        str | None, typer.Option(help="The court order's case or order number.")
    ] = None,
    court: Annotated[str | None, typer.Option(help="The court that issued the order.")] = None,
    order_date: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="When the order was issued.")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Enter a recipient's request; it is checked at once."""
    given = [court_order, court, order_date]
    if any(v is not None for v in given) and not all(v is not None for v in given):
        out.print("A court order needs --court-order, --court and --order-date together.")
        raise typer.Exit(2)
    under = (
        None
        if court_order is None or court is None or order_date is None
        else CourtOrder(court_order, court, order_date.date())
    )
    order = ShareOrder(
        recipient_id, purpose, case_number, plate, tuple(read_ids or ()), court_order=under
    )
    entered = _with_service(ctx, as_user, lambda s, c: s.submit(c, order))
    if entered.rule is not None:
        out.print(f"Request {entered.id} refused by rule {entered.rule}: {entered.reason}.")
        out.print(f"  ({entered.citation})")
        raise typer.Exit(1)
    count = len(entered.read_ids)
    out.print(f"Request {entered.id} for {count} reads waits for a custodian's approval.")


@app.command("approve")
def approve(
    ctx: typer.Context,
    request_id: Annotated[str, typer.Argument(help="The request to decide.")],
    deny: Annotated[bool, typer.Option(help="Deny it instead.")] = False,
    as_user: AsOption = None,
) -> None:
    """Approve (or deny) a pending request entered by someone else."""
    decided = _with_service(ctx, as_user, lambda s, c: s.decide(c, request_id, approve=not deny))
    out.print(f"Request {decided.id} is {decided.status.value}.")


@app.command("export")
def export(
    ctx: typer.Context,
    request_id: Annotated[str, typer.Argument(help="An approved request.")],
    output: Annotated[Path, typer.Option(help="Where to write the bundle (.zip).")],
    as_user: AsOption = None,
) -> None:
    """Write the bundle of an approved request."""
    bundle = _with_service(ctx, as_user, lambda s, c: s.export(c, request_id))
    output.write_bytes(bundle.data)
    out.print(f"Bundle written to {output}; manifest SHA-256 {bundle.entry.bundle_sha256}.")
