"""Loopholes of issue 15 around purposes, profiles and the policy check, each tried the way a
careless or hostile administrator would: other spellings, other fields, other ways in.

Each of these passed on fb08a52: a forbidden matter under another code, a California agency
without 'ca' in its policy, a settings override dropping the state's profile, a federal
recipient sent to approval, a 7-day access log, a 2031 meeting held by 'TBD', a review in 2099.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from platekeeper.audit import open_access_log
from platekeeper.config import Settings, load_settings
from platekeeper.demo.policy import DEMO_POLICY as LIVE_POLICY
from platekeeper.demo.policy import demo_policy
from platekeeper.domain.access import Actor
from platekeeper.domain.agencies import Agency
from platekeeper.domain.gate import Person
from platekeeper.domain.people import Role
from platekeeper.domain.policy import (
    JurisdictionProfile,
    PolicyFinding,
    PolicyPurpose,
    Severity,
    UsagePolicy,
    check_policy,
)
from platekeeper.domain.purpose_words import VOCABULARIES, points_at
from platekeeper.domain.purposes import (
    CaseNumberFormat,
    PurposeCatalogue,
    PurposeCategory,
    SearchPurpose,
)
from platekeeper.domain.recipients import (
    Agreement,
    Recipient,
    ShareRequest,
    ShareRule,
    decide_recipient,
    decide_share,
)
from platekeeper.domain.sharing import EntityType
from platekeeper.errors import Conflict, InvalidInput, PermissionDenied
from platekeeper.policy.attest import ATTEST_ACTION, AttestationService
from platekeeper.policy.effective import load_effective, load_effective_for
from platekeeper.policy.loader import parse_policy
from platekeeper.policy.profiles import load_profiles
from platekeeper.policy.resolve import resolve
from platekeeper.store import Store
from platekeeper.store.postgres import PostgresStore
from platekeeper.store.protocols import AccessFilter
from platekeeper.store.sqlite import SqliteStore
from tests.conftest import FixedClock

CA = tuple(load_profiles(["ca"]))
IL = tuple(load_profiles(["il"]))
TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
DEMO_POLICY = demo_policy(date(2027, 1, 1))
"""The demo policy as judged at TODAY; LIVE_POLICY is judged at the real date."""
CRIME = PurposeCategory.CRIMINAL_INVESTIGATION
IMMIGRATION = PurposeCategory.IMMIGRATION_ENFORCEMENT


def policy() -> UsagePolicy:
    return parse_policy(DEMO_POLICY)


def with_purpose(purpose: PolicyPurpose, base: UsagePolicy | None = None) -> UsagePolicy:
    base = base or policy()
    return replace(base, purposes=(*base.purposes, purpose))


def blocking(
    checked: UsagePolicy, profiles: tuple[JurisdictionProfile, ...] = CA
) -> list[PolicyFinding]:
    return [f for f in check_policy(checked, profiles, TODAY) if f.blocking]


def authorised(checked: UsagePolicy, profiles: tuple[JurisdictionProfile, ...] = CA) -> set[str]:
    return {p.code for p in resolve(checked, profiles, TODAY).purposes}


# --- the immigration ban does not depend on spelling -----------------------------------------

MISFILED = [
    ("ice-assist", "Assisting federal partners"),
    ("fed-liaison", "Requests from I.C.E."),
    ("hsi-request", "Federal task force"),
    ("ero-pickup", "Locating a subject"),
    ("cbp-support", "Border area support"),
    ("deportation-case", "Deportation support"),
    ("removal-support", "Removal proceedings assistance"),
    ("status-check", "Checks on undocumented residents"),
    ("task-force-287g", "287(g) task force"),
    ("federal-assist", "Visa overstays"),
    ("alien-locate", "Aliens with final orders"),
    ("enforcement-x", "IMMIGRATION_ENFORCEMENT"),
    ("immigrationcheck", "Checks"),
    ("fed-help", "Inmigración y deportaciones"),
    ("dhs-request", "Homeland Security Investigations request"),
]


@pytest.mark.parametrize(("code", "label"), MISFILED)
def test_a_purpose_pointing_at_immigration_under_another_category_blocks(
    code: str, label: str
) -> None:
    flagged = with_purpose(PolicyPurpose(code, label, CRIME))
    (finding,) = blocking(flagged)
    assert finding.severity is Severity.CONFLICT
    assert finding.element == "profile:ca"
    assert "policy attest" in finding.message
    assert code not in authorised(flagged), "a flagged purpose is never enforced as allowed"


@pytest.mark.parametrize(
    "text",
    ["police-assist", "Notice of service", "justice-referral", "price-check", "Office of Ice"],
)
def test_words_that_merely_contain_a_short_term_are_not_flagged(text: str) -> None:
    expected = None if "Ice" not in text.split() else ("immigration-enforcement", "ice")
    assert points_at(text, ["immigration-enforcement"]) == expected


@pytest.mark.parametrize("code", ["immigration-enforcement", "federal-assist", "civil-matter"])
def test_a_purpose_filed_under_a_forbidden_category_is_refused_whatever_its_code(
    code: str,
) -> None:
    forbidden = with_purpose(PolicyPurpose(code, "Assisting partners", IMMIGRATION))
    (finding,) = blocking(forbidden)
    assert "7284.6" in finding.message
    assert code not in authorised(forbidden)


def test_every_purpose_needs_a_category() -> None:
    text = DEMO_POLICY.replace('category = "stolen-vehicle"\n', "")
    (finding,) = blocking(parse_policy(text))
    assert finding.key == "purposes.1.category"
    assert "stolen-vehicle" not in authorised(parse_policy(text))


def test_the_access_check_refuses_a_forbidden_category_and_a_case_that_points_at_it() -> None:
    lax = CaseNumberFormat(r".{3,40}", "2026-000123")
    catalogue = PurposeCatalogue(
        [
            SearchPurpose("fed-assist", "Assisting partners", IMMIGRATION),
            SearchPurpose("stolen-vehicle", "Stolen vehicles", PurposeCategory.STOLEN_VEHICLE),
        ],
        lax,
        {IMMIGRATION: "California (Cal. Gov. Code § 7284.6)"},
    )
    with pytest.raises(InvalidInput, match="forbidden by California"):
        catalogue.state("fed-assist", "2026-000123")
    for case in ["ICE-ERO-17", "hsi 2026 4", "Deportation 12", "I.C.E. warrant 4"]:
        with pytest.raises(InvalidInput, match="points at immigration-enforcement"):
            catalogue.state("stolen-vehicle", case)
    assert catalogue.state("stolen-vehicle", "2026-000123").purpose.code == "stolen-vehicle"


def test_illinois_forbids_immigration_and_reproductive_health_care() -> None:
    assert {rule.category for profile in IL for rule in profile.forbidden_purposes} == {
        IMMIGRATION,
        PurposeCategory.REPRODUCTIVE_HEALTH_CARE,
    }
    illinois = replace(policy(), agency=replace(policy().agency, state="IL"), profiles=("il",))
    for label in ["Abortion travel inquiry", "Pregnancy-related", "Reproductive care probe"]:
        flagged = with_purpose(PolicyPurpose("out-of-state-ask", label, CRIME), illinois)
        assert any(f.key.startswith("purposes.5") for f in blocking(flagged, IL)), label


def test_the_vocabularies_are_for_categories_that_exist() -> None:
    assert set(VOCABULARIES) <= {category.value for category in PurposeCategory}


# --- the agency's state brings its profile ---------------------------------------------------


def settings_for(tmp_path: Path, text: str, profiles: list[str] | None = None) -> Settings:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700, exist_ok=True)
    (data_dir / "policy.toml").write_text(text, encoding="utf-8")
    settings = load_settings(data_dir=data_dir)
    if profiles is None:
        return settings
    return settings.model_copy(
        update={"policy": settings.policy.model_copy(update={"profiles": tuple(profiles)})}
    )


NO_PROFILE = DEMO_POLICY.replace('profiles = ["ca"]', "profiles = []")
IMMIGRATION_PURPOSE = (
    '\n[[purposes]]\ncode = "fed-assist"\ncategory = "immigration-enforcement"\n'
    'description = "Assisting federal partners"\n'
)
WITH_IMMIGRATION = NO_PROFILE.replace("\n[[access]]", IMMIGRATION_PURPOSE + "\n[[access]]", 1)


def federal() -> Recipient:
    return Recipient(
        "dhs",
        "demo-pd",
        "A federal agency",
        EntityType.FEDERAL,
        "DC",
        "duty officer",
        "Special Agent in Charge",
        "investigations",
        date(2027, 1, 1),
        NOW,
    )


@pytest.mark.parametrize("override", [None, ["nh"], []])
def test_a_california_agency_is_under_california_whatever_names_it(
    tmp_path: Path, override: list[str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLATEKEEPER_CONFIG", raising=False)
    effective = load_effective(settings_for(tmp_path, WITH_IMMIGRATION, override), TODAY)
    assert "ca" in [profile.code for profile in effective.profiles]
    assert "fed-assist" not in {p.code for p in effective.purposes}
    assert not effective.complete
    decision = decide_recipient(effective.sharing, federal(), "homicide", TODAY)
    assert not decision.allowed, "refused outright, not sent to a custodian's approval"
    assert decision.rule is ShareRule.ENTITY_TYPE


# --- R20 beyond purposes: share requests ------------------------------------------------------


def test_a_share_request_pointing_at_immigration_is_refused_however_spelt() -> None:
    rules = resolve(policy(), CA).sharing
    state_agency = replace(
        federal(),
        entity_type=EntityType.PUBLIC_AGENCY,
        state="CA",
        agreement=Agreement(date(2026, 1, 1), date(2027, 12, 31)),
    )
    for purpose in ["ice-assist", "ERO support", "deportations", "Immigration_Enforcement"]:
        decision = decide_recipient(rules, state_agency, purpose, TODAY)
        assert decision.rule is ShareRule.FORBIDDEN_PURPOSE, purpose
    request = ShareRequest(
        "r1", "demo-pd", "dhs", "homicide", "HSI-2026-4", "clerk", NOW, read_ids=("a",)
    )
    decision = decide_share(rules, state_agency, request, TODAY, 10)
    assert decision.rule is ShareRule.FORBIDDEN_PURPOSE


# --- the policy check's sanity ----------------------------------------------------------------


@pytest.mark.parametrize("kept", ["7 days", "1 year", "729 days"])
def test_the_access_log_cannot_be_kept_less_than_its_floor(kept: str) -> None:
    text = DEMO_POLICY.replace(
        '[retention.classes.access-log]\nmax_age = "5 years"',
        f'[retention.classes.access-log]\nmax_age = "{kept}"',
    )
    (finding,) = blocking(parse_policy(text))
    assert finding.key == "retention.classes.access-log.max_age"
    assert "floor of 730 days" in finding.message


@pytest.mark.parametrize("body", ["TBD", "N/A", "-", "?", " t.b.d. ", "none", "To be determined"])
def test_a_meeting_in_the_future_held_by_nobody_blocks(body: str) -> None:
    text = DEMO_POLICY.replace('body = "Demo City Council"', f'body = "{body}"').replace(
        "date = 2026-01-13", "date = 2031-01-13"
    )
    keys = {f.key for f in blocking(parse_policy(text))}
    assert keys == {"public_comment.body", "public_comment.date"}


@pytest.mark.parametrize(
    "url", ["TBD", "council minutes", "ftp://example.org/m", "https://", "n/a"]
)
def test_the_minutes_are_a_web_address(url: str) -> None:
    text = DEMO_POLICY.replace("https://example.org/council/2026-01-13/minutes", url)
    assert [f.key for f in blocking(parse_policy(text))] == ["public_comment.minutes_url"]


@pytest.mark.parametrize("review", ["2099-01-01", "2028-07-01", "2025-12-01"])
def test_a_review_date_too_far_or_long_past_blocks(review: str) -> None:
    text = DEMO_POLICY.replace("review_date = 2027-01-01", f"review_date = {review}")
    assert [f.key for f in blocking(parse_policy(text))] == ["retention.review_date"]


def test_dates_are_judged_even_when_no_date_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLATEKEEPER_CONFIG", raising=False)
    text = DEMO_POLICY.replace("review_date = 2027-01-01", "review_date = 2099-01-01")
    assert not load_effective(settings_for(tmp_path, text)).complete


# --- the attestation, stored on both databases ------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened: Store
    if request.param == "sqlite":
        opened = SqliteStore(tmp_path / "store.sqlite3")
    else:
        opened = PostgresStore(request.getfixturevalue("postgres_schema_dsn"), min_size=1)
    opened.upgrade()
    yield opened
    opened.close()


ICE_ROAD = (
    '\n[[purposes]]\ncode = "ice-road-closure"\ncategory = "traffic-enforcement"\n'
    'description = "Enforcing ice road closures"\n'
)


def custodian(name: str = "carla") -> Person:
    return Person(Actor(name, "demo-pd"), frozenset({Role.CUSTODIAN}), "console")


def test_only_a_custodians_attestation_clears_a_flag_and_only_as_the_purpose_stood(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLATEKEEPER_CONFIG", raising=False)
    text = LIVE_POLICY.replace("\n[[access]]", ICE_ROAD + "\n[[access]]", 1)
    settings = settings_for(tmp_path, text)
    assert not load_effective_for(settings, store, TODAY).complete
    clock = FixedClock(NOW)
    service = AttestationService(settings, store, open_access_log(store, settings, clock), clock)

    analyst = Person(Actor("ann", "demo-pd"), frozenset({Role.ANALYST}), "console")
    with pytest.raises(PermissionDenied):
        service.attest(analyst, "ice-road-closure", "Frozen lake roads, not immigration")
    with pytest.raises(Conflict, match="nothing to attest"):
        service.attest(custodian(), "stolen-vehicle", "Nothing to see here at all")

    service.attest(custodian(), "ice-road-closure", "Frozen lake roads, not immigration")
    effective = load_effective_for(settings, store, TODAY)
    assert effective.complete
    assert "ice-road-closure" in {p.code for p in effective.purposes}
    logged = store.access_log.find(AccessFilter(action=ATTEST_ACTION))
    assert sorted((e.event.actor.username, e.event.outcome.value) for e in logged) == [
        ("ann", "denied"),
        ("carla", "allowed"),
        ("carla", "denied"),
    ]
    assert "carla" in [a.attested_by for a in store.purpose_attestations.list()]

    for changed in [
        text.replace("Enforcing ice road closures", "Assisting ICE on the roads"),
        text.replace(
            'code = "ice-road-closure"\ncategory = "traffic-enforcement"',
            'code = "ice-road-closure"\ncategory = "criminal-investigation"',
        ),
    ]:
        moved = settings_for(tmp_path, changed)
        again = load_effective_for(moved, store, TODAY)
        assert not again.complete, "a change to the purpose raises the flag again"
        assert "ice-road-closure" not in {p.code for p in again.purposes}


def test_a_purpose_of_a_forbidden_category_cannot_be_attested(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLATEKEEPER_CONFIG", raising=False)
    text = LIVE_POLICY.replace("\n[[access]]", IMMIGRATION_PURPOSE + "\n[[access]]", 1)
    settings = settings_for(tmp_path, text)
    clock = FixedClock(NOW)
    service = AttestationService(settings, store, open_access_log(store, settings, clock), clock)
    with pytest.raises(Conflict, match="no attestation can allow it"):
        service.attest(custodian(), "fed-assist", "We promise it is something else")


def test_a_state_registered_in_the_store_brings_its_profile(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLATEKEEPER_CONFIG", raising=False)
    text = NO_PROFILE.replace('state = "CA"', 'state = ""')
    settings = settings_for(tmp_path, text)
    assert "ca" not in [p.code for p in load_effective_for(settings, store, TODAY).profiles]
    store.agencies.add(Agency(id="demo-pd", name="Demo PD", state="CA", created_at=NOW))
    assert "ca" in [p.code for p in load_effective_for(settings, store, TODAY).profiles]
