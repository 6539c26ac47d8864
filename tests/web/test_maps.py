"""The offline maps' drawing logic, on its own: projection, fitting, scale bar and tiles."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from platekeeper.domain import CameraKind, GeoPoint
from platekeeper.domain.geo import GeoBox, GeoCircle
from platekeeper.web.maps import (
    MARGIN_PX,
    MIN_SPAN_M,
    MapView,
    Place,
    PlaceKind,
    TileLayer,
    draw_map,
    latitude_at,
    mercator,
    moving_cameras,
    places_of_cameras,
    places_of_reads,
    tile_of,
)
from tests.conftest import NOW, make_camera, make_read

WEST_CAMERA = Place("Elm St", GeoPoint(38.5800, -121.5000), PlaceKind.CAMERA)
EAST_READ = Place("Oak Ave (2)", GeoPoint(38.5900, -121.4800), PlaceKind.READ)
NORTH_READ = Place("K St (1)", GeoPoint(38.6000, -121.4900), PlaceKind.READ)


def test_projection_keeps_relative_positions() -> None:
    view = draw_map([WEST_CAMERA, EAST_READ, NORTH_READ])
    west, east, north = view.markers
    assert west.x < north.x < east.x  # west to east, left to right
    assert north.y < east.y < west.y  # north is up
    for marker in view.markers:
        assert MARGIN_PX - 0.1 <= marker.x <= view.width - MARGIN_PX + 0.1
        assert MARGIN_PX - 0.1 <= marker.y <= view.height - MARGIN_PX + 0.1


def test_distances_keep_their_proportions_east_and_north() -> None:
    # 0.01 degrees of latitude is 1.11 km; of longitude at 38.6 degrees, 0.87 km.
    a = Place("a", GeoPoint(38.60, -121.50), PlaceKind.CAMERA)
    east = Place("b", GeoPoint(38.60, -121.49), PlaceKind.CAMERA)
    north = Place("c", GeoPoint(38.61, -121.50), PlaceKind.CAMERA)
    view = draw_map([a, east, north])
    origin, to_east, to_north = view.markers
    ratio = (to_east.x - origin.x) / (origin.y - to_north.y)
    assert ratio == pytest.approx(0.782, abs=0.01)


def test_mercator_round_trips_latitude_and_centres_the_origin() -> None:
    assert mercator(GeoPoint(0.0, 0.0)) == pytest.approx((0.5, 0.5))
    _, y = mercator(GeoPoint(38.5816, -121.4944))
    assert latitude_at(y) == pytest.approx(38.5816)


def test_a_single_place_is_centred_with_a_scale_bar() -> None:
    view = draw_map([WEST_CAMERA], width=640, height=400)
    [marker] = view.markers
    assert (marker.x, marker.y) == (320.0, 200.0)
    assert view.scale is not None
    # At least 400 m fits the height less its margins; the bar is a round length.
    assert view.scale.label == "200 m"
    px_per_m = (400 - 2 * MARGIN_PX) / MIN_SPAN_M
    assert view.scale.length_px == pytest.approx(200 * px_per_m, abs=0.2)


def test_nothing_to_draw_is_an_empty_view() -> None:
    view = draw_map([])
    assert view == MapView(640, 400)
    assert view.empty


def test_an_area_is_drawn_as_a_box_around_its_places() -> None:
    area = GeoBox(38.57, -121.52, 38.61, -121.44)
    view = draw_map([WEST_CAMERA, EAST_READ], area=area)
    assert view.area is not None
    for marker in view.markers:
        assert view.area.x < marker.x < view.area.x + view.area.width
        assert view.area.y < marker.y < view.area.y + view.area.height
    assert view.scale is not None
    assert view.scale.label.endswith("km")


def test_a_label_near_the_right_edge_is_drawn_to_the_left() -> None:
    view = draw_map([WEST_CAMERA, EAST_READ])
    assert [marker.label_anchor for marker in view.markers] == ["start", "end"]


@pytest.mark.parametrize(
    ("latitude", "longitude", "zoom", "tile"),
    [
        (51.5074, -0.1278, 10, (511, 340)),  # London
        (0.0, 0.0, 1, (1, 1)),
        (-33.8688, 151.2093, 0, (0, 0)),
        (85.1, 180.0, 3, (7, 0)),  # beyond Mercator's edge: the last tile, not past it
    ],
)
def test_tile_numbers_for_known_places(
    latitude: float, longitude: float, zoom: int, tile: tuple[int, int]
) -> None:
    assert tile_of(GeoPoint(latitude, longitude), zoom) == tile


def test_tiles_cover_the_view_under_the_markers() -> None:
    url = "https://tiles.example/{z}/{x}/{y}.png"
    view = draw_map([WEST_CAMERA, EAST_READ], tiles=TileLayer(url))
    assert view.tiles
    zooms = {tile.href.split("/")[3] for tile in view.tiles}
    assert len(zooms) == 1
    zoom = int(zooms.pop())
    x, y = tile_of(WEST_CAMERA.position, zoom)
    assert f"https://tiles.example/{zoom}/{x}/{y}.png" in {tile.href for tile in view.tiles}
    assert min(tile.x for tile in view.tiles) <= 0 <= max(tile.x + tile.size for tile in view.tiles)
    right = max(tile.x + tile.size for tile in view.tiles)
    bottom = max(tile.y + tile.size for tile in view.tiles)
    assert right >= view.width
    assert bottom >= view.height
    # A tile is drawn at about its own size, neither blurred nor tiny.
    assert all(128 <= tile.size <= 512 for tile in view.tiles)


def test_without_a_tile_url_no_tile_is_drawn() -> None:
    assert draw_map([WEST_CAMERA]).tiles == ()


def test_reads_are_grouped_by_where_they_were_taken() -> None:
    camera, _ = make_camera("main-st-north")
    fixed = replace(make_read(0), location=None)
    moving = [make_read(i, captured_at=NOW - timedelta(hours=i)) for i in (1, 2)]
    places = places_of_reads([fixed, *moving], {camera.id: camera})
    assert camera.location is not None
    by_position = {place.position: place for place in places}
    assert by_position[camera.location].label == "Camera main-st-north (1)"
    [elsewhere] = [place for position, place in by_position.items() if position != camera.location]
    assert elsewhere.label == "Camera main-st-north (2)"
    assert elsewhere.detail.endswith(f"newest {(NOW - timedelta(hours=1)):%Y-%m-%d %H:%M} UTC")
    assert [place.kind for place in places] == [PlaceKind.READ, PlaceKind.READ]


def test_a_markers_time_is_on_the_agencys_clock() -> None:
    camera, _ = make_camera("main-st-north")
    read = replace(make_read(0), captured_at=datetime(2026, 7, 15, 20, 30, tzinfo=UTC))
    [place] = places_of_reads([read], {camera.id: camera}, "America/Los_Angeles")
    assert place.detail.endswith("newest 2026-07-15 13:30 PDT")


def test_cameras_without_a_position_are_left_off() -> None:
    fixed, _ = make_camera("main-st-north")
    patrol, _ = make_camera("patrol-12", kind=CameraKind.MOBILE)
    assert [place.label for place in places_of_cameras([fixed, patrol])] == [fixed.name]


def test_a_tile_layer_is_drawn_at_its_deepest_zoom_when_the_view_wants_more() -> None:
    layer = TileLayer("/map/tiles/{z}/{x}/{y}", min_zoom=10, max_zoom=12)
    view = draw_map([WEST_CAMERA], tiles=layer)
    assert {tile.href.split("/")[3] for tile in view.tiles} == {"12"}
    x, y = tile_of(WEST_CAMERA.position, 12)
    assert f"/map/tiles/12/{x}/{y}" in {tile.href for tile in view.tiles}
    # Scaled up rather than missing: the tiles still cover the view.
    assert min(tile.x for tile in view.tiles) <= 0
    assert max(tile.x + tile.size for tile in view.tiles) >= view.width
    assert view.tiled
    assert view.grid == ()


def test_without_tiles_a_grid_of_round_degrees_crosses_the_view() -> None:
    view = draw_map([WEST_CAMERA, EAST_READ, NORTH_READ])
    assert not view.tiled
    meridians = [line for line in view.grid if line.x1 == line.x2]
    parallels = [line for line in view.grid if line.y1 == line.y2]
    assert len(meridians) >= 2
    assert len(parallels) >= 2
    assert all(label.endswith("° W") for label in (line.label for line in meridians))
    assert all(label.endswith("° N") for label in (line.label for line in parallels))
    # A meridian lies where its longitude projects: between the places west and east of it.
    west, east, _ = view.markers
    between = [line for line in meridians if west.x < line.x1 < east.x]
    assert [line.label for line in between] == ["121.49° W"]


def test_a_circle_is_drawn_round_with_its_radius_to_scale() -> None:
    circle = GeoCircle(38.59, -121.49, 500)
    view = draw_map([WEST_CAMERA], area=circle)
    assert view.circle is not None
    assert view.area is None
    assert view.scale is not None
    number, unit = view.scale.label.split()
    metres = float(number) * (1000 if unit == "km" else 1)
    assert view.circle.r == pytest.approx(500 / metres * view.scale.length_px, rel=0.02)
    # Its whole box is in view, with the camera.
    assert view.circle.cx - view.circle.r >= 0
    assert view.circle.cx + view.circle.r <= view.width


def test_labels_that_would_cover_each_other_are_left_off() -> None:
    crowded = [
        Place(f"Place {i}", GeoPoint(38.5800 + i * 0.00001, -121.5000), PlaceKind.READ)
        for i in range(3)
    ]
    view = draw_map([WEST_CAMERA, *crowded, EAST_READ])
    labelled = [marker.place.label for marker in view.markers if marker.labelled]
    assert labelled[0] == WEST_CAMERA.label  # the camera first
    assert EAST_READ.label in labelled
    assert len(labelled) < len(view.markers)


def test_a_patrol_cars_reads_are_their_own_kind_of_place() -> None:
    fixed, _ = make_camera("main-st-north")
    patrol, _ = make_camera("patrol-12", kind=CameraKind.MOBILE)
    read = replace(make_read(1), camera_id=patrol.id)
    [place] = places_of_reads([read], {fixed.id: fixed, patrol.id: patrol})
    assert place.kind is PlaceKind.PATROL
    assert place.position == read.location
    assert moving_cameras([fixed, patrol]) == [patrol]
