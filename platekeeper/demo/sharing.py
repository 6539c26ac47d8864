"""The demo agency's recipients: a California county sheriff's office it may share with, and a
federal agency it may not, refused at registration with the California rule cited.

The rules applied are the demo policy's: the California profile's, with their citations. The
federal agency never enters the registry, so nothing lists it as a recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from platekeeper.demo.scenario import AGENCY_ID
from platekeeper.domain.access import Actor
from platekeeper.domain.people import Role
from platekeeper.domain.recipients import Agreement
from platekeeper.domain.sharing import EntityType
from platekeeper.errors import PermissionDenied
from platekeeper.services import Services
from platekeeper.sharing.service import Clerk, RecipientDraft

ALLOWED_ID = "sacramento-county-sheriff"
REFUSED_ID = "fbi-sacramento"
DEMO_CUSTODIAN = Clerk(Actor("demo", AGENCY_ID), frozenset({Role.CUSTODIAN}))


@dataclass(frozen=True, slots=True)
class DemoSharing:
    created: bool
    refused: str | None = None
    """Why the federal agency was refused at registration, with the rule and its citation."""


def ensure_demo_sharing(services: Services) -> DemoSharing:
    if services.store.recipients.get(ALLOWED_ID) is not None:
        return DemoSharing(created=False)
    sharing = services.sharing
    today = services.clock.now().date()
    agreement = Agreement(today - timedelta(days=90), today + timedelta(days=640))
    allowed, refused = _drafts(today + timedelta(days=180), agreement)
    sharing.add_recipient(DEMO_CUSTODIAN, allowed, ALLOWED_ID)
    try:
        sharing.add_recipient(DEMO_CUSTODIAN, refused, REFUSED_ID)
    except PermissionDenied as exc:
        return DemoSharing(created=True, refused=exc.message)
    # The rules let a federal agency in: the demo's policy is not California's any more.
    raise AssertionError("the demo's rules registered a federal agency")


def _drafts(review_on: date, agreement: Agreement) -> tuple[RecipientDraft, RecipientDraft]:
    return (
        RecipientDraft(
            legal_name="Sacramento County Sheriff's Office",
            entity_type=EntityType.PUBLIC_AGENCY,
            state="CA",
            contact="Records Unit, records@sacsheriff.example.org",
            approving_official="Captain Rosa Reyes",
            purpose_and_need="Stolen-vehicle and violent-crime investigations crossing the"
            " city line into the county.",
            next_review_on=review_on,
            agreement=agreement,
        ),
        RecipientDraft(
            legal_name="Federal Bureau of Investigation, Sacramento Field Office",
            entity_type=EntityType.FEDERAL,
            state="CA",
            contact="Liaison desk, liaison@fbi.example.gov",
            approving_official="Supervisory Special Agent J. Doe",
            purpose_and_need="Fugitive searches.",
            next_review_on=review_on,
            agreement=agreement,
        ),
    )


def describe(sharing: DemoSharing) -> str:
    """One line for the demo's report."""
    if not sharing.created:
        return "Sharing recipients: already registered (the Sharing page, as the custodian)."
    line = "Sharing recipient registered: a California sheriff's office."
    if sharing.refused is not None:
        line += f" A federal agency was refused at registration: {sharing.refused}."
    return line
