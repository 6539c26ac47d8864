"""R37: the public report has a schedule, from the law of each applying profile.

On the starting commit the transparency report was produced on demand only, and no profile said
how often it must be published. Now Arkansas's profile carries six months, New Hampshire's and
Virginia's a year, each with its citation, and any other agency a year by default; the shortest
interval of the applying profiles wins.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.domain.publication import (
    DEFAULT_INTERVAL_MONTHS,
    GRACE,
    publication_due,
    publication_overdue,
    publication_schedule,
)
from platekeeper.policy.profiles import available_profiles, load_profile, load_profiles
from tests.conftest import NOW


@pytest.mark.parametrize(("code", "months"), [("ar", 6), ("nh", 12), ("va", 12)])
def test_the_profiles_carry_their_reporting_interval_with_a_citation(
    code: str, months: int
) -> None:
    reporting = load_profile(code).reporting
    assert reporting is not None
    assert reporting.interval_months == months
    assert reporting.citation.strip()


def test_the_shortest_interval_wins_and_others_default_to_a_year() -> None:
    assert publication_schedule(load_profiles(["va", "ar", "nh"])).interval_months == 6
    assert publication_schedule(load_profiles(["ca"])).interval_months == DEFAULT_INTERVAL_MONTHS
    assert publication_schedule([]).interval_months == DEFAULT_INTERVAL_MONTHS
    # No shipped profile sets a longer interval than the default.
    for code in available_profiles():
        assert publication_schedule([load_profile(code)]).interval_months <= 12


def test_a_report_is_due_when_none_was_published_or_the_last_is_an_interval_old() -> None:
    arkansas = publication_schedule(load_profiles(["ar"]))
    assert publication_due(arkansas, None, NOW)
    assert not publication_due(arkansas, NOW - timedelta(days=150), NOW)
    assert publication_due(arkansas, NOW - timedelta(days=183), NOW)


def test_a_missed_schedule_is_overdue_after_its_grace() -> None:
    yearly = publication_schedule([])
    began = NOW - yearly.interval - GRACE
    assert not publication_overdue(yearly, None, began, NOW)
    assert publication_overdue(yearly, None, began - timedelta(days=1), NOW)
    assert not publication_overdue(
        yearly, NOW - timedelta(days=30), began - timedelta(days=900), NOW
    )
