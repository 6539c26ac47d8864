"""check_policy names each missing element of Civil Code 1798.90.51(b)(2) and each conflict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

import pytest

from platekeeper.demo.policy import demo_policy
from platekeeper.domain.policy import (
    Accuracy,
    JurisdictionProfile,
    Monitoring,
    PolicyFinding,
    PolicyPurpose,
    RetentionPeriod,
    Severity,
    UsagePolicy,
    check_policy,
    is_complete,
)
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.domain.retention import DEFAULT_CEILINGS, DataClass
from platekeeper.domain.sharing import EntityType
from platekeeper.policy.loader import parse_policy
from platekeeper.policy.profiles import load_profiles
from tests.policy.samples import complete_policy

CA = tuple(load_profiles(["ca"]))


def blocking(
    policy: UsagePolicy, profiles: Sequence[JurisdictionProfile] = CA
) -> list[PolicyFinding]:
    return [f for f in check_policy(policy, profiles) if f.blocking]


def test_the_demo_policy_is_complete_under_california() -> None:
    findings = check_policy(complete_policy(), CA, date(2026, 6, 1))
    assert findings == []
    assert is_complete(findings)


def _without(element: str) -> UsagePolicy:
    policy = complete_policy()
    retention = replace(policy.retention, periods=(), destruction_process="")
    sharing = replace(policy.sharing, restrictions="", purposes="", process="")
    return {
        "A": replace(policy, purposes=()),
        "B": replace(policy, access=()),
        "C": replace(policy, monitoring=Monitoring("", "TODO", None)),
        "D": replace(policy, sharing=sharing),
        "E": replace(policy, custodian_title="TODO: the title"),
        "F": replace(policy, accuracy=Accuracy("", "")),
        "G": replace(policy, retention=retention),
    }[element]


@pytest.mark.parametrize("element", list("ABCDEFG"))
def test_each_missing_element_is_named(element: str) -> None:
    findings = blocking(_without(element))
    assert findings
    assert {f.element for f in findings} == {element}
    assert all(f.severity is Severity.MISSING for f in findings)
    assert all(f.key.split(".")[0] in f.message for f in findings), "names the key"


def test_retention_names_each_data_class_missing() -> None:
    keys = {f.key for f in blocking(_without("G"))}
    for data_class in DataClass:
        # A class with PlateKeeper's default ceiling (the alert outbox) may go unstated.
        stated = f"retention.classes.{data_class.value}.max_age" in keys
        assert stated is (data_class not in DEFAULT_CEILINGS)
    assert "retention.destruction_process" in keys


def test_a_public_agency_needs_its_public_comment_record() -> None:
    policy = replace(complete_policy(), public_comment=None)
    (finding,) = blocking(policy)
    assert (finding.element, finding.key) == ("public-comment", "public_comment")
    assert "1798.90.55(a)" in finding.message
    private = replace(policy, agency=replace(policy.agency, public_agency=False))
    assert blocking(private) == []


def test_a_forbidden_purpose_is_a_conflict_citing_the_law() -> None:
    policy = complete_policy()
    purposes = (
        *policy.purposes,
        PolicyPurpose(
            "civil-immigration", "Immigration enforcement", PurposeCategory.IMMIGRATION_ENFORCEMENT
        ),
    )
    (finding,) = blocking(replace(policy, purposes=purposes))
    assert finding.severity is Severity.CONFLICT
    assert finding.element == "profile:ca"
    assert "7284.6" in finding.message


def test_sharing_beyond_california_public_agencies_is_a_conflict() -> None:
    policy = complete_policy()
    sharing = replace(
        policy.sharing,
        entity_types=frozenset({EntityType.PUBLIC_AGENCY, EntityType.FEDERAL}),
        states=frozenset({"CA", "NV"}),
    )
    findings = blocking(replace(policy, sharing=sharing))
    assert {(f.key, f.severity) for f in findings} == {
        ("sharing.entity_types", Severity.CONFLICT),
        ("sharing.states", Severity.CONFLICT),
    }
    assert all("1798.90.55(b)" in f.message for f in findings)
    any_state = blocking(replace(policy, sharing=replace(policy.sharing, states=None)))
    assert [f.key for f in any_state] == ["sharing.states"]


def test_a_period_longer_than_a_profile_allows_is_a_conflict() -> None:
    policy = complete_policy()  # non-hit reads: 30 days
    (finding,) = blocking(policy, load_profiles(["me"]))
    assert finding.key == "retention.classes.non-hit-reads.max_age"
    assert "21 days" in finding.message
    assert "2117-A" in finding.message


def test_a_floor_above_the_ceiling_is_reported_not_resolved() -> None:
    policy = complete_policy()
    periods = tuple(
        replace(p, max_age=timedelta(minutes=1), min_age=timedelta(days=7))
        if p.data_class is DataClass.NON_HIT_READS
        else p
        for p in policy.retention.periods
    )
    findings = blocking(replace(policy, retention=replace(policy.retention, periods=periods)))
    (conflict,) = [f for f in findings if f.key.endswith("min_age")]
    assert conflict.severity is Severity.CONFLICT
    assert "floor of 7 days" in conflict.message


def test_a_review_just_overdue_is_a_warning_only() -> None:
    # The demo's review date is 2027-01-01; past a grace of 90 days it blocks
    # (tests/loopholes/test_purposes.py).
    findings = check_policy(complete_policy(), CA, date(2027, 2, 1))
    assert [(f.key, f.severity) for f in findings] == [("retention.review_date", Severity.WARNING)]
    assert is_complete(findings)


def test_no_profile_is_a_warning() -> None:
    findings = check_policy(complete_policy(), [])
    assert [f.severity for f in findings] == [Severity.WARNING]


def test_a_period_given_only_as_a_floor_is_missing_its_ceiling() -> None:
    policy = complete_policy()
    periods = (RetentionPeriod(DataClass.NON_HIT_READS, None, timedelta(days=1)),)
    keys = {
        f.key
        for f in blocking(replace(policy, retention=replace(policy.retention, periods=periods)))
    }
    assert "retention.classes.non-hit-reads.max_age" in keys


@pytest.mark.parametrize("year", [2027, 2030, 2041])
@pytest.mark.parametrize("month_day", [(1, 1), (4, 2), (12, 31)])
def test_the_demo_policy_is_complete_whenever_it_runs(
    year: int, month_day: tuple[int, int]
) -> None:
    """The demo's review date moves with the year it is written in, so that the demo, and the
    tests and benchmarks that serve it, never expire on a fixed day."""
    day = date(year, *month_day)
    text = demo_policy(date(day.year + 1, 1, 1))  # what DEMO_POLICY holds on ``day``
    findings = check_policy(parse_policy(text), CA, day)
    assert is_complete(findings), [f.message for f in findings if f.blocking]
