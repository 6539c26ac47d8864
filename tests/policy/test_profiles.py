"""Each shipped profile loads, holds its ceiling, and combines by the most restrictive rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from platekeeper.domain.policy import (
    PolicyPurpose,
    RetentionPeriod,
    beyond_ceiling,
    effective_retention,
)
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.domain.retention import DataClass
from platekeeper.domain.sharing import EntityType
from platekeeper.errors import ConfigError, InvalidInput, NotFound
from platekeeper.policy.durations import parse_age
from platekeeper.policy.profiles import available_profiles, load_profile, parse_profile
from platekeeper.policy.resolve import resolve
from tests.policy.samples import complete_policy

CEILINGS = {
    "nh": timedelta(minutes=3),
    "me": timedelta(days=21),
    "va": timedelta(days=21),
    "mn": timedelta(days=60),
    "ar": timedelta(days=150),
    "ut": timedelta(days=9 * 30),
    "vt": timedelta(days=18 * 30),
    "ga": timedelta(days=30 * 30),
}
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_every_listed_jurisdiction_ships() -> None:
    assert set(available_profiles()) >= {"ca", *CEILINGS}


def non_hit_ceiling(code: str) -> RetentionPeriod | None:
    profile = load_profile(code)
    (rule,) = [r for r in profile.retention if r.data_class is DataClass.NON_HIT_READS]
    assert rule.citation
    return RetentionPeriod(rule.data_class, rule.max_age, rule.min_age)


@pytest.mark.parametrize("code", sorted(CEILINGS))
def test_each_profile_has_its_stated_ceiling(code: str) -> None:
    period = non_hit_ceiling(code)
    assert period is not None
    assert period.max_age == CEILINGS[code]


@pytest.mark.parametrize("code", sorted(CEILINGS))
def test_a_read_is_kept_until_the_ceiling_and_purged_after(code: str) -> None:
    policy = replace(complete_policy(), retention=replace(complete_policy().retention, periods=()))
    rule = effective_retention(policy, [load_profile(code)])[DataClass.NON_HIT_READS]
    ceiling = CEILINGS[code]
    assert not beyond_ceiling(rule, NOW - ceiling + timedelta(seconds=1), NOW)
    assert not beyond_ceiling(rule, NOW - ceiling, NOW)
    assert beyond_ceiling(rule, NOW - ceiling - timedelta(seconds=1), NOW)


def test_california_sets_no_ceiling_but_restricts_sharing_and_purposes() -> None:
    ca = load_profile("ca")
    assert ca.retention == ()
    assert ca.sharing is not None
    assert ca.sharing.entity_types == {EntityType.PUBLIC_AGENCY}
    assert ca.sharing.states == frozenset({"CA"})
    assert "2023-DLE-06" in ca.sharing.citation
    assert [f.category for f in ca.forbidden_purposes] == [PurposeCategory.IMMIGRATION_ENFORCEMENT]
    assert ca.public_comment_citation is not None


def test_the_most_restrictive_ceiling_wins_across_profiles() -> None:
    effective = resolve(complete_policy(), [load_profile("vt"), load_profile("mn")])
    rule = effective.retention[DataClass.NON_HIT_READS]
    assert rule.max_age == timedelta(days=30)  # the policy's own 30 days beats 60 and 540
    assert "policy file" in rule.source
    policy = replace(complete_policy(), retention=replace(complete_policy().retention, periods=()))
    effective = resolve(policy, [load_profile("vt"), load_profile("mn")])
    rule = effective.retention[DataClass.NON_HIT_READS]
    assert rule.max_age == timedelta(days=60)
    assert "Minnesota" in rule.source


def test_a_floor_above_the_ceiling_stays_a_conflict_in_the_rule() -> None:
    policy = complete_policy()
    periods = (RetentionPeriod(DataClass.NON_HIT_READS, timedelta(days=30), timedelta(days=7)),)
    policy = replace(policy, retention=replace(policy.retention, periods=periods))
    effective = resolve(policy, [load_profile("nh")])
    rule = effective.retention[DataClass.NON_HIT_READS]
    assert rule.max_age == timedelta(minutes=3)
    assert rule.min_age == timedelta(days=7)
    assert rule.conflict is not None
    assert not effective.complete


def test_sharing_rules_are_narrowed_by_every_profile_and_cite_them() -> None:
    policy = complete_policy()
    policy = replace(
        policy, sharing=replace(policy.sharing, entity_types=frozenset(EntityType), states=None)
    )
    rules = resolve(policy, [load_profile("ca"), load_profile("ar")]).sharing
    assert rules.enabled
    assert rules.allowed_entity_types == {EntityType.PUBLIC_AGENCY}
    assert rules.allowed_states == frozenset({"CA"})
    assert "immigration-enforcement" in rules.forbidden_purposes
    assert "1798.90.55(b)" in rules.citations["entity-type"]
    assert "12-12-1804(d)" in rules.citations["entity-type"]
    assert "7284.6" in rules.citations["forbidden-purpose"]


def test_a_forbidden_purpose_is_never_authorised() -> None:
    policy = complete_policy()
    policy = replace(
        policy,
        purposes=(
            *policy.purposes,
            PolicyPurpose("immigration-enforcement", "x", PurposeCategory.IMMIGRATION_ENFORCEMENT),
        ),
    )
    codes = [p.code for p in resolve(policy, [load_profile("ca")]).purposes]
    assert "immigration-enforcement" not in codes
    assert "stolen-vehicle" in codes


def test_an_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(NotFound, match="there is no jurisdiction profile 'zz'") as caught:
        load_profile("zz")
    assert "ca" in (caught.value.hint or "")


def test_a_bad_profile_names_the_key() -> None:
    with pytest.raises(ConfigError, match=r"retention\.0\.data_class"):
        parse_profile(
            'code = "xx"\nname = "X"\nstate = "XX"\n[[retention]]\ndata_class = "reads"\n'
            'citation = "s. 1"\n',
            "xx",
        )


@pytest.mark.parametrize(
    ("text", "ceiling", "floor"),
    [
        ("3 minutes", timedelta(minutes=3), timedelta(minutes=3)),
        ("21 days", timedelta(days=21), timedelta(days=21)),
        ("9 months", timedelta(days=270), timedelta(days=279)),
        ("1 year", timedelta(days=365), timedelta(days=366)),
    ],
)
def test_calendar_periods_are_read_short_as_ceilings_and_long_as_floors(
    text: str, ceiling: timedelta, floor: timedelta
) -> None:
    assert parse_age(text, "ceiling") == ceiling
    assert parse_age(text, "floor") == floor


@pytest.mark.parametrize("text", ["", "0 days", "soon", "3 fortnights", "-1 days"])
def test_a_period_that_names_no_time_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_age(text, "ceiling")
