"""Images that devices send as URLs (Verkada ``image_url``, Axis ``imagesURI``): the read is
stored at once, the image fetched afterwards from a real local HTTP server with the camera's
credentials, retried a few times, and a failure recorded; never the URL nor the password in a log
line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from platekeeper.accounts.sealing import load_secret_seal
from platekeeper.domain.retention import DataClass, RetentionRule
from platekeeper.errors import NotFound
from platekeeper.ingest.sources.fetch import FetchLimits
from platekeeper.ingest.sources.fetcher import ImageFetcher
from platekeeper.store.protocols.image_fetches import ImageSource
from tests.api.conftest import LiveApp
from tests.api.sources.helpers import CAMERA, document, image, jpeg, only_read, post, stored
from tests.api.sources.image_server import Answer, ImageServer, image_server

_PASSWORD = "made-up-image-secret"
_PICTURE = jpeg("navy", (80, 60))


@pytest.fixture
def server() -> Iterator[ImageServer]:
    with image_server() as serving:
        yield serving


def _verkada(url: str) -> dict[str, Any]:
    upload = document("verkada_lpr.json")
    upload["data"]["image_url"] = url
    return upload


def _credentials(app: LiveApp, user: str = "viewer", base_url: str | None = None) -> None:
    fetcher = app.services.image_fetcher
    source = fetcher.image_source(CAMERA, base_url, user, _PASSWORD)
    app.services.store.image_fetches.set_source(CAMERA, source)


def _fetcher(app: LiveApp, *, max_bytes: int = 64 * 1024) -> ImageFetcher:
    """A fetcher on the app's store whose retries are due at once and whose size limit is
    small."""
    services = app.services
    return ImageFetcher(
        services.store,
        services.images,
        services.clock,
        load_secret_seal(services.settings.second_factor_key_path),
        FetchLimits(timeout_s=5, max_bytes=max_bytes),
        retry_waits=(timedelta(0), timedelta(0), timedelta(0)),
    )


def test_the_read_is_stored_at_once_and_its_image_fetched_with_the_cameras_credentials(
    live_app: LiveApp, server: ImageServer, caplog: pytest.LogCaptureFixture
) -> None:
    _credentials(live_app)
    url = server.image("/signed/lpr.jpg", _PICTURE, user="viewer", password=_PASSWORD)

    response = post(live_app, "verkada", _verkada(url + "?token=made-up-signature"))

    assert response.status_code == 201, response.text
    assert only_read(live_app).image_ref is None  # ingest never waited on the camera's server
    assert server.requested == []
    with caplog.at_level(logging.INFO):
        assert live_app.services.image_fetcher.run_due() == 1
    read = only_read(live_app)
    assert image(live_app, read.image_ref) == _PICTURE
    assert live_app.services.store.image_fetches.pending_count() == 0
    logged = _ours(caplog)
    assert "fetched the image" in logged
    assert "made-up-signature" not in logged
    assert "/signed/" not in logged
    assert _PASSWORD not in logged
    assert read.plate_text not in logged


def test_a_resend_is_a_duplicate_and_fetches_nothing_twice(
    live_app: LiveApp, server: ImageServer
) -> None:
    url = server.image("/lpr.jpg", _PICTURE)
    post(live_app, "verkada", _verkada(url))
    live_app.services.image_fetcher.run_due()

    response = post(live_app, "verkada", _verkada(url))

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "duplicate"
    assert live_app.services.image_fetcher.run_due() == 0
    assert server.requested == ["/lpr.jpg"]
    assert image(live_app, only_read(live_app).image_ref) == _PICTURE


def test_a_refusal_is_recorded_once_without_the_url_and_the_read_kept(
    live_app: LiveApp, server: ImageServer, caplog: pytest.LogCaptureFixture
) -> None:
    _credentials(live_app, user="someone-else")
    url = server.image("/lpr.jpg", _PICTURE, user="viewer", password=_PASSWORD)
    post(live_app, "verkada", _verkada(url))

    with caplog.at_level(logging.INFO):
        _fetcher(live_app).run_due()

    [failed] = live_app.services.store.image_fetches.failed(CAMERA)
    assert (failed.attempts, failed.failure) == (1, "127.0.0.1 answered 401")
    assert only_read(live_app).image_ref is None
    assert _fetcher(live_app).run_due() == 0  # a refusal is not retried
    logged = _ours(caplog)
    assert "/lpr.jpg" not in logged
    assert "gave up" in logged


def test_an_image_over_the_limit_is_not_stored(live_app: LiveApp, server: ImageServer) -> None:
    url = server.image("/huge.jpg", _PICTURE + b"\0" * (70 * 1024))
    post(live_app, "verkada", _verkada(url))

    _fetcher(live_app).run_due()

    [failed] = live_app.services.store.image_fetches.failed(CAMERA)
    assert "over the 65536 byte limit" in failed.failure
    assert only_read(live_app).image_ref is None


def test_a_server_away_is_tried_again_then_given_up(live_app: LiveApp, server: ImageServer) -> None:
    answers = iter([Answer(503), Answer(503), Answer(200, _PICTURE)])
    server.routes["/flaky.jpg"] = lambda: next(answers)
    server.routes["/away.jpg"] = lambda: Answer(503)
    post(live_app, "verkada", _verkada(server.base_url + "/flaky.jpg"))
    other = _verkada(server.base_url + "/away.jpg")
    other["data"]["created"] += 60
    post(live_app, "verkada", other)
    fetcher = _fetcher(live_app)

    for _ in range(5):
        fetcher.run_due()

    by_image = {read.image_ref is None: read for read in stored(live_app)}
    assert image(live_app, by_image[False].image_ref) == _PICTURE
    [failed] = live_app.services.store.image_fetches.failed(CAMERA)
    assert (failed.read_id, failed.attempts) == (by_image[True].id, 4)
    assert failed.failure == "127.0.0.1 answered 503"
    summary = live_app.services.store.image_fetches.failures([CAMERA, "elsewhere"])
    assert list(summary) == [CAMERA]
    assert (summary[CAMERA].count, summary[CAMERA].latest_reason) == (1, failed.failure)
    assert server.requested.count("/away.jpg") == 4


def test_a_retry_waits_its_time(live_app: LiveApp, server: ImageServer) -> None:
    server.routes["/later.jpg"] = lambda: Answer(503)
    post(live_app, "verkada", _verkada(server.base_url + "/later.jpg"))
    fetcher = live_app.services.image_fetcher

    assert fetcher.run_due() == 1
    assert fetcher.run_due() == 0
    live_app.services.clock.advance(timedelta(seconds=31))  # type: ignore[attr-defined]
    assert fetcher.run_due() == 1


def test_an_axis_image_path_is_fetched_from_the_cameras_base_url(
    live_app: LiveApp, server: ImageServer
) -> None:
    _credentials(live_app, base_url=server.base_url)
    server.image("/local/fflprapp/tools.cgi", _PICTURE, user="viewer", password=_PASSWORD)
    push = document("axis_new.json")
    for key in ("plateImage", "imageType", "plateImageType"):
        push.pop(key)
    push["imagesURI"] = ["/local/fflprapp/tools.cgi?action=getImage&name=made-up-219"]

    response = post(live_app, "axis", push)
    live_app.services.image_fetcher.run_due()

    assert response.status_code == 201, response.text
    assert image(live_app, only_read(live_app).image_ref) == _PICTURE


def test_an_image_path_without_a_base_url_is_not_queued(live_app: LiveApp) -> None:
    push = document("axis_new.json")
    push.pop("plateImage")
    push["imagesURI"] = ["/local/fflprapp/tools.cgi?action=getImage&name=made-up-219"]

    assert post(live_app, "axis", push).status_code == 201
    assert live_app.services.store.image_fetches.pending_count() == 0


def test_a_read_purged_before_its_image_came_gets_none(
    live_app: LiveApp, server: ImageServer
) -> None:
    url = server.image("/lpr.jpg", _PICTURE)
    post(live_app, "verkada", _verkada(url))
    services = live_app.services
    services.store.reads.delete_captured_before(only_read(live_app).captured_at + timedelta(1))

    assert services.image_fetcher.run_due() == 1

    assert services.store.image_fetches.pending_count() == 0
    assert server.requested == []


def test_the_password_is_sealed_at_rest(live_app: LiveApp) -> None:
    _credentials(live_app)

    source = live_app.services.store.image_fetches.source(CAMERA)

    assert source.username == "viewer"
    assert source.sealed_password is not None
    assert _PASSWORD not in source.sealed_password
    assert _PASSWORD not in repr(source)


def test_no_credentials_clear_the_source(live_app: LiveApp) -> None:
    _credentials(live_app)

    live_app.services.store.image_fetches.set_source(CAMERA, ImageSource())

    assert live_app.services.store.image_fetches.source(CAMERA) == ImageSource()


def _ours(caplog: pytest.LogCaptureFixture) -> str:
    # httpx names URLs at INFO; the server sets it to WARNING (cli/serve.py configure_logging).
    return "\n".join(
        record.getMessage() for record in caplog.records if record.name.startswith("platekeeper")
    )


def test_a_fetched_image_is_purged_with_its_read(live_app: LiveApp, server: ImageServer) -> None:
    services = live_app.services
    post(live_app, "verkada", _verkada(server.image("/lpr.jpg", _PICTURE)))
    services.image_fetcher.run_due()
    ref = only_read(live_app).image_ref
    assert ref is not None
    rule = RetentionRule(DataClass.NON_HIT_READS, timedelta(days=30), "test policy")
    services.purge.rules[DataClass.NON_HIT_READS] = rule  # this test's services only
    services.clock.advance(timedelta(days=31))  # type: ignore[attr-defined]

    services.purge.run()

    assert stored(live_app) == []
    with pytest.raises(NotFound):
        services.images.get(ref)
