"""Posting vendor payloads to the running app, and reading back what it stored."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from PIL import Image

from platekeeper.domain import PlateRead
from platekeeper.domain.cameras import CameraSourceSettings, DeviceAuth, FramePolicy
from platekeeper.store import ReadQuery
from tests.api.conftest import LiveApp

PAYLOADS = Path(__file__).parent / "payloads"
CAMERA = "main-st-north"


def payload(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def document(name: str) -> dict[str, Any]:
    value: dict[str, Any] = orjson.loads(payload(name))
    return value


def configure(
    app: LiveApp,
    *,
    time_zone: str = "UTC",
    device_auth: DeviceAuth = DeviceAuth.BEARER,
    frames: FramePolicy = FramePolicy.FINAL,
) -> None:
    app.services.sources.configure(CameraSourceSettings(CAMERA, time_zone, device_auth, frames))


def post(
    app: LiveApp,
    source: str,
    body: bytes | Mapping[str, Any],
    content_type: str = "application/json",
    **extra: Any,
) -> httpx.Response:
    data = orjson.dumps(body) if isinstance(body, Mapping) else body
    with app.client(app.camera_key) as client:
        return client.post(
            f"/api/v1/ingest/{source}", content=data, headers={"Content-Type": content_type}
        )


def post_parts(
    app: LiveApp, source: str, files: dict[str, tuple[str, bytes, str]]
) -> httpx.Response:
    with app.client(app.camera_key) as client:
        return client.post(f"/api/v1/ingest/{source}", files=files)


def stored(app: LiveApp) -> list[PlateRead]:
    return app.services.store.reads.find(ReadQuery(camera_id=CAMERA, limit=50))


def only_read(app: LiveApp) -> PlateRead:
    [read] = stored(app)
    return read


def image(app: LiveApp, ref: str | None) -> bytes:
    assert ref is not None
    return app.services.images.get(ref)


def jpeg(colour: str = "white", size: tuple[int, int] = (64, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def b64(value: str) -> bytes:
    return base64.b64decode(value)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


def assert_refused(response: httpx.Response, app: LiveApp, location: str) -> None:
    """A 422 problem naming ``location``, and nothing stored."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "invalid_input"
    assert location in [error["location"] for error in body["errors"]], body
    assert stored(app) == []
