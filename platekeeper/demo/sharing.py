"""The demo agency's recipients: a California county sheriff's office it may share with, and a
federal agency it may not, with one refused request that shows the California rule cited.

The rules applied are the demo policy's: the California profile's, with their citations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from platekeeper.demo.scenario import AGENCY_ID
from platekeeper.domain.access import Actor
from platekeeper.domain.people import Role
from platekeeper.domain.recipients import Agreement, ShareRequest
from platekeeper.domain.sharing import EntityType
from platekeeper.services import Services
from platekeeper.sharing.service import Clerk, RecipientDraft, ShareOrder
from platekeeper.store import ReadQuery

ALLOWED_ID = "sacramento-county-sheriff"
REFUSED_ID = "fbi-sacramento"
DEMO_CUSTODIAN = Clerk(Actor("demo", AGENCY_ID), frozenset({Role.CUSTODIAN}))


@dataclass(frozen=True, slots=True)
class DemoSharing:
    created: bool
    refused: ShareRequest | None = None


def ensure_demo_sharing(services: Services) -> DemoSharing:
    if services.store.recipients.get(ALLOWED_ID) is not None:
        return DemoSharing(created=False)
    sharing = services.sharing
    today = services.clock.now().date()
    agreement = Agreement(today - timedelta(days=90), today + timedelta(days=640))
    for recipient_id, draft in _drafts(today + timedelta(days=180), agreement).items():
        sharing.add_recipient(DEMO_CUSTODIAN, draft, recipient_id)
    seen = services.store.reads.find(ReadQuery(agency_id=AGENCY_ID, limit=1))
    if not seen:
        return DemoSharing(created=True)
    order = ShareOrder(REFUSED_ID, "fugitive-search", "FBI-2026-0007", plate=seen[0].plate_text)
    return DemoSharing(created=True, refused=sharing.submit(DEMO_CUSTODIAN, order))


def _drafts(review_on: date, agreement: Agreement) -> dict[str, RecipientDraft]:
    return {
        ALLOWED_ID: RecipientDraft(
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
        REFUSED_ID: RecipientDraft(
            legal_name="Federal Bureau of Investigation, Sacramento Field Office",
            entity_type=EntityType.FEDERAL,
            state="CA",
            contact="Liaison desk, liaison@fbi.example.gov",
            approving_official="Supervisory Special Agent J. Doe",
            purpose_and_need="Fugitive searches.",
            next_review_on=review_on,
            agreement=agreement,
        ),
    }


def describe(sharing: DemoSharing) -> str:
    """One line for the demo's report."""
    if not sharing.created:
        return "Sharing recipients: already registered (GET /api/v1/public/recipients)."
    line = "Sharing recipients registered: a California sheriff's office and a federal agency."
    if sharing.refused is not None:
        line += (
            f" The federal agency's request was refused by rule {sharing.refused.rule}"
            f" ({sharing.refused.citation})."
        )
    return line
