"""Recipients and requests for the sharing tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from platekeeper.config import AccessSettings
from platekeeper.domain.purposes import PurposeCatalogue
from platekeeper.domain.recipients import Agreement, Recipient, ShareRequest
from platekeeper.domain.sharing import EntityType
from platekeeper.policy.profiles import load_profiles
from platekeeper.policy.resolve import resolve
from tests.conftest import NOW
from tests.policy.samples import complete_policy

TODAY = NOW.date()
CURRENT = Agreement(date(2026, 1, 1), date(2027, 12, 31))


def make_recipient(
    recipient_id: str = "sac-sheriff",
    *,
    entity_type: EntityType = EntityType.PUBLIC_AGENCY,
    state: str = "CA",
    agreement: Agreement | None = CURRENT,
    next_review_on: date = date(2027, 6, 30),
    legal_name: str = "Sacramento County Sheriff's Office",
) -> Recipient:
    return Recipient(
        id=recipient_id,
        agency_id="demo-pd",
        legal_name=legal_name,
        entity_type=entity_type,
        state=state,
        contact="records@sheriff.example.org, +1 916 555 0100",
        approving_official="Captain R. Reyes",
        purpose_and_need="Investigations of vehicle theft that cross into the county.",
        next_review_on=next_review_on,
        created_at=NOW,
        agreement=agreement,
    )


def make_request(
    request_id: str = "req-1",
    *,
    recipient_id: str = "sac-sheriff",
    read_ids: tuple[str, ...] = ("r1",),
    purpose: str = "stolen-vehicle",
    requested_by: str = "casey",
) -> ShareRequest:
    return ShareRequest(
        id=request_id,
        agency_id="demo-pd",
        recipient_id=recipient_id,
        purpose=purpose,
        case_number="2026-0042",
        requested_by=requested_by,
        requested_at=NOW,
        read_ids=read_ids,
    )


def federal() -> Recipient:
    return replace(
        make_recipient("fbi", entity_type=EntityType.FEDERAL, state="DC"),
        legal_name="Federal Bureau of Investigation",
    )


def demo_purposes() -> PurposeCatalogue:
    """The demo policy's authorised purposes under the California profile, with the default
    case number format: what a share request is held to."""
    effective = resolve(complete_policy(), load_profiles(["ca"]))
    return PurposeCatalogue(effective.purposes, AccessSettings().catalogue().case_format)
