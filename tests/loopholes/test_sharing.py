"""Loopholes of sharing (issue 15): a share request held to the policy's purposes and case
format, recipients the law refuses kept out of the registry on every path, Illinois's signed
declaration, Virginia's recipient roles, the demo and the transparency page.

Each test is written the way someone would try to get data out: other spellings, other paths in
(service, HTTP), other recipients of the same forbidden kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from platekeeper.config import Settings
from platekeeper.demo.policy import DEMO_POLICY, ensure_demo_policy
from platekeeper.demo.scenario import AGENCY_ID
from platekeeper.demo.seed import seed_demo
from platekeeper.demo.sharing import REFUSED_ID, ensure_demo_sharing
from platekeeper.domain.people import Role
from platekeeper.domain.recipients import (
    SHARING_OFF,
    Declaration,
    Recipient,
    ShareRule,
    ShareStatus,
    decide_recipient,
    lawful_recipient,
)
from platekeeper.domain.sharing import EntityType, RecipientRole, SharingRules
from platekeeper.errors import InvalidInput, PermissionDenied
from platekeeper.policy.effective import load_effective
from platekeeper.policy.loader import parse_policy
from platekeeper.policy.profiles import load_profiles
from platekeeper.policy.resolve import resolve
from platekeeper.reports.transparency import feed, gather_transparency
from platekeeper.services import Services, build_services
from platekeeper.sharing.service import DeclarationDraft, RecipientDraft, ShareOrder
from tests.api.conftest import LiveApp, backend_settings, live_app  # noqa: F401 (fixtures)
from tests.api.people import staff
from tests.conftest import NOW, FixedClock
from tests.policy.samples import write_complete_policy
from tests.sharing.conftest import CASEY, World, build_world
from tests.sharing.samples import CURRENT, make_recipient
from tests.sharing.test_service import SHERIFF
from tests.store.conftest import empty_store, store  # noqa: F401 (fixtures)

TODAY = NOW.date()


@pytest.fixture
def world(store, tmp_path: Path) -> World:  # type: ignore[no-untyped-def]  # noqa: F811
    return build_world(store, tmp_path)


def _order(recipient_id: str = "sheriff", **changes: object) -> ShareOrder:
    fields: dict[str, object] = {
        "recipient_id": recipient_id,
        "purpose": "stolen-vehicle",
        "case_number": "2026-0042",
        "plate": "7ABC123",
    }
    fields.update(changes)
    return ShareOrder(**fields)  # type: ignore[arg-type]


# --- a share request is held to the policy's purposes and the agency's case format ----------


@pytest.mark.parametrize(
    "purpose",
    [
        "fugitive-search",  # not in the policy at all
        "Immigration Enforcement",  # forbidden, spelt as a label
        "ice-removal",  # forbidden matter under another code
        "curiosity",
        "stolen-vehicles",  # near an authorised code is not one
    ],
)
def test_a_share_purpose_not_authorised_by_the_policy_is_refused(
    world: World, purpose: str
) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    request = world.service.submit(CASEY, _order(purpose=purpose))
    assert request.status is ShareStatus.REFUSED
    assert request.rule in {ShareRule.PURPOSE, ShareRule.FORBIDDEN_PURPOSE}
    assert request.read_ids == ()


@pytest.mark.parametrize(
    "case_number", ["see email", "SSO-2026-0042", "TBD", "2026", "n/a 2026-0042", "2026-0042x"]
)
def test_any_case_text_is_refused(world: World, case_number: str) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    request = world.service.submit(CASEY, _order(case_number=case_number))
    assert request.status is ShareStatus.REFUSED
    assert request.rule is ShareRule.CASE_NUMBER
    assert request.read_ids == ()


def test_a_well_formed_request_still_waits_for_approval(world: World) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    request = world.service.submit(CASEY, _order(purpose="Stolen Vehicle"))
    assert request.status is ShareStatus.PENDING


def test_a_purpose_the_policy_drops_later_stops_the_approval(world: World) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    request = world.service.submit(CASEY, _order())
    narrower = parse_policy(DEMO_POLICY.replace('code = "stolen-vehicle"', 'code = "burglary"'))
    world.service.purposes = type(world.service.purposes)(
        resolve(narrower, load_profiles(["ca"])).purposes, world.service.purposes.case_format
    )
    with pytest.raises(PermissionDenied, match="rule purpose"):
        world.service.decide(
            replace(CASEY, actor=replace(CASEY.actor, username="cora")), request.id, approve=True
        )


# --- federal, out-of-state and private recipients under California: refused outright -------

FORBIDDEN = {
    "federal": replace(SHERIFF, legal_name="FBI Sacramento", entity_type=EntityType.FEDERAL),
    "federal-out-of-state": replace(
        SHERIFF, legal_name="DHS", entity_type=EntityType.FEDERAL, state="DC"
    ),
    "out-of-state": replace(SHERIFF, legal_name="Washoe County Sheriff", state="NV"),
    "out-of-state-lowercase": replace(SHERIFF, legal_name="Reno PD", state="nv"),
    "private": replace(SHERIFF, legal_name="Vigilant Solutions", entity_type=EntityType.PRIVATE),
    "private-vendor": replace(
        SHERIFF,
        legal_name="Flock Safety",
        entity_type=EntityType.PRIVATE,
        role=RecipientRole.VENDOR,
        state="GA",
    ),
}


@pytest.mark.parametrize("kind", sorted(FORBIDDEN))
def test_california_refuses_the_registration_of_a_forbidden_recipient(
    world: World, kind: str
) -> None:
    with pytest.raises(PermissionDenied, match=r"1798\.90\.55"):
        world.service.add_recipient(CASEY, FORBIDDEN[kind], kind)
    assert world.store.recipients.list() == []
    assert world.sink.last.action == "sharing:recipient-add"
    assert world.sink.last.outcome.value == "denied"


@pytest.mark.parametrize("kind", sorted(FORBIDDEN))
def test_a_lawful_recipient_cannot_be_turned_into_a_forbidden_one(world: World, kind: str) -> None:
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    with pytest.raises(PermissionDenied, match=r"1798\.90\.55"):
        world.service.update_recipient(CASEY, "sheriff", FORBIDDEN[kind])
    stored = world.store.recipients.get("sheriff")
    assert stored is not None
    assert (stored.entity_type, stored.state) == (EntityType.PUBLIC_AGENCY, "CA")


@pytest.mark.parametrize("kind", sorted(FORBIDDEN))
def test_a_forbidden_recipient_already_on_record_gets_nothing_and_is_never_published(
    world: World, kind: str
) -> None:
    draft = FORBIDDEN[kind]
    world.store.recipients.add(
        Recipient(
            kind,
            "demo-pd",
            draft.legal_name,
            draft.entity_type,
            draft.state,
            draft.contact,
            draft.approving_official,
            draft.purpose_and_need,
            draft.next_review_on,
            NOW,
            draft.agreement,
            role=draft.role or RecipientRole.LAW_ENFORCEMENT
            if draft.entity_type is not EntityType.PRIVATE
            else draft.role or RecipientRole.OTHER,
        )
    )
    request = world.service.submit(CASEY, _order(kind))
    assert request.status is ShareStatus.REFUSED
    assert request.rule in {ShareRule.ENTITY_TYPE, ShareRule.STATE, ShareRule.ROLE}
    assert request.read_ids == ()
    assert world.service.published() == []


# --- the same over HTTP ---------------------------------------------------------------------


@pytest.fixture
def services(backend_settings: Settings, clock: FixedClock) -> Iterator[Services]:  # noqa: F811
    """The app's services under the demo's complete California policy, as served."""
    write_complete_policy(backend_settings.data_dir)
    built = build_services(backend_settings, clock=clock)
    built.store.upgrade()
    yield built
    built.close()


def _body(draft: RecipientDraft) -> dict[str, object]:
    assert draft.agreement is not None
    return {
        "legal_name": draft.legal_name,
        "entity_type": draft.entity_type.value,
        "state": draft.state,
        "contact": draft.contact,
        "approving_official": draft.approving_official,
        "purpose_and_need": draft.purpose_and_need,
        "next_review_on": draft.next_review_on.isoformat(),
        "agreement_signed_on": draft.agreement.signed_on.isoformat(),
        "agreement_expires_on": draft.agreement.expires_on.isoformat(),
        **({} if draft.role is None else {"role": draft.role.value}),
    }


def test_the_api_refuses_forbidden_recipients_and_unauthorised_purposes(
    live_app: LiveApp,  # noqa: F811
) -> None:
    custodian = staff(live_app.services)[Role.CUSTODIAN]
    with live_app.client() as client:
        for kind, draft in FORBIDDEN.items():
            response = client.post(
                "/api/v1/sharing/recipients", json=_body(draft), headers=custodian.headers
            )
            assert response.status_code == 403, kind
            assert "1798.90.55" in response.text
        assert live_app.services.store.recipients.list() == []
        added = client.post(
            "/api/v1/sharing/recipients", json=_body(SHERIFF), headers=custodian.headers
        )
        assert added.status_code == 201, added.text
        recipient_id = added.json()["id"]
        for purpose, case in (("fugitive-search", "2026-0042"), ("stolen-vehicle", "any text")):
            body = {
                "recipient_id": recipient_id,
                "purpose": purpose,
                "case_number": case,
                "plate": "7ABC123",
            }
            response = client.post("/api/v1/sharing/requests", json=body, headers=custodian.headers)
            assert response.status_code == 201, response.text
            assert response.json()["status"] == "refused"


# --- Illinois: no out-of-state law enforcement without a signed declaration -----------------


def _illinois() -> SharingRules:
    policy = parse_policy(
        DEMO_POLICY.replace('states = ["CA"]\n', "")
        .replace('state = "CA"', 'state = "IL"')
        .replace('profiles = ["ca"]', 'profiles = ["il"]')
    )
    rules = resolve(policy, load_profiles(["il"])).sharing
    return replace(rules, enabled=True)


def _declaration(**changes: object) -> Declaration:
    fields: dict[str, object] = {
        "signed_by": "Chief A. Ortiz",
        "signer_title": "Chief of Police",
        "signed_on": TODAY - timedelta(days=3),
        "text": _illinois().declarations[0].text,
        "recorded_by": "casey",
        "recorded_at": NOW,
    }
    fields.update(changes)
    return Declaration(**fields)  # type: ignore[arg-type]


def test_illinois_refuses_out_of_state_law_enforcement_without_a_declaration() -> None:
    rules = _illinois()
    indiana = make_recipient("gary-pd", state="IN", legal_name="Gary Police Department")
    refused = decide_recipient(rules, indiana, "stolen-vehicle", TODAY)
    assert refused.rule is ShareRule.DECLARATION
    assert refused.citation is not None
    assert "2-130" in refused.citation
    # A federal agency, a prosecutor and a court outside Illinois are held to it too.
    for other in (
        replace(indiana, entity_type=EntityType.FEDERAL),
        replace(indiana, role=RecipientRole.PROSECUTOR),
        replace(indiana, role=RecipientRole.COURT),
    ):
        decision = decide_recipient(rules, other, "stolen-vehicle", TODAY)
        assert decision.rule in {ShareRule.DECLARATION, ShareRule.ENTITY_TYPE}
    # An Illinois agency needs none.
    assert decide_recipient(rules, replace(indiana, state="IL"), "stolen-vehicle", TODAY).allowed


def test_illinois_allows_it_with_a_current_declaration_and_not_once_it_lapses() -> None:
    rules = _illinois()
    indiana = make_recipient("gary-pd", state="IN")
    signed = replace(indiana, declaration=_declaration())
    assert decide_recipient(rules, signed, "stolen-vehicle", TODAY).allowed
    for lapsed in (
        _declaration(withdrawn_on=TODAY),
        _declaration(expires_on=TODAY - timedelta(days=1), signed_on=TODAY - timedelta(days=30)),
        _declaration(text="We will use the data only for lawful purposes, as we see fit."),
    ):
        decision = decide_recipient(rules, replace(indiana, declaration=lapsed), "x-y", TODAY)
        assert decision.rule is ShareRule.DECLARATION


def test_a_declaration_dated_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidInput, match="after it was recorded"):
        _declaration(signed_on=TODAY + timedelta(days=1))


def test_a_declaration_is_recorded_with_the_recipient_and_withdrawn(world: World) -> None:
    world.service.rules = _illinois()
    indiana = replace(SHERIFF, legal_name="Gary Police Department", state="IN")
    world.service.add_recipient(CASEY, indiana, "gary")
    refused = world.service.submit(CASEY, _order("gary"))
    assert refused.rule is ShareRule.DECLARATION
    with pytest.raises(InvalidInput, match="does not say what the law asks"):
        world.service.record_declaration(
            CASEY, "gary", DeclarationDraft("Chief Ortiz", "Chief", TODAY, "We promise nothing.")
        )
    world.service.record_declaration(
        CASEY, "gary", DeclarationDraft("Chief Ortiz", "Chief of Police", TODAY)
    )
    stored = world.store.recipients.get("gary")
    assert stored is not None
    assert stored.declaration is not None
    assert (stored.declaration.signed_by, stored.declaration.recorded_by) == (
        "Chief Ortiz",
        "casey",
    )
    assert "reproductive" in stored.declaration.text
    assert world.service.submit(CASEY, _order("gary")).status is ShareStatus.PENDING
    # An update of the record keeps the declaration.
    world.service.update_recipient(CASEY, "gary", replace(indiana, contact="desk@gary.example"))
    assert world.store.recipients.get("gary").declaration is not None  # type: ignore[union-attr]
    world.service.withdraw_declaration(CASEY, "gary")
    assert world.service.submit(CASEY, _order("gary")).rule is ShareRule.DECLARATION


# --- Virginia: recipients by role, in Virginia (the vendor anywhere) ------------------------


VA_RULES_LAW = load_profiles(["va"])[0].sharing


def _va_rules() -> SharingRules:
    assert VA_RULES_LAW is not None
    return SharingRules(
        enabled=True,
        allowed_entity_types=VA_RULES_LAW.entity_types,
        allowed_states=VA_RULES_LAW.states,
        citations={
            rule.value: VA_RULES_LAW.citation
            for rule in (ShareRule.ENTITY_TYPE, ShareRule.STATE, ShareRule.ROLE)
        },
        allowed_roles=VA_RULES_LAW.roles,
        any_state_roles=VA_RULES_LAW.any_state_roles,
    )


@pytest.mark.parametrize(
    ("entity", "role", "state", "allowed"),
    [
        (EntityType.PUBLIC_AGENCY, RecipientRole.LAW_ENFORCEMENT, "VA", True),
        (EntityType.PUBLIC_AGENCY, RecipientRole.PROSECUTOR, "VA", True),
        (EntityType.PRIVATE, RecipientRole.DEFENSE, "VA", True),
        (EntityType.PUBLIC_AGENCY, RecipientRole.COURT, "VA", True),
        (EntityType.PRIVATE, RecipientRole.VENDOR, "GA", True),
        (EntityType.PUBLIC_AGENCY, RecipientRole.LAW_ENFORCEMENT, "MD", False),
        (EntityType.FEDERAL, RecipientRole.LAW_ENFORCEMENT, "VA", False),
        (EntityType.PRIVATE, RecipientRole.OTHER, "VA", False),
        (EntityType.PUBLIC_AGENCY, RecipientRole.OTHER, "VA", False),
        (EntityType.PRIVATE, RecipientRole.DEFENSE, "DC", False),
    ],
)
def test_virginia_limits_recipients_to_its_listed_kinds(
    entity: EntityType, role: RecipientRole, state: str, allowed: bool
) -> None:
    recipient = replace(make_recipient(), entity_type=entity, role=role, state=state)
    decision = lawful_recipient(_va_rules(), recipient)
    assert decision.allowed is allowed
    if not allowed:
        assert decision.citation is not None
        assert "2.2-5517" in decision.citation


def test_a_private_company_cannot_pass_as_law_enforcement_or_a_court() -> None:
    private = make_recipient(entity_type=EntityType.PRIVATE)
    assert private.role is RecipientRole.OTHER
    for role in (RecipientRole.PROSECUTOR, RecipientRole.COURT):
        with pytest.raises(InvalidInput, match="private entity cannot be"):
            replace(private, role=role)


def test_the_virginia_profile_resolves_roles_and_the_vendor_exemption() -> None:
    rules = resolve(
        parse_policy(DEMO_POLICY.replace('states = ["CA"]\n', "")), load_profiles(["va"])
    ).sharing
    assert rules.allowed_roles is not None
    assert RecipientRole.OTHER not in rules.allowed_roles
    assert rules.any_state_roles == frozenset({RecipientRole.VENDOR})
    assert rules.allowed_states == frozenset({"VA"})


# --- the demo and the transparency page -----------------------------------------------------


@pytest.fixture
def demo(settings: Settings, clock: FixedClock) -> Iterator[Services]:
    ensure_demo_policy(settings)
    built = build_services(settings, clock=clock)
    built.store.upgrade()
    yield built
    built.close()


def test_the_demo_registers_only_lawful_recipients_and_prints_the_refusal(demo: Services) -> None:
    seed_demo(demo, read_count=5, hours=1, seed=3)
    made = ensure_demo_sharing(demo)
    assert demo.store.recipients.get(REFUSED_ID) is None
    assert made.refused is not None
    assert "1798.90.55(b)" in made.refused
    rules = demo.sharing.rules
    for recipient in demo.store.recipients.list():
        assert lawful_recipient(rules, recipient).allowed


def test_transparency_never_lists_a_recipient_the_rules_refuse(demo: Services) -> None:
    seed_demo(demo, read_count=5, hours=1, seed=3)
    ensure_demo_sharing(demo)
    for kind, draft in FORBIDDEN.items():
        demo.store.recipients.add(
            Recipient(
                f"forced-{kind}",
                AGENCY_ID,
                draft.legal_name,
                draft.entity_type,
                draft.state,
                draft.contact,
                draft.approving_official,
                draft.purpose_and_need,
                draft.next_review_on,
                NOW,
                CURRENT,
            )
        )
    effective = load_effective(demo.settings)
    report = gather_transparency(demo.store, NOW, min_count=5, effective=effective, version=None)
    names = {r["name"] for r in feed(report)["recipients"]}
    assert names == {"Sacramento County Sheriff's Office"}
    # Without a policy nothing may be shared, so nobody is listed as a recipient.
    bare = gather_transparency(demo.store, NOW, min_count=5, effective=None, version=None)
    assert feed(bare)["recipients"] == []


def test_sharing_off_lists_nobody_and_shares_nothing(world: World) -> None:
    world.service.rules = SHARING_OFF
    world.service.add_recipient(CASEY, SHERIFF, "sheriff")
    assert world.service.published() == []
    assert world.service.submit(CASEY, _order()).rule is ShareRule.SHARING_DISABLED
