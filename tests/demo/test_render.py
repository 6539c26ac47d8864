"""Plates and frames drawn by the demo: real images, the right look, and honest plate corners."""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import pytest
from PIL import Image

from platekeeper.demo.render import (
    CALIFORNIA,
    FRAME_SIZE,
    GERMANY,
    STYLES,
    PlateStyle,
    crop_plate,
    encode_jpeg,
    render_plate,
    render_scene,
    style_for_region,
)
from platekeeper.domain import Point

Box = tuple[int, int, int, int]


def red(r: int, g: int, b: int) -> bool:
    return r > 150 and g < 90 and b < 90


def blue(r: int, g: int, b: int) -> bool:
    return b > r + 40 and b > g + 30


def count_pixels(image: Image.Image, box: Box, colour: Callable[[int, int, int], bool]) -> int:
    """How many pixels in ``box`` are of ``colour``."""
    data = image.convert("RGB").crop(box).tobytes()
    return sum(
        1 for r, g, b in zip(data[0::3], data[1::3], data[2::3], strict=True) if colour(r, g, b)
    )


@pytest.mark.parametrize("style", list(STYLES.values()), ids=list(STYLES))
def test_every_style_renders_a_plate_of_its_size(style: PlateStyle) -> None:
    plate = render_plate("AB12CD3", style)

    assert plate.size == style.size
    assert plate.mode == "RGB"
    # Characters, border and labels: far more than a blank plate's one or two colours.
    assert len(plate.getcolors(plate.width * plate.height) or []) > 20


def test_california_plate_has_a_red_state_name_over_dark_blue_characters() -> None:
    plate = render_plate("8ABC123", CALIFORNIA)
    width, height = plate.size

    header = (0, 0, width, round(height * 0.24))
    characters = (0, round(height * 0.28), width, round(height * 0.8))
    assert count_pixels(plate, header, red) > 100
    assert count_pixels(plate, characters, red) == 0
    assert count_pixels(plate, characters, blue) > 1500


def test_eu_plate_has_the_blue_band_on_the_left_only() -> None:
    plate = render_plate("B AB 1234", GERMANY)
    width, height = plate.size
    band = (4, 4, round(height * 0.45), height - 4)

    band_pixels = (band[2] - band[0]) * (band[3] - band[1])
    assert count_pixels(plate, band, blue) > band_pixels * 0.6
    assert count_pixels(plate, (width // 2, 0, width, height), blue) == 0


def test_the_characters_drawn_are_the_plate_text() -> None:
    first = render_plate("8ABC123", CALIFORNIA)
    again = render_plate("8ABC123", CALIFORNIA)
    other = render_plate("8ABC128", CALIFORNIA)

    assert first.tobytes() == again.tobytes()
    assert first.tobytes() != other.tobytes()


def test_unknown_regions_get_a_plain_plate() -> None:
    assert style_for_region("us-ca") is CALIFORNIA
    assert style_for_region("xx").size == style_for_region(None).size
    assert style_for_region("xx").header == ""


def inside(point: Point, size: tuple[int, int]) -> bool:
    return 0 <= point.x <= size[0] and 0 <= point.y <= size[1]


@pytest.mark.parametrize("night", [False, True])
@pytest.mark.parametrize("style", [CALIFORNIA, GERMANY], ids=["us", "eu"])
def test_scene_corners_are_inside_the_frame_clockwise_from_top_left(
    style: PlateStyle, night: bool
) -> None:
    plate = render_plate("7XYZ890", style)
    for seed in range(25):
        frame, corners = render_scene(plate, random.Random(seed), night=night)

        assert frame.size == FRAME_SIZE
        assert all(inside(corner, frame.size) for corner in corners)
        top_left, top_right, bottom_right, bottom_left = corners
        assert top_left.x < top_right.x
        assert bottom_left.x < bottom_right.x
        assert top_left.y < bottom_left.y
        assert top_right.y < bottom_right.y
        assert 60 < top_right.x - top_left.x < 400


def test_the_plate_is_drawn_where_the_corners_say() -> None:
    plate = render_plate("8ABC123", CALIFORNIA)
    frame, corners = render_scene(plate, random.Random(3))
    xs, ys = [round(point.x) for point in corners], [round(point.y) for point in corners]
    # The middle of the plate (its characters) is dark blue; the road around the car is not.
    middle = (min(xs) + 10, min(ys) + 10, max(xs) - 10, max(ys) - 10)

    assert count_pixels(frame, middle, blue) > 200
    assert count_pixels(frame, (0, 0, 60, FRAME_SIZE[1]), blue) == 0


def test_the_same_random_state_draws_the_same_scene() -> None:
    plate = render_plate("8ABC123", CALIFORNIA)
    first, first_corners = render_scene(plate, random.Random(9))
    again, again_corners = render_scene(plate, random.Random(9))
    _, other_corners = render_scene(plate, random.Random(10))

    assert first_corners == again_corners
    assert first.tobytes() == again.tobytes()
    assert other_corners != first_corners


def test_night_frames_are_dark_infrared_with_a_bright_plate() -> None:
    plate = render_plate("8ABC123", CALIFORNIA)
    for seed in range(10):
        night, corners = render_scene(plate, random.Random(seed), night=True)
        on_plate = crop_plate(night, corners, margin=-0.2)

        assert night.mode == "L"
        assert _mean(night) < 45
        assert _mean(on_plate) > 150


def _mean(image: Image.Image) -> float:
    histogram = image.histogram()
    return sum(value * count for value, count in enumerate(histogram)) / sum(histogram)


def test_crop_cuts_the_plate_with_a_margin() -> None:
    plate = render_plate("8ABC123", CALIFORNIA)
    frame, corners = render_scene(plate, random.Random(5))
    plate_width = max(p.x for p in corners) - min(p.x for p in corners)
    plate_height = max(p.y for p in corners) - min(p.y for p in corners)

    crop = crop_plate(frame, corners, margin=0.15)

    assert plate_width * 1.2 < crop.width < plate_width * 1.4
    assert plate_height * 1.2 < crop.height < plate_height * 1.4


@pytest.mark.parametrize("night", [False, True])
def test_frames_and_crops_encode_to_jpegs_of_camera_size(night: bool) -> None:
    plate = render_plate("8ABC123", CALIFORNIA)
    frame, corners = render_scene(plate, random.Random(6), night=night)

    full = encode_jpeg(frame, 75)
    crop = encode_jpeg(crop_plate(frame, corners), 90)

    for data, low, high in ((full, 10_000, 250_000), (crop, 1_000, 40_000)):
        assert data.startswith(b"\xff\xd8\xff")
        assert low < len(data) < high
    decoded = Image.open(io.BytesIO(full))
    assert decoded.format == "JPEG"
    assert decoded.size == FRAME_SIZE
