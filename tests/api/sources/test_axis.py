"""Axis License Plate Verifier's event push over real HTTP; its times are local to the camera."""

from __future__ import annotations

from platekeeper.domain import GeoPoint
from platekeeper.domain.reads import VehicleAttributes
from tests.api.conftest import LiveApp
from tests.api.sources.helpers import (
    assert_refused,
    b64,
    configure,
    document,
    image,
    only_read,
    post,
    stored,
    utc,
)


def test_a_new_car_with_its_plate_image_in_the_cameras_time_zone(live_app: LiveApp) -> None:
    configure(live_app, time_zone="America/Los_Angeles")
    event = document("axis_new.json")

    response = post(live_app, "axis", event)

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert read.plate_text == "5KLM882"
    assert read.captured_at == utc("2026-11-28T11:22:44.512+00:00")  # 03:22:44.512 PST
    assert read.confidence == 0.874
    assert read.region == "us"
    assert read.location == GeoPoint(37.4419, -122.143)
    assert read.vehicle == VehicleAttributes(
        color="black", make="ford", body_type="car", direction="in"
    )
    assert image(live_app, read.crop_ref) == b64(event["plateImage"])


def test_updates_about_the_same_car_fold_and_a_resend_is_a_duplicate(live_app: LiveApp) -> None:
    event = document("axis_new.json")
    assert post(live_app, "axis", event).status_code == 201
    assert post(live_app, "axis", event).json()["status"] == "duplicate"

    event.update(carState="update", datetime="20261128 032245001", plateConfidence="0.91")
    response = post(live_app, "axis", event)

    assert response.json()["status"] == "folded"
    assert len(stored(live_app)) == 1


def test_a_time_that_is_no_time_is_refused_by_name(live_app: LiveApp) -> None:
    event = document("axis_new.json")
    event["datetime"] = "yesterday"

    assert_refused(post(live_app, "axis", event), live_app, "body.datetime")
