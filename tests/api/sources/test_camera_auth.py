"""The ways a camera may prove itself to a vendor source's route: its bearer key always; its key
in the URL or by HTTP Basic only where a custodian allowed it for that camera; and that key
never in a log."""

from __future__ import annotations

import logging
from contextlib import closing

import httpx
import orjson
import pytest
import uvicorn

from platekeeper.app import create_app
from platekeeper.cli.serve import Listening, bind, server_config
from platekeeper.domain.cameras import DeviceAuth
from platekeeper.http.redaction import REDACTED, install_url_key_redaction
from tests.api.conftest import LiveApp
from tests.api.sources.helpers import CAMERA, configure, document, payload, stored
from tests.ports import running

_JSON = {"Content-Type": "application/json"}


def _group() -> bytes:
    return orjson.dumps(document("rekor_group.json"))


def _post(app: LiveApp, path: str, **options: object) -> httpx.Response:
    with httpx.Client(base_url=app.base_url, timeout=30.0) as client:
        return client.post(path, content=_group(), headers=_JSON, **options)  # type: ignore[arg-type]


def test_the_key_in_the_url_where_the_camera_may_send_it_so(live_app: LiveApp) -> None:
    configure(live_app, device_auth=DeviceAuth.URL_KEY)

    response = _post(live_app, f"/api/v1/ingest/rekor/k/{live_app.camera_key}")

    assert response.status_code == 201, response.text
    assert len(stored(live_app)) == 1


def test_http_basic_with_the_camera_id_and_key_where_allowed(live_app: LiveApp) -> None:
    configure(live_app, device_auth=DeviceAuth.BASIC)

    response = _post(live_app, "/api/v1/ingest/rekor", auth=(CAMERA, live_app.camera_key))

    assert response.status_code == 201, response.text
    assert len(stored(live_app)) == 1


@pytest.mark.parametrize("allowed", [DeviceAuth.BEARER, DeviceAuth.BASIC])
def test_the_key_in_the_url_is_refused_unless_the_camera_may_send_it_so(
    live_app: LiveApp, allowed: DeviceAuth
) -> None:
    configure(live_app, device_auth=allowed)

    response = _post(live_app, f"/api/v1/ingest/rekor/k/{live_app.camera_key}")

    assert response.status_code == 401, response.text
    assert "url-key" in response.json()["detail"]
    assert stored(live_app) == []


@pytest.mark.parametrize("allowed", [DeviceAuth.BEARER, DeviceAuth.URL_KEY])
def test_basic_is_refused_unless_the_camera_may_send_it_so(
    live_app: LiveApp, allowed: DeviceAuth
) -> None:
    configure(live_app, device_auth=allowed)

    response = _post(live_app, "/api/v1/ingest/rekor", auth=(CAMERA, live_app.camera_key))

    assert response.status_code == 401, response.text
    assert stored(live_app) == []


def test_basic_must_name_the_camera_whose_key_it_carries(live_app: LiveApp) -> None:
    configure(live_app, device_auth=DeviceAuth.BASIC)

    response = _post(live_app, "/api/v1/ingest/rekor", auth=("patrol-12", live_app.camera_key))

    assert response.status_code == 401, response.text
    assert stored(live_app) == []


def test_another_cameras_key_in_the_url_is_refused(live_app: LiveApp) -> None:
    configure(live_app, device_auth=DeviceAuth.URL_KEY)  # main-st-north may; patrol-12 may not

    response = _post(live_app, f"/api/v1/ingest/rekor/k/{live_app.mobile_key}")

    assert response.status_code == 401, response.text


def test_the_bearer_key_works_whatever_else_is_allowed(live_app: LiveApp) -> None:
    configure(live_app, device_auth=DeviceAuth.URL_KEY)

    with live_app.client(live_app.camera_key) as client:
        response = client.post("/api/v1/ingest/rekor", content=_group(), headers=_JSON)

    assert response.status_code == 201, response.text


def test_an_unknown_source_and_a_wrong_media_type_are_named(live_app: LiveApp) -> None:
    with live_app.client(live_app.camera_key) as client:
        unknown = client.post("/api/v1/ingest/acme", content=_group(), headers=_JSON)
        xml_to_rekor = client.post(
            "/api/v1/ingest/rekor",
            content=payload("genetec_read.xml"),
            headers={"Content-Type": "application/xml"},
        )

    assert unknown.status_code == 404
    assert "rekor" in unknown.json()["hint"]
    assert xml_to_rekor.status_code == 415
    assert stored(live_app) == []


def test_a_body_over_the_limit_is_refused_with_413(live_app: LiveApp) -> None:
    limit = live_app.services.ingest.limits.max_image_bytes * 3
    with live_app.client(live_app.camera_key) as client:
        response = client.post(
            "/api/v1/ingest/rekor", content=b" " * limit + _group(), headers=_JSON
        )

    assert response.status_code == 413
    assert stored(live_app) == []


def test_the_key_in_a_url_is_never_logged(
    live_app: LiveApp, caplog: pytest.LogCaptureFixture
) -> None:
    """Served as `platekeeper serve` serves at DEBUG, where uvicorn writes every request line."""
    configure(live_app, device_auth=DeviceAuth.URL_KEY)
    services = live_app.services
    settings = services.settings.model_copy(update={"log_level": "DEBUG"})
    install_url_key_redaction()
    listening = Listening(bind("127.0.0.1", 0), None)
    server = uvicorn.Server(server_config(create_app(services), settings, None))
    access = _Captured()
    logging.getLogger("uvicorn.access").addHandler(access)
    caplog.set_level(logging.DEBUG)
    try:
        with (
            closing(listening),
            running(server, [listening.socket]),
            httpx.Client(base_url=listening.url, timeout=30.0) as client,
        ):
            path = f"/api/v1/ingest/rekor/k/{live_app.camera_key}"
            created = client.post(path, content=_group(), headers=_JSON)
            refused = client.post(path.replace("rekor", "acme"), content=b"{}", headers=_JSON)
    finally:
        logging.getLogger("uvicorn.access").removeHandler(access)

    assert (created.status_code, refused.status_code) == (201, 404)
    # The test's own client (httpx) names the URL it calls; the server's logs are the point.
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    written = access.lines + [record.getMessage() for record in server_side]
    assert any(f"/k/{REDACTED}" in line for line in access.lines), access.lines
    assert not [line for line in written if live_app.camera_key in line]


class _Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())
