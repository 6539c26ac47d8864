"""Fetching an image by URL from a real local HTTP server: the image with the camera's
credentials, and every bound (refusal, size, content type, scheme, redirects to other hosts)."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import cast

import pytest

from platekeeper.ingest.sources.fetch import (
    FetchLimits,
    ImageCredentials,
    ImageFetchFailed,
    fetch_image,
)
from tests.api.sources.helpers import jpeg

_IMAGE = jpeg("gray", (64, 48))
_CREDENTIALS = ImageCredentials("frigate", "s3cret-made-up")
_LIMITS = FetchLimits(timeout_s=5, max_bytes=64 * 1024)


class _Camera(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        port = cast(ThreadingHTTPServer, self.server).server_port
        routes: dict[str, Callable[[], None]] = {
            "/snapshot.jpg": self._snapshot,
            "/locked.jpg": self._locked,
            "/refused.jpg": lambda: self._send(403, b"no", "text/plain"),
            "/broken.jpg": lambda: self._send(503, b"later", "text/plain"),
            "/huge.jpg": lambda: self._send(200, b"\xff" * (65 * 1024), "image/jpeg"),
            "/page.html": lambda: self._send(200, b"<html></html>", "text/html"),
            "/here": lambda: self._redirect(f"http://127.0.0.1:{port}/snapshot.jpg"),
            "/away": lambda: self._redirect(f"http://localhost:{port}/snapshot.jpg"),
        }
        path = self.path.split("?", 1)[0]
        routes.get(path, lambda: self._send(404, b"", "text/plain"))()

    def _snapshot(self) -> None:
        self._send(200, _IMAGE, "image/jpeg")

    def _locked(self) -> None:
        expected = "Basic " + base64.b64encode(b"frigate:s3cret-made-up").decode()
        if self.headers.get("Authorization") != expected:
            self._send(401, b"", "text/plain")
        else:
            self._snapshot()

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def camera() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Camera)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_image_with_the_cameras_credentials(camera: str) -> None:
    data, content_type = fetch_image(f"{camera}/locked.jpg", _CREDENTIALS, _LIMITS)

    assert (data, content_type) == (_IMAGE, "image/jpeg")


def test_a_same_host_redirect_is_followed(camera: str) -> None:
    assert fetch_image(f"{camera}/here", None, _LIMITS)[0] == _IMAGE


@pytest.mark.parametrize(
    ("path", "reason", "retry"),
    [
        ("/locked.jpg", "answered 401", False),
        ("/refused.jpg", "answered 403", False),
        ("/broken.jpg", "answered 503", True),
        ("/huge.jpg", "over the 65536 byte limit", False),
        ("/page.html", "sent text/html, not an image", False),
        ("/away", "redirected to another host", False),
    ],
)
def test_what_is_refused_says_why_without_the_url_or_secret(
    camera: str, path: str, reason: str, retry: bool
) -> None:
    with pytest.raises(ImageFetchFailed) as failed:
        fetch_image(f"{camera}{path}?token=signed-secret", None, _LIMITS)

    assert reason in failed.value.reason
    assert failed.value.retry is retry
    assert "signed-secret" not in failed.value.reason
    assert path not in failed.value.reason


def test_only_http_and_https_and_an_unreachable_host_is_retried() -> None:
    with pytest.raises(ImageFetchFailed) as refused:
        fetch_image("file:///etc/passwd", None, _LIMITS)
    assert refused.value.retry is False

    with pytest.raises(ImageFetchFailed) as unreachable:
        fetch_image("http://127.0.0.1:9/x.jpg", _CREDENTIALS, _LIMITS)
    assert unreachable.value.retry is True
    assert "s3cret" not in unreachable.value.reason
