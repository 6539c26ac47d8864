"""R21, Virginia (Va. Code 2.2-5517): a share with the defence or with a court goes under a
court order, and the order (its number, court and date) is recorded with the request, in the
access log and in the bundle's manifest. Without one the request is refused, on every path in
(service, HTTP, console), and a request stored before the rule is stopped at approval.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from platekeeper.demo.policy import DEMO_POLICY
from platekeeper.domain.recipients import CourtOrder, ShareRule, ShareStatus
from platekeeper.domain.sharing import EntityType, RecipientRole, SharingRules
from platekeeper.errors import InvalidInput, PermissionDenied
from platekeeper.policy.loader import parse_policy
from platekeeper.policy.profiles import load_profiles
from platekeeper.policy.resolve import sharing_rules
from platekeeper.sharing.service import RecipientDraft, ShareOrder
from tests.conftest import NOW
from tests.sharing.conftest import CASEY, World, build_world
from tests.sharing.samples import CURRENT
from tests.store.conftest import empty_store, store  # noqa: F401 (fixtures)

TODAY = NOW.date()
ORDER = CourtOrder("CR26-000123", "Fairfax County Circuit Court", TODAY - timedelta(days=3))
CORA = replace(CASEY, actor=replace(CASEY.actor, username="cora"))


def _va_rules() -> SharingRules:
    """The demo policy's sharing, moved to Virginia, under the Virginia profile."""
    policy = parse_policy(
        DEMO_POLICY.replace('states = ["CA"]', 'states = ["VA"]').replace(
            'entity_types = ["public-agency"]', 'entity_types = ["public-agency", "private"]'
        )
    )
    return sharing_rules(policy, load_profiles(["va"]))


def _draft(role: RecipientRole, entity: EntityType) -> RecipientDraft:
    return RecipientDraft(
        legal_name=f"A {role.value} recipient",
        entity_type=entity,
        state="VA",
        contact="records@example.org",
        approving_official="R. Reyes",
        purpose_and_need="Criminal cases in the county.",
        next_review_on=TODAY + timedelta(days=180),
        agreement=CURRENT,
        role=role,
    )


ORDERED = [
    (RecipientRole.DEFENSE, EntityType.PRIVATE),
    (RecipientRole.COURT, EntityType.PUBLIC_AGENCY),
]


@pytest.fixture
def world(store, tmp_path: Path) -> World:  # type: ignore[no-untyped-def]  # noqa: F811
    built = build_world(store, tmp_path)
    built.service.rules = _va_rules()
    return built


def _order(recipient_id: str, order: CourtOrder | None = None) -> ShareOrder:
    return ShareOrder(
        recipient_id, "stolen-vehicle", "2026-0042", plate="7ABC123", court_order=order
    )


def test_the_virginia_profile_asks_a_court_order_of_the_defence_and_courts() -> None:
    rules = _va_rules()
    assert rules.court_order_roles == {RecipientRole.DEFENSE, RecipientRole.COURT}
    assert "2.2-5517" in rules.citations[ShareRule.COURT_ORDER.value]


@pytest.mark.parametrize(("role", "entity"), ORDERED)
def test_a_share_without_a_court_order_is_refused_and_touches_no_reads(
    world: World, role: RecipientRole, entity: EntityType
) -> None:
    world.service.add_recipient(CASEY, _draft(role, entity), "r")
    request = world.service.submit(CASEY, _order("r"))
    assert request.status is ShareStatus.REFUSED
    assert request.rule is ShareRule.COURT_ORDER
    assert request.citation is not None
    assert "2.2-5517" in request.citation
    assert request.read_ids == ()
    assert world.store.share_requests.get(request.id) == request


@pytest.mark.parametrize(("role", "entity"), ORDERED)
def test_the_court_order_is_recorded_logged_and_in_the_manifest(
    world: World, role: RecipientRole, entity: EntityType
) -> None:
    world.service.add_recipient(CASEY, _draft(role, entity), "r")
    request = world.service.submit(CASEY, _order("r", ORDER))
    assert request.status is ShareStatus.PENDING
    assert world.store.share_requests.get(request.id) == request
    assert world.store.share_requests.get(request.id).court_order == ORDER  # type: ignore[union-attr]
    logged = [r.event for r in world.sink.records if r.event.action == "sharing:request"][-1]
    assert logged.query["court_order"] == "CR26-000123"
    assert logged.query["court"] == "Fairfax County Circuit Court"
    assert logged.query["court_order_issued_on"] == ORDER.issued_on.isoformat()
    world.service.decide(CORA, request.id, approve=True)
    bundle = world.service.export(CORA, request.id)
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["court_order"] == {
        "reference": "CR26-000123",
        "court": "Fairfax County Circuit Court",
        "issued_on": ORDER.issued_on.isoformat(),
    }
    assert bundle.entry.request_id == request.id


def test_others_need_no_order_and_a_stored_request_without_one_is_stopped_at_approval(
    world: World,
) -> None:
    world.service.add_recipient(CASEY, _draft(RecipientRole.DEFENSE, EntityType.PRIVATE), "d")
    world.service.add_recipient(
        CASEY, _draft(RecipientRole.LAW_ENFORCEMENT, EntityType.PUBLIC_AGENCY), "le"
    )
    assert world.service.submit(CASEY, _order("le")).status is ShareStatus.PENDING
    # A request entered before the rule (or under looser rules) is checked again at approval.
    world.service.rules = replace(world.service.rules, court_order_roles=frozenset())
    early = world.service.submit(CASEY, _order("d"))
    assert early.status is ShareStatus.PENDING
    world.service.rules = _va_rules()
    with pytest.raises(PermissionDenied, match="court-order"):
        world.service.decide(CORA, early.id, approve=True)


@pytest.mark.parametrize(
    ("reference", "court", "issued_on"),
    [
        ("TBD", "Fairfax County Circuit Court", TODAY),
        ("  ", "Fairfax County Circuit Court", TODAY),
        ("n/a", "Fairfax County Circuit Court", TODAY),
        ("CR26-1", "TBD", TODAY),
        ("CR26-1", "", TODAY),
    ],
)
def test_a_placeholder_is_no_court_order(reference: str, court: str, issued_on: date) -> None:
    with pytest.raises(InvalidInput):
        CourtOrder(reference, court, issued_on)


def test_an_order_dated_after_the_request_is_refused(world: World) -> None:
    world.service.add_recipient(CASEY, _draft(RecipientRole.COURT, EntityType.PUBLIC_AGENCY), "c")
    later = CourtOrder("CR26-9", "Fairfax County Circuit Court", TODAY + timedelta(days=1))
    with pytest.raises(InvalidInput, match="after the request"):
        world.service.submit(CASEY, _order("c", later))
