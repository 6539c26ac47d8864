"""The agency's time zone: its state's main zone, IANA names only, and one way to show an
instant on its clock, daylight saving included."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from platekeeper.domain import Agency
from platekeeper.domain.zones import (
    instant_of,
    local_iso,
    local_time,
    require_zone,
    zone_for_state,
)
from platekeeper.errors import InvalidInput

WINTER = datetime(2026, 1, 15, 20, 30, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 20, 30, tzinfo=UTC)


def test_a_us_state_has_its_main_zone_and_other_places_none() -> None:
    assert zone_for_state("CA") == "America/Los_Angeles"
    assert zone_for_state(" ca ") == "America/Los_Angeles"
    assert zone_for_state("AZ") == "America/Phoenix"  # no daylight saving
    assert zone_for_state("TX") == "America/Chicago"
    assert zone_for_state("ON") is None
    for zone in {zone_for_state(state) for state in ("NY", "HI", "AK", "IN", "PR")}:
        assert zone is not None
        assert require_zone(zone) == zone


def test_times_read_on_the_agencys_clock_with_daylight_saving() -> None:
    assert local_time(WINTER, "America/Los_Angeles") == "2026-01-15 12:30:00 PST"
    assert local_time(SUMMER, "America/Los_Angeles") == "2026-07-15 13:30:00 PDT"
    assert local_time(SUMMER, "America/Phoenix", "%H:%M %Z") == "13:30 MST"
    assert local_time(WINTER, "UTC") == "2026-01-15 20:30:00 UTC"
    assert local_iso(SUMMER, "America/Los_Angeles") == "2026-07-15T13:30:00.000000-07:00"


def test_a_zone_that_is_not_one_is_refused_with_an_example() -> None:
    for wrong in ("Pacific Time", "PST", "America/Nowhere", "../etc/passwd", ""):
        with pytest.raises(InvalidInput) as refused:
            require_zone(wrong)
        assert "IANA" in (refused.value.hint or "")


def test_an_agency_takes_its_states_zone_unless_given_one() -> None:
    assert Agency("sac-pd", "Sacramento PD", "CA", WINTER).time_zone == "America/Los_Angeles"
    assert Agency("tor-ps", "Toronto PS", "ON", WINTER).time_zone == "UTC"
    given = Agency("tor-ps", "Toronto PS", "ON", WINTER, time_zone="America/Toronto")
    assert given.time_zone == "America/Toronto"
    with pytest.raises(InvalidInput):
        Agency("x-pd", "X", "CA", WINTER, time_zone="Mars/Olympus")


def test_a_time_typed_on_the_agencys_clock_is_the_instant_it_names() -> None:
    pacific = "America/Los_Angeles"
    assert instant_of(datetime(2026, 1, 15, 12, 30), pacific) == WINTER
    assert instant_of(datetime(2026, 7, 15, 13, 30), pacific) == SUMMER
    assert instant_of(datetime(2026, 1, 15, 20, 30), "UTC") == WINTER
    assert instant_of(WINTER.astimezone(ZoneInfo("Asia/Tokyo")), pacific) == WINTER


def test_the_clocks_changes_are_read_as_the_person_meant() -> None:
    pacific = "America/Los_Angeles"
    # 02:30 on 8 March 2026 never happened in California: it is read as 03:30 PDT.
    skipped = instant_of(datetime(2026, 3, 8, 2, 30), pacific)
    assert skipped == datetime(2026, 3, 8, 10, 30, tzinfo=UTC)
    assert instant_of(datetime(2026, 3, 8, 2, 30), pacific, later=True) == skipped
    # 01:30 on 1 November 2026 happened twice: a start takes the first, an end the second.
    repeated = datetime(2026, 11, 1, 1, 30)
    assert instant_of(repeated, pacific) == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    assert instant_of(repeated, pacific, later=True) == datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
