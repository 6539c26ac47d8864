"""The policy file is read strictly: unknown keys and bad values name the key and the line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from platekeeper.demo.policy import DEMO_POLICY
from platekeeper.domain.retention import DataClass
from platekeeper.errors import ConfigError, NotFound
from platekeeper.policy.loader import load_policy, parse_policy


def test_the_demo_policy_reads_into_the_model() -> None:
    policy = parse_policy(DEMO_POLICY)
    assert policy.agency.id == "demo-pd"
    assert policy.profiles == ("ca",)
    ages = {p.data_class: p.max_age for p in policy.retention.periods}
    assert ages[DataClass.NON_HIT_READS] == timedelta(days=30)
    assert ages[DataClass.ACCESS_LOG] == timedelta(days=5 * 365)


def test_an_unknown_key_is_named_with_its_line() -> None:
    text = DEMO_POLICY.replace("sample_size = 50", "sample_size = 50\nsampel = 3")
    line = text.splitlines().index("sampel = 3") + 1
    with pytest.raises(ConfigError) as caught:
        parse_policy(text)
    assert caught.value.fields[0].location == "monitoring.sampel"
    assert f"line {line}" in caught.value.fields[0].message


def test_a_bad_period_is_named_with_its_key() -> None:
    text = DEMO_POLICY.replace('max_age = "30 days"', 'max_age = "a month or so"')
    with pytest.raises(ConfigError, match=r"retention\.classes\.non-hit-reads\.max_age"):
        parse_policy(text)


def test_a_todo_period_is_absent_for_the_check_to_report() -> None:
    text = DEMO_POLICY.replace('max_age = "30 days"', 'max_age = "TODO"')
    periods = {p.data_class: p for p in parse_policy(text).retention.periods}
    assert periods[DataClass.NON_HIT_READS].max_age is None


def test_bad_toml_and_a_missing_file_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        parse_policy("custodian_title = ")
    with pytest.raises(NotFound, match="no policy file") as caught:
        load_policy(tmp_path / "policy.toml")
    assert "policy init" in (caught.value.hint or "")
