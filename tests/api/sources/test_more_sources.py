"""Dahua ITC uploads, Verkada LPR webhooks and Survision anpr pushes over real HTTP."""

from __future__ import annotations

import httpx

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


def test_dahua_a_picture_with_its_images_in_the_cameras_time_zone(live_app: LiveApp) -> None:
    configure(live_app, time_zone="Asia/Shanghai")
    upload = document("dahua_picture.json")

    response = post(live_app, "dahua", upload)

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert read.plate_text == "A12345"
    assert read.client_read_id == "dahua:5e0c3c1e-made-up0-0000-0000000da4a0"
    assert read.captured_at == utc("2026-11-28T11:32:10.345+00:00")
    assert (read.confidence, read.region) == (0.88, "cn")
    assert read.vehicle == VehicleAttributes(
        color="white", make="volkswagen", body_type="suv", direction="approach"
    )
    assert image(live_app, read.image_ref) == b64(upload["Picture"]["NormalPic"]["Content"])
    assert image(live_app, read.crop_ref) == b64(upload["Picture"]["CutoutPic"]["Content"])


def test_dahua_a_resend_is_a_duplicate_and_a_missing_plate_is_named(live_app: LiveApp) -> None:
    configure(live_app, time_zone="Asia/Shanghai")
    upload = document("dahua_picture.json")
    assert post(live_app, "dahua", upload).status_code == 201
    upload["Picture"]["Plate"]["Confidence"] = 91
    assert post(live_app, "dahua", upload).json()["status"] == "duplicate"
    assert len(stored(live_app)) == 1

    del upload["Picture"]["Plate"]["PlateNumber"]
    upload["Picture"]["SnapInfo"]["UUID"] = "another-event"
    assert_refused_after_one(
        post(live_app, "dahua", upload), live_app, "body.Picture.Plate.PlateNumber"
    )


def test_verkada_an_lpr_webhook_stores_the_read_without_its_linked_image(
    live_app: LiveApp,
) -> None:
    response = post(live_app, "verkada", document("verkada_lpr.json"))

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert read.plate_text == "9JQR553"
    assert read.captured_at == utc("2026-11-28T11:30:00+00:00")
    assert (read.confidence, read.region) == (0.94, "us-ca")
    assert read.vehicle == VehicleAttributes(color="red", make="tesla", body_type="sedan")
    assert read.image_ref is None


def test_verkada_a_resend_and_another_event_type(live_app: LiveApp) -> None:
    hook = document("verkada_lpr.json")
    assert post(live_app, "verkada", hook).status_code == 201
    assert post(live_app, "verkada", hook).json()["status"] == "duplicate"
    hook["webhook_type"] = "motion"
    hook["webhook_id"] = "another"
    assert_refused_after_one(post(live_app, "verkada", hook), live_app, "body.webhook_type")


def test_survision_an_anpr_event_with_its_image(live_app: LiveApp) -> None:
    event = document("survision_anpr.json")

    response = post(live_app, "survision", event)

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert (read.plate_text, read.plate_key) == ("GH-412-KL", "GH412KL")
    assert read.captured_at == utc("2026-11-28T11:31:00.123+00:00")
    assert (read.confidence, read.region) == (0.93, "fr")
    assert read.vehicle == VehicleAttributes(direction="front")
    assert image(live_app, read.image_ref) == b64(event["anpr"]["decision"]["jpeg"])


def test_survision_a_resend_and_a_reliability_off_its_scale(live_app: LiveApp) -> None:
    event = document("survision_anpr.json")
    assert post(live_app, "survision", event).status_code == 201
    assert post(live_app, "survision", event).json()["status"] == "duplicate"
    event["anpr"]["@id"] = "118235"
    event["anpr"]["decision"]["@reliability"] = "930"
    assert_refused_after_one(
        post(live_app, "survision", event), live_app, "body.anpr.decision.@reliability"
    )


def test_an_empty_body_is_refused_by_every_json_source(live_app: LiveApp) -> None:
    for source in ("dahua", "verkada", "survision"):
        assert_refused(
            post(live_app, source, b"{}"),
            live_app,
            "body." + {"dahua": "Picture", "verkada": "webhook_type", "survision": "anpr"}[source],
        )


def test_dahua_a_local_time_in_the_wrong_zone_is_in_the_future_and_refused(
    live_app: LiveApp,
) -> None:
    """The camera's zone matters: read as UTC, 19:32 lies hours after the server's now."""
    response = post(live_app, "dahua", document("dahua_picture.json"))

    assert_refused(response, live_app, "reads.0.captured_at")


def assert_refused_after_one(response: httpx.Response, app: LiveApp, location: str) -> None:
    """Refused by name, the one read stored before still the only one."""
    assert response.status_code == 422, response.text
    assert location in [error["location"] for error in response.json()["errors"]]
    assert len(stored(app)) == 1


def test_blue_iris_an_alert_stores_the_alpr_modules_best_plate(live_app: LiveApp) -> None:
    configure(live_app, time_zone="America/Chicago")

    response = post(live_app, "blueiris", document("blueiris_alert.json"))

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert (read.plate_text, read.confidence) == ("3MDT604", 0.92)
    assert read.client_read_id == "blueiris:@8812345"
    assert read.captured_at == utc("2026-11-28T11:45:10+00:00")


def test_blue_iris_a_resend_and_an_alert_without_a_plate(live_app: LiveApp) -> None:
    configure(live_app, time_zone="America/Chicago")
    alert = document("blueiris_alert.json")
    assert post(live_app, "blueiris", alert).status_code == 201
    assert post(live_app, "blueiris", alert).json()["status"] == "duplicate"

    alert.update(alert_id="@8812346", json=alert["json"][:1])
    assert_refused_after_one(post(live_app, "blueiris", alert), live_app, "body.json")
