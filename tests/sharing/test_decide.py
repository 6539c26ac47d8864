"""The pure decision: every refusal names its rule and cites where the rule is written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from platekeeper.domain.recipients import (
    SHARING_OFF,
    Agreement,
    Recipient,
    RecipientStatus,
    ShareRequest,
    ShareRule,
    decide_share,
)
from platekeeper.domain.sharing import EntityType, SharingRules
from platekeeper.errors import InvalidInput, PermissionDenied
from tests.conftest import NOW
from tests.policy.samples import california_sharing
from tests.sharing.samples import TODAY, federal, make_recipient, make_request

CA = california_sharing()
AG_BULLETIN = "2023-DLE-06"

REFUSALS = [
    ("out-of-state", CA, make_recipient(state="NV"), make_request(), ShareRule.STATE, AG_BULLETIN),
    ("federal", CA, federal(), make_request(), ShareRule.ENTITY_TYPE, "1798.90.55(b)"),
    (
        "private",
        CA,
        make_recipient(entity_type=EntityType.PRIVATE),
        make_request(),
        ShareRule.ENTITY_TYPE,
        "1798.90.55(b)",
    ),
    (
        "no agreement",
        CA,
        make_recipient(agreement=None),
        make_request(),
        ShareRule.AGREEMENT,
        "current written agreement",
    ),
    (
        "expired agreement",
        CA,
        make_recipient(agreement=Agreement(date(2024, 1, 1), date(2026, 11, 27))),
        make_request(),
        ShareRule.AGREEMENT,
        "current written agreement",
    ),
    (
        "review overdue",
        CA,
        make_recipient(next_review_on=date(2026, 11, 1)),
        make_request(),
        ShareRule.REVIEW_OVERDUE,
        "next review date",
    ),
    (
        "forbidden purpose",
        CA,
        make_recipient(),
        make_request(purpose="Immigration Enforcement"),
        ShareRule.FORBIDDEN_PURPOSE,
        "7284.6",
    ),
    (
        "sharing disabled",
        SHARING_OFF,
        make_recipient(),
        make_request(),
        ShareRule.SHARING_DISABLED,
        "sharing is off",
    ),
    (
        "suspended recipient",
        CA,
        replace(make_recipient(), status=RecipientStatus.SUSPENDED),
        make_request(),
        ShareRule.RECIPIENT_INACTIVE,
        "active registered recipients",
    ),
    (
        "too many reads",
        CA,
        make_recipient(),
        make_request(read_ids=tuple(f"r{i}" for i in range(4))),
        ShareRule.TOO_MANY_READS,
        "max_reads_per_request",
    ),
    ("no reads", CA, make_recipient(), make_request(read_ids=()), ShareRule.NO_READS, "specific"),
]


@pytest.mark.parametrize(
    ("rules", "recipient", "request_", "rule", "cited"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_every_refusal_cites_its_rule(
    rules: SharingRules, recipient: Recipient, request_: ShareRequest, rule: ShareRule, cited: str
) -> None:
    decision = decide_share(rules, recipient, request_, TODAY, max_reads=3)
    assert not decision.allowed
    assert decision.rule is rule
    assert decision.citation is not None
    assert cited in decision.citation
    assert decision.reason


def test_a_california_public_agency_with_a_current_agreement_is_allowed() -> None:
    decision = decide_share(CA, make_recipient(), make_request(), TODAY, max_reads=3)
    assert decision.allowed
    assert decision.rule is None


def test_the_agreement_counts_on_its_last_day() -> None:
    last_day = make_recipient(agreement=Agreement(date(2026, 1, 1), TODAY))
    assert decide_share(CA, last_day, make_request(), TODAY, max_reads=3).allowed


def test_sharing_off_refuses_before_anything_else() -> None:
    decision = decide_share(SHARING_OFF, federal(), make_request(), TODAY, max_reads=3)
    assert decision.rule is ShareRule.SHARING_DISABLED


def test_nobody_decides_a_request_they_entered() -> None:
    request = make_request(requested_by="casey")
    with pytest.raises(PermissionDenied, match="they entered"):
        request.decided("casey", True, NOW)
    assert request.decided("cora", True, NOW).decided_by == "cora"


def test_purposes_are_codes_whatever_their_spelling() -> None:
    assert make_request(purpose="Immigration_Enforcement").purpose == "immigration-enforcement"
    with pytest.raises(InvalidInput):
        make_request(purpose="!")
