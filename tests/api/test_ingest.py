"""Ingest over real HTTP: cameras post reads, retries are harmless, bad input writes nothing."""

from __future__ import annotations

import io
import logging
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from PIL import Image

from platekeeper.domain import CameraStatus
from platekeeper.domain.ids import read_id_for
from platekeeper.store import ReadQuery
from tests.api.conftest import LiveApp
from tests.conftest import NOW


def read_json(index: int = 0, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client_read_id": f"cam-read-{index}",
        "plate_text": "7ABC123",
        "confidence": 0.93,
        "captured_at": (NOW - timedelta(seconds=index)).isoformat(),
        "region": "us-ca",
        "region_confidence": 0.88,
        "candidates": [{"plate_text": "7A8C123", "confidence": 0.4}],
        "box": [{"x": 10, "y": 20}, {"x": 110, "y": 20}, {"x": 110, "y": 60}, {"x": 10, "y": 60}],
    }
    body.update(changes)
    return body


def jpeg(colour: str = "white", size: tuple[int, int] = (64, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def stored_files(app: LiveApp) -> list[Path]:
    root = app.services.settings.image_path
    return [path for path in root.rglob("*") if path.is_file()]


def read_count(app: LiveApp) -> int:
    return app.services.store.reads.stats().read_count


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["status"] == status
    assert body["type"] == f"urn:platekeeper:problem:{code}"
    assert body["detail"]
    return body


def test_a_read_is_stored_with_its_key_and_receipt_time(live_app: LiveApp) -> None:
    with live_app.client(live_app.camera_key) as client:
        response = client.post("/api/v1/reads", json=read_json(plate_text="7abc 123"))
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["status"] == "created"
    assert receipt["read_id"] == read_id_for("main-st-north", "cam-read-0", NOW)
    read = live_app.services.store.reads.get(receipt["read_id"])
    assert read is not None
    assert (read.plate_text, read.plate_key, read.camera_id) == (
        "7abc 123",
        "7ABC123",
        "main-st-north",
    )
    assert read.captured_at == NOW
    assert read.received_at == live_app.services.clock.now()
    assert read.candidates[0].plate_text == "7A8C123"
    camera = live_app.services.store.cameras.get("main-st-north")
    assert camera is not None
    assert camera.last_contact_at == live_app.services.clock.now()


def test_a_retry_returns_the_stored_read_and_adds_nothing(live_app: LiveApp) -> None:
    with live_app.client(live_app.camera_key) as client:
        first = client.post("/api/v1/reads", json=read_json())
        again = client.post("/api/v1/reads", json=read_json())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {**first.json(), "status": "duplicate"}
    assert read_count(live_app) == 1


def test_a_reused_read_id_with_new_content_is_a_conflict(live_app: LiveApp) -> None:
    with live_app.client(live_app.camera_key) as client:
        client.post("/api/v1/reads", json=read_json())
        response = client.post("/api/v1/reads", json=read_json(plate_text="9XYZ999"))
    assert_problem(response, 409, "conflict")
    [read] = live_app.services.store.reads.find(ReadQuery())
    assert read.plate_text == "7ABC123"


def test_a_batch_reports_each_read(live_app: LiveApp) -> None:
    with live_app.client(live_app.camera_key) as client:
        client.post("/api/v1/reads", json=read_json(0))
        response = client.post(
            "/api/v1/reads/batch", json={"reads": [read_json(0), read_json(1), read_json(2)]}
        )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["created"], body["duplicates"]) == (2, 1)
    assert [r["status"] for r in body["results"]] == ["duplicate", "created", "created"]
    assert read_count(live_app) == 3


def test_one_bad_read_refuses_the_whole_batch_naming_the_field(live_app: LiveApp) -> None:
    batch = {"reads": [read_json(0), read_json(1, confidence=2.0), read_json(2, plate_text="--")]}
    with live_app.client(live_app.camera_key) as client:
        response = client.post("/api/v1/reads/batch", json=batch)
    body = assert_problem(response, 422, "invalid_input")
    assert [error["location"] for error in body["errors"]] == ["reads.1.confidence"]
    with live_app.client(live_app.camera_key) as client:
        response = client.post(
            "/api/v1/reads/batch", json={"reads": [read_json(0), read_json(2, plate_text="--")]}
        )
    body = assert_problem(response, 422, "invalid_input")
    assert [error["location"] for error in body["errors"]] == ["reads.1.plate_text"]
    assert "letters or digits" in body["errors"][0]["message"]
    assert read_count(live_app) == 0


def test_the_same_read_twice_in_one_batch_is_refused(live_app: LiveApp) -> None:
    with live_app.client(live_app.camera_key) as client:
        response = client.post("/api/v1/reads/batch", json={"reads": [read_json(1), read_json(1)]})
    body = assert_problem(response, 422, "invalid_input")
    assert body["errors"][0]["location"] == "reads.1.client_read_id"
    assert read_count(live_app) == 0


def test_times_must_carry_a_zone_and_lie_in_the_recent_past(live_app: LiveApp) -> None:
    cases = {
        "2026-11-28T11:00:00": "timezone",
        (NOW + timedelta(hours=1)).isoformat(): "future",
        (NOW - timedelta(days=31)).isoformat(): "30 days old",
        "1969-12-31T23:59:59Z": "before 2000",
    }
    with live_app.client(live_app.camera_key) as client:
        for captured_at, complaint in cases.items():
            response = client.post("/api/v1/reads", json=read_json(captured_at=captured_at))
            [error] = assert_problem(response, 422, "invalid_input")["errors"]
            assert error["location"].startswith("read"), error
            assert complaint in error["message"], error
    assert read_count(live_app) == 0


def test_the_same_instant_in_another_zone_is_a_retry(live_app: LiveApp) -> None:
    local = NOW.astimezone(timezone(timedelta(hours=-8))).isoformat()
    with live_app.client(live_app.camera_key) as client:
        first = client.post("/api/v1/reads", json=read_json(captured_at=NOW.isoformat()))
        again = client.post("/api/v1/reads", json=read_json(captured_at=local))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["read_id"] == first.json()["read_id"]
    read = live_app.services.store.reads.get(first.json()["read_id"])
    assert read is not None
    assert read.captured_at.utcoffset() == timedelta(0)


def test_domain_rules_name_the_field_at_fault(live_app: LiveApp) -> None:
    cases: list[tuple[str, Any, str]] = [
        ("plate_text", "7AB\u0000C123", "read.plate_text"),
        ("client_read_id", "r\n1", "read.client_read_id"),
        ("candidates", [{"plate_text": "--", "confidence": 0.2}], "read.candidates.0.plate_text"),
        ("region", None, "read.region_confidence"),
    ]
    with live_app.client(live_app.camera_key) as client:
        for field, value, location in cases:
            response = client.post("/api/v1/reads", json={**read_json(), field: value})
            [error] = assert_problem(response, 422, "invalid_input")["errors"]
            assert error["location"] == location
    assert read_count(live_app) == 0


def test_a_mobile_camera_must_send_its_position(live_app: LiveApp) -> None:
    with live_app.client(live_app.mobile_key) as client:
        without = client.post("/api/v1/reads", json=read_json())
        half = client.post("/api/v1/reads", json=read_json(latitude=38.5))
        full = client.post("/api/v1/reads", json=read_json(latitude=38.5, longitude=-121.4))
    assert "position" in assert_problem(without, 422, "invalid_input")["errors"][0]["message"]
    assert_problem(half, 422, "invalid_input")
    assert full.status_code == 201
    read = live_app.services.store.reads.get(full.json()["read_id"])
    assert read is not None
    assert read.location is not None
    assert (read.location.latitude, read.location.longitude) == (38.5, -121.4)


def test_requests_without_a_valid_active_camera_key_are_refused(live_app: LiveApp) -> None:
    with live_app.client() as anonymous:
        missing = anonymous.post("/api/v1/reads", json=read_json())
    with live_app.client("pkc_not-a-key") as wrong:
        invalid = wrong.post("/api/v1/reads", json=read_json())
    assert_problem(missing, 401, "unauthenticated")
    assert missing.headers["www-authenticate"] == "Bearer"
    assert_problem(invalid, 401, "unauthenticated")
    live_app.services.store.cameras.set_status("main-st-north", CameraStatus.RETIRED)
    with live_app.client(live_app.camera_key) as client:
        retired = client.post("/api/v1/reads", json=read_json())
    assert_problem(retired, 403, "forbidden")
    assert read_count(live_app) == 0


def test_images_arrive_as_multipart_parts_named_by_the_read(live_app: LiveApp) -> None:
    full, crop = jpeg("gray", (640, 360)), jpeg("white")
    document = read_json(image_part="frame", crop_part="plate")
    with live_app.client(live_app.camera_key) as client:
        response = client.post(
            "/api/v1/reads",
            files={
                "read": ("read.json", orjson.dumps(document), "application/json"),
                "frame": ("frame.jpg", full, "image/jpeg"),
                "plate": ("plate.jpg", crop, "image/jpeg"),
            },
        )
    assert response.status_code == 201, response.text
    read = live_app.services.store.reads.get(response.json()["read_id"])
    assert read is not None
    assert read.image_ref
    assert read.crop_ref
    assert live_app.services.images.get(read.image_ref) == full
    assert live_app.services.images.get(read.crop_ref) == crop
    assert read.image_ref.startswith("2026/11/28/")


def test_a_batch_with_images_and_a_retry_keeps_one_copy_of_each(live_app: LiveApp) -> None:
    def send(client: httpx.Client) -> httpx.Response:
        reads = [read_json(i, image_part=f"image-{i}") for i in range(3)]
        files: dict[str, Any] = {
            "reads": ("reads.json", orjson.dumps({"reads": reads}), "application/json")
        }
        files.update({f"image-{i}": (f"{i}.jpg", jpeg(), "image/jpeg") for i in range(3)})
        return client.post("/api/v1/reads/batch", files=files)

    with live_app.client(live_app.camera_key) as client:
        assert send(client).status_code == 201
        assert send(client).status_code == 200
    assert len(stored_files(live_app)) == 3


def test_bad_multipart_requests_leave_no_rows_and_no_files(live_app: LiveApp) -> None:
    cases: list[dict[str, Any]] = [
        # a read names a part that is not there
        {
            "reads": (
                {"reads": [read_json(0, image_part="a"), read_json(1, image_part="b")]},
                {"a": jpeg()},
            )
        },
        # a part that no read names
        {"reads": ({"reads": [read_json(0)]}, {"stray": jpeg()})},
        # a part that is not an image
        {"reads": ({"reads": [read_json(0, image_part="a")]}, {"a": b"%PDF-1.7 not an image"})},
    ]
    with live_app.client(live_app.camera_key) as client:
        for case in cases:
            document, parts = case["reads"]
            files: dict[str, Any] = {
                "reads": ("r.json", orjson.dumps(document), "application/json")
            }
            files.update(
                {name: (name, data, "application/octet-stream") for name, data in parts.items()}
            )
            response = client.post("/api/v1/reads/batch", files=files)
            assert assert_problem(response, 422, "invalid_input")["errors"]
        multipart_without_document = client.post("/api/v1/reads/batch", files={"x": ("x", jpeg())})
    assert_problem(multipart_without_document, 422, "invalid_input")
    assert read_count(live_app) == 0
    assert stored_files(live_app) == []


def test_a_conflict_discards_the_images_the_request_brought(live_app: LiveApp) -> None:
    with live_app.client(live_app.camera_key) as client:
        client.post("/api/v1/reads", json=read_json(0))
        reads = [read_json(1, image_part="one"), read_json(0, plate_text="1AAA111")]
        files: dict[str, Any] = {
            "reads": ("r.json", orjson.dumps({"reads": reads}), "application/json"),
            "one": ("1.jpg", jpeg(), "image/jpeg"),
        }
        assert_problem(client.post("/api/v1/reads/batch", files=files), 409, "conflict")
    assert read_count(live_app) == 1
    assert stored_files(live_app) == []


def test_malformed_or_oversized_bodies_get_problem_details(live_app: LiveApp) -> None:
    limit = live_app.services.ingest.limits.max_batch_reads
    with live_app.client(live_app.camera_key) as client:
        broken = client.post(
            "/api/v1/reads", content=b"{not json", headers={"content-type": "application/json"}
        )
        text = client.post(
            "/api/v1/reads", content=b"plate=7ABC123", headers={"content-type": "text/plain"}
        )
        huge = client.post(
            "/api/v1/reads",
            json=read_json(
                client_read_id="x" * 100,
                region=None,
                candidates=[{"plate_text": "A" * 32, "confidence": 0.1}] * 200,
            ),
        )
        too_many = client.post(
            "/api/v1/reads/batch", json={"reads": [read_json(i) for i in range(limit + 1)]}
        )
        empty = client.post("/api/v1/reads/batch", json={"reads": []})
    assert_problem(broken, 422, "invalid_input")
    assert_problem(text, 415, "unsupported_media_type")
    assert_problem(huge, 413, "payload_too_large")
    assert "at most" in assert_problem(too_many, 422, "invalid_input")["detail"]
    assert_problem(empty, 422, "invalid_input")
    assert read_count(live_app) == 0


def test_no_plate_text_is_logged_above_debug(
    live_app: LiveApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with live_app.client(live_app.camera_key) as client:
        client.post("/api/v1/reads/batch", json={"reads": [read_json(0, plate_text="8QWE771")]})
        client.post("/api/v1/reads", json=read_json(0, plate_text="9ZXC552"))  # a conflict
        client.post("/api/v1/reads", json=read_json(1, plate_text="--"))  # refused
    messages = [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG]
    assert any("camera main-st-north sent 1 reads" in m for m in messages)
    assert not [m for m in messages if "8QWE771" in m or "9ZXC552" in m]
