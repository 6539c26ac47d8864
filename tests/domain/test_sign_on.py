"""Single sign-on's rules: the second factor the provider must vouch for, and who it says came."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.domain.sign_on import (
    REQUEST_LIFETIME,
    ClaimNames,
    DirectoryPerson,
    SecondFactorEvidence,
    SignOnRequest,
)
from platekeeper.errors import InvalidInput
from tests.conftest import NOW

EVIDENCE = SecondFactorEvidence(frozenset({"mfa", "otp", "hwk"}), frozenset({"phr"}))
NAMES = ClaimNames(username="preferred_username", groups="groups")
CLAIMS = {
    "iss": "https://login.example.gov",
    "sub": "00u1abc",
    "preferred_username": "Jane.Roe@Agency.gov",
    "name": "Jane Roe",
    "groups": ["ALPR-Analysts"],
}


@pytest.mark.parametrize(
    "claims",
    [
        {"amr": ["pwd", "otp"]},
        {"amr": ["mfa"]},
        {"amr": ["hwk", "user"]},
        {"amr": ["pwd"], "acr": "phr"},
    ],
)
def test_a_second_factor_the_provider_reports_is_accepted(claims: dict[str, object]) -> None:
    decision = EVIDENCE.decide(claims)
    assert decision.allowed, decision.reason


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"amr": ["pwd"]},
        {"amr": []},
        {"amr": "otp"},  # a string, not the list RFC 8176 asks for: no claim at all
        {"amr": ["pwd"], "acr": "urn:example:pwd"},
        {"acr": ["phr"]},
        {"amr": ["OTP"]},  # amr values are case-sensitive
    ],
)
def test_a_sign_in_without_a_reported_second_factor_is_refused(claims: dict[str, object]) -> None:
    decision = EVIDENCE.decide(claims)
    assert not decision.allowed
    assert "no second factor" in decision.reason


def test_some_evidence_must_be_accepted() -> None:
    with pytest.raises(InvalidInput, match="no amr or acr"):
        SecondFactorEvidence(frozenset(), frozenset())


def test_the_person_is_read_from_the_claims() -> None:
    person = DirectoryPerson.from_claims(CLAIMS, NAMES)
    assert person == DirectoryPerson(
        "https://login.example.gov", "00u1abc", "jane.roe", "Jane Roe", ("ALPR-Analysts",)
    )


def test_no_groups_claim_means_no_groups() -> None:
    claims = {k: v for k, v in CLAIMS.items() if k != "groups"}
    assert DirectoryPerson.from_claims(claims, NAMES).groups == ()


@pytest.mark.parametrize(
    ("claim", "value", "message"),
    [
        ("groups", "ALPR-Analysts", "not a list of group names"),
        ("groups", [1, 2], "not a list of group names"),
        ("preferred_username", None, "no 'preferred_username' claim"),
        ("preferred_username", " ", "no 'preferred_username' claim"),
        ("sub", None, "no 'sub' claim"),
    ],
)
def test_claims_of_the_wrong_shape_are_refused(claim: str, value: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        DirectoryPerson.from_claims({**CLAIMS, claim: value}, NAMES)


def test_without_a_name_the_username_stands_for_it() -> None:
    assert DirectoryPerson.from_claims({**CLAIMS, "name": ""}, NAMES).display_name == "jane.roe"


def test_a_sign_in_under_way_expires() -> None:
    request = SignOnRequest("hash", "state", "nonce", "verifier", "/search", NOW)
    assert not request.expired(NOW + REQUEST_LIFETIME)
    assert request.expired(NOW + REQUEST_LIFETIME + timedelta(seconds=1))
