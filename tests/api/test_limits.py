"""Size limits hold however a body comes: a small server here, so the limits are cheap to pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from platekeeper.config import Settings, load_settings
from tests.api.conftest import LiveApp
from tests.api.test_ingest import assert_problem, jpeg, read_count, read_json, stored_files

MAX_REQUEST_BYTES = 1024 * 1024
MAX_IMAGE_BYTES = 64 * 1024


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("PLATEKEEPER_CONFIG", raising=False)
    return load_settings(
        data_dir=tmp_path / "data",
        ingest={"max_request_bytes": MAX_REQUEST_BYTES, "max_image_bytes": MAX_IMAGE_BYTES},
    )


def multipart(document: dict[str, Any], **images: bytes) -> dict[str, Any]:
    files: dict[str, Any] = {"read": ("read.json", orjson.dumps(document), "application/json")}
    files.update({name: (f"{name}.jpg", data, "image/jpeg") for name, data in images.items()})
    return files


def test_a_body_past_the_request_limit_is_refused_whole(live_app: LiveApp) -> None:
    huge = jpeg() + b"\0" * (2 * MAX_REQUEST_BYTES)
    with live_app.client(live_app.camera_key) as client:
        response = client.post(
            "/api/v1/reads", files=multipart(read_json(image_part="frame"), frame=huge)
        )
    assert_problem(response, 413, "payload_too_large")
    assert (read_count(live_app), stored_files(live_app)) == (0, [])


def test_an_image_past_its_limit_is_named(live_app: LiveApp) -> None:
    big = jpeg() + b"\0" * (2 * MAX_IMAGE_BYTES)
    with live_app.client(live_app.camera_key) as client:
        response = client.post(
            "/api/v1/reads", files=multipart(read_json(image_part="frame"), frame=big)
        )
    [error] = assert_problem(response, 422, "invalid_input")["errors"]
    assert error["location"] == "read.image"
    assert (read_count(live_app), stored_files(live_app)) == (0, [])


def test_a_document_part_past_the_json_limit_is_refused(live_app: LiveApp) -> None:
    padded = read_json(candidates=[{"plate_text": "A" * 32, "confidence": 0.1}] * 20)
    padded["client_read_id"] = "x" * 128
    document = orjson.dumps(padded) + b" " * 8192
    files = {"read": ("read.json", document, "application/json")}
    with live_app.client(live_app.camera_key) as client:
        response = client.post("/api/v1/reads", files=files)
    assert_problem(response, 413, "payload_too_large")
