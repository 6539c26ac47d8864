"""Plate Recognizer's Snapshot responses and Stream webhooks over real HTTP."""

from __future__ import annotations

import orjson

from platekeeper.domain.reads import VehicleAttributes
from tests.api.conftest import LiveApp
from tests.api.sources.helpers import (
    assert_refused,
    document,
    image,
    jpeg,
    only_read,
    post,
    post_parts,
    stored,
    utc,
)


def test_a_stream_webhook_as_json_stores_one_read(live_app: LiveApp) -> None:
    response = post(live_app, "platerecognizer", document("platerecognizer_stream.json"))

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert read.plate_text == "6WKD219"  # Plate Recognizer sends plates in lower case
    assert read.captured_at == utc("2026-11-28T11:20:05.412817+00:00")
    assert read.confidence == 0.903
    assert read.region == "us-ca"
    assert [c.plate_text for c in read.candidates] == ["6WKD219", "6WKD2L9"]
    assert read.vehicle == VehicleAttributes(
        color="blue", make="honda", model="cr-v", body_type="suv", direction="rear"
    )


def test_a_stream_webhook_as_multipart_keeps_its_frame(live_app: LiveApp) -> None:
    frame = jpeg("navy", (96, 54))
    files = {
        "json": ("json", orjson.dumps(document("platerecognizer_stream.json")), "text/plain"),
        "upload": ("frame.jpg", frame, "image/jpeg"),
    }

    response = post_parts(live_app, "platerecognizer", files)

    assert response.status_code == 201, response.text
    assert image(live_app, only_read(live_app).image_ref) == frame


def test_a_snapshot_response_forwarded_as_is(live_app: LiveApp) -> None:
    response = post(live_app, "platerecognizer", document("platerecognizer_snapshot.json"))

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert (read.plate_text, read.region, read.confidence) == ("AB12CDE", "gb", 0.88)
    assert read.vehicle == VehicleAttributes(body_type="sedan")


def test_a_resent_webhook_is_a_duplicate(live_app: LiveApp) -> None:
    hook = document("platerecognizer_stream.json")
    assert post(live_app, "platerecognizer", hook).status_code == 201
    hook["data"]["results"][0]["score"] = 0.95

    response = post(live_app, "platerecognizer", hook)

    assert response.status_code == 200
    assert response.json()["status"] == "duplicate"
    assert len(stored(live_app)) == 1


def test_a_webhook_without_a_plate_or_a_json_part_is_refused(live_app: LiveApp) -> None:
    hook = document("platerecognizer_stream.json")
    hook["data"]["results"][0]["plate"] = ""
    assert_refused(post(live_app, "platerecognizer", hook), live_app, "body.data.results.0.plate")

    files = {"upload": ("frame.jpg", jpeg(), "image/jpeg")}
    assert_refused(post_parts(live_app, "platerecognizer", files), live_app, "json")
