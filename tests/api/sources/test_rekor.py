"""OpenALPR / Rekor Scout agents posting to /api/v1/ingest/rekor over real HTTP."""

from __future__ import annotations

from platekeeper.domain.cameras import FramePolicy
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


def test_a_group_with_images_stores_one_read_with_everything_mapped(live_app: LiveApp) -> None:
    group = document("rekor_group.json")

    response = post(live_app, "rekor", group)

    assert response.status_code == 201, response.text
    assert response.json()["status"] == "created"
    read = only_read(live_app)
    assert read.plate_text == "8TRV415"
    assert read.client_read_id == "rekor:AgEnTuIdMaDeUp01-1234567-1795863600911"
    assert read.camera_id == "main-st-north"
    assert read.captured_at == utc("2026-11-28T11:00:00.250+00:00")
    assert read.confidence == 0.9162
    assert read.region == "us-ca"
    assert [c.plate_text for c in read.candidates] == ["8TRV415", "8TRV41S"]
    assert read.location is None  # 0,0 is the agent's "no GPS"
    assert read.vehicle == VehicleAttributes(
        color="silver-gray",
        make="toyota",
        model="toyota_camry",
        body_type="sedan-standard",
        direction="180",
    )
    assert image(live_app, read.image_ref) == b64(group["best_plate_jpeg"])
    assert image(live_app, read.crop_ref) == b64(group["best_plate"]["plate_crop_jpeg"])


def test_a_resend_even_changed_is_a_duplicate_and_stores_nothing_more(live_app: LiveApp) -> None:
    group = document("rekor_group.json")
    assert post(live_app, "rekor", group).status_code == 201

    again = post(live_app, "rekor", group)
    group["best_plate"]["confidence"] = 95.0  # the agent improved its guess and sent it again
    changed = post(live_app, "rekor", group)

    for response in (again, changed):
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "duplicate"
    assert only_read(live_app).confidence == 0.9162


def test_the_alert_and_the_group_of_one_vehicle_are_one_read(live_app: LiveApp) -> None:
    assert post(live_app, "rekor", document("rekor_alert.json")).status_code == 201
    assert post(live_app, "rekor", document("rekor_group.json")).json()["status"] == "duplicate"
    assert only_read(live_app).plate_text == "8TRV415"


def test_per_frame_results_fold_into_the_group_unless_the_camera_keeps_them(
    live_app: LiveApp,
) -> None:
    frames = document("rekor_results.json")
    response = post(live_app, "rekor", frames)
    assert response.status_code == 200
    assert response.json()["status"] == "folded"
    assert stored(live_app) == []

    configure(live_app, frames=FramePolicy.EVERY)
    response = post(live_app, "rekor", frames)
    assert response.status_code == 201
    read = only_read(live_app)
    assert (read.plate_text, read.region) == ("8TRV415", "us-ca")


def test_a_heartbeat_is_acknowledged_as_contact_not_a_read(live_app: LiveApp) -> None:
    response = post(live_app, "rekor", document("rekor_heartbeat.json"))

    assert response.status_code == 200
    assert response.json()["status"] == "heartbeat"
    assert stored(live_app) == []
    camera = live_app.services.store.cameras.get("main-st-north")
    assert camera is not None
    assert camera.last_contact_at is not None


def test_a_group_without_its_best_plate_is_refused_by_name(live_app: LiveApp) -> None:
    group = document("rekor_group.json")
    del group["best_plate"]["plate"]

    assert_refused(post(live_app, "rekor", group), live_app, "body.best_plate.plate")


def test_broken_base64_and_broken_json_are_refused(live_app: LiveApp) -> None:
    group = document("rekor_group.json")
    group["best_plate_jpeg"] = "not base64 at all!"

    assert_refused(post(live_app, "rekor", group), live_app, "body.best_plate_jpeg")
    assert_refused(post(live_app, "rekor", b'{"data_type": "alpr_gr'), live_app, "body")
