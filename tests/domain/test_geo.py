"""Areas a search covers: a box or a circle, as the API and the log write them."""

from __future__ import annotations

import math

import pytest

from platekeeper.domain import GeoPoint
from platekeeper.domain.geo import (
    EARTH_MEAN_RADIUS_M,
    METRES_PER_DEGREE,
    GeoBox,
    GeoCircle,
    parse_area,
)
from platekeeper.errors import InvalidInput

SACRAMENTO = GeoCircle(38.5816, -121.4944, 1000)


def _haversine_m(a: GeoPoint, b: GeoPoint) -> float:
    phi_a, phi_b = math.radians(a.latitude), math.radians(b.latitude)
    dphi, dlambda = phi_b - phi_a, math.radians(b.longitude - a.longitude)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_MEAN_RADIUS_M * math.asin(math.sqrt(h))


@pytest.mark.parametrize("bearing_deg", [0, 45, 90, 135, 180, 270])
def test_a_circle_holds_what_lies_within_its_radius_on_the_ground(bearing_deg: int) -> None:
    centre = GeoPoint(SACRAMENTO.latitude, SACRAMENTO.longitude)
    for distance_m, inside in [(990.0, True), (1010.0, False)]:
        north_m = distance_m * math.cos(math.radians(bearing_deg))
        east_m = distance_m * math.sin(math.radians(bearing_deg))
        point = GeoPoint(
            centre.latitude + north_m / METRES_PER_DEGREE,
            centre.longitude + east_m / SACRAMENTO.metres_per_degree_east,
        )
        assert _haversine_m(centre, point) == pytest.approx(distance_m, rel=0.001)
        assert SACRAMENTO.contains(point) is inside


def test_a_circles_bounds_touch_it_on_every_side() -> None:
    box = SACRAMENTO.bounds()
    assert (box.north - SACRAMENTO.latitude) * METRES_PER_DEGREE == pytest.approx(1000)
    assert (SACRAMENTO.longitude - box.west) * SACRAMENTO.metres_per_degree_east == (
        pytest.approx(1000)
    )
    assert box.contains(GeoPoint(box.north, box.east))
    assert not SACRAMENTO.contains(GeoPoint(box.north, box.east))


@pytest.mark.parametrize("radius_m", [0.0, -5.0, 50_001.0, math.nan])
def test_a_radius_out_of_bounds_is_refused_with_its_limits(radius_m: float) -> None:
    with pytest.raises(InvalidInput, match=r"outside 1\.\.50000 m"):
        GeoCircle(38.58, -121.49, radius_m)


def test_areas_parse_as_the_api_takes_them_and_print_the_same_way() -> None:
    box = parse_area("34.0,-118.3,34.1,-118.2")
    assert box == GeoBox(34.0, -118.3, 34.1, -118.2)
    circle = parse_area("34.05,-118.25,1500")
    assert circle == GeoCircle(34.05, -118.25, 1500.0)
    assert parse_area(str(box)) == box
    assert parse_area(str(circle)) == circle


@pytest.mark.parametrize("text", ["", "34.0,-118.3", "a,b,c,d", "1,2,3,4,5"])
def test_an_area_that_is_neither_a_box_nor_a_circle_says_how_to_write_both(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_area(text)
    assert "south,west,north,east" in (refused.value.hint or "")
    assert "radius in metres" in (refused.value.hint or "")
