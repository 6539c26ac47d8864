"""Seeding a real store: agency and cameras once, reads through ingest, images that resolve."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from PIL import Image

from platekeeper.demo import seed as seed_module
from platekeeper.demo import seed_demo
from platekeeper.demo.scenario import AGENCY_ID, CAMERA_SITES, demo_agency, issue_demo_cameras
from platekeeper.domain import CameraKind, PlateRead
from platekeeper.errors import InvalidInput
from platekeeper.services import Services
from platekeeper.store import ReadQuery
from tests.conftest import FixedClock

READ_COUNT = 40


def stored_reads(services: Services) -> list[PlateRead]:
    return services.store.reads.find(ReadQuery(limit=10_000))


def test_a_fresh_store_gets_the_agency_five_cameras_and_the_reads(services: Services) -> None:
    summary = seed_demo(services, read_count=READ_COUNT, hours=24, seed=1)

    store = services.store
    assert summary.agency_created
    assert [agency.id for agency in store.agencies.list()] == [AGENCY_ID]
    assert {camera.id for camera in store.cameras.list(AGENCY_ID)} == {
        site.id for site in CAMERA_SITES
    }
    assert len(summary.camera_keys) == 5
    assert summary.notes == ()
    assert (summary.reads_created, summary.duplicates) == (READ_COUNT, 0)
    assert summary.images_rendered == READ_COUNT
    assert store.reads.stats().read_count == READ_COUNT


def test_the_keys_shown_are_the_cameras_ingest_keys(services: Services) -> None:
    summary = seed_demo(services, read_count=0, hours=1, seed=1)

    for camera, key in summary.camera_keys:
        assert services.ingest.authenticate(key).id == camera.id


def test_every_stored_image_resolves_to_a_jpeg_holding_the_plate_box(services: Services) -> None:
    seed_demo(services, read_count=READ_COUNT, hours=24, seed=2)

    reads = stored_reads(services)
    assert len(reads) == READ_COUNT
    for read in reads:
        assert read.image_ref is not None
        assert read.crop_ref is not None
        full = Image.open(io.BytesIO(services.images.get(read.image_ref)))
        crop = Image.open(io.BytesIO(services.images.get(read.crop_ref)))
        assert (full.format, crop.format) == ("JPEG", "JPEG")
        assert crop.width < full.width
        assert crop.height < full.height
        assert read.box is not None
        assert all(0 <= p.x <= full.width and 0 <= p.y <= full.height for p in read.box.corners)


def test_patrol_car_reads_are_stored_with_positions(services: Services) -> None:
    seed_demo(services, read_count=100, hours=24, seed=3, image_fraction=0.0)

    kinds = {camera.id: camera.kind for camera in services.store.cameras.list(AGENCY_ID)}
    mobile = [read for read in stored_reads(services) if kinds[read.camera_id] is CameraKind.MOBILE]
    assert mobile
    assert all(read.location is not None for read in mobile)


def test_seeding_again_reuses_the_agency_and_cameras(services: Services, clock: FixedClock) -> None:
    first = seed_demo(services, read_count=READ_COUNT, hours=24, seed=1, image_fraction=0.0)
    clock.advance(timedelta(minutes=10))

    second = seed_demo(services, read_count=READ_COUNT, hours=24, seed=1, image_fraction=0.0)

    assert not second.agency_created
    assert second.agency == first.agency
    assert second.camera_keys == ()
    assert [(demo.camera.id, demo.camera.api_key_hash) for demo in second.cameras] == [
        (demo.camera.id, demo.camera.api_key_hash) for demo in first.cameras
    ]
    assert any("cannot be shown" in note for note in second.notes)
    assert len(services.store.agencies.list()) == 1
    assert len(services.store.cameras.list()) == 5
    assert second.reads_created == READ_COUNT
    assert services.store.reads.stats().read_count == 2 * READ_COUNT


def test_a_run_moments_later_adds_new_reads_even_at_the_same_capture_times(
    services: Services, clock: FixedClock
) -> None:
    first = seed_demo(services, read_count=READ_COUNT, hours=24, seed=5, image_fraction=0.0)
    clock.advance(timedelta(milliseconds=1))

    second = seed_demo(services, read_count=READ_COUNT, hours=24, seed=5, image_fraction=0.0)

    assert (first.reads_created, second.reads_created, second.duplicates) == (
        READ_COUNT,
        READ_COUNT,
        0,
    )


def test_the_same_seed_at_the_same_instant_is_a_retry(services: Services) -> None:
    seed_demo(services, read_count=READ_COUNT, hours=24, seed=4)

    again = seed_demo(services, read_count=READ_COUNT, hours=24, seed=4)

    assert (again.reads_created, again.duplicates) == (0, READ_COUNT)
    assert services.store.reads.stats().read_count == READ_COUNT


def test_missing_demo_cameras_are_added_to_an_existing_agency(
    services: Services, clock: FixedClock
) -> None:
    services.store.agencies.add(demo_agency(clock.now()))
    kept = issue_demo_cameras(clock.now(), CAMERA_SITES[:2])
    for issued in kept:
        services.store.cameras.add(issued.camera)

    summary = seed_demo(services, read_count=0, hours=1, seed=1)

    assert not summary.agency_created
    assert {camera.id for camera, _ in summary.camera_keys} == {s.id for s in CAMERA_SITES[2:]}
    assert [demo.api_key for demo in summary.cameras[:2]] == [None, None]
    assert len(services.store.cameras.list(AGENCY_ID)) == 5


def test_only_a_share_of_reads_gets_images_when_asked(services: Services) -> None:
    summary = seed_demo(services, read_count=READ_COUNT, hours=24, seed=5, image_fraction=0.25)

    with_images = [read for read in stored_reads(services) if read.image_ref is not None]
    assert summary.images_rendered == READ_COUNT // 4
    assert len(with_images) == READ_COUNT // 4
    assert all(read.crop_ref is not None for read in with_images)


def test_progress_hears_each_batch(services: Services) -> None:
    done: list[int] = []

    seed_demo(
        services,
        read_count=25,
        hours=24,
        seed=6,
        progress=done.append,
        image_fraction=0.0,
        batch_size=10,
    )

    assert done == [10, 20, 25]


@pytest.mark.parametrize(
    "arguments",
    [
        {"image_fraction": 1.5},
        {"image_fraction": -0.1},
        {"batch_size": 0},
        {"read_count": -1},
        {"hours": 0},
    ],
)
def test_impossible_requests_are_refused_before_anything_is_stored(
    services: Services, arguments: dict[str, float]
) -> None:
    options: dict[str, float] = {"read_count": 10, "hours": 24, "seed": 1} | arguments
    with pytest.raises(InvalidInput):
        seed_demo(
            services,
            read_count=int(options["read_count"]),
            hours=int(options["hours"]),
            seed=int(options["seed"]),
            image_fraction=options.get("image_fraction", 1.0),
            batch_size=int(options.get("batch_size", 200)),
        )
    assert services.store.agencies.list() == []
    assert services.store.cameras.list() == []


def test_no_plate_text_is_logged_above_debug(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        seed_demo(services, read_count=READ_COUNT, hours=24, seed=7, image_fraction=0.0)

    plates = {read.plate_text for read in stored_reads(services)}
    messages = [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG]
    assert messages
    assert not [message for message in messages if any(plate in message for plate in plates)]


def test_by_default_pictures_stop_at_the_cap_spread_over_all_reads(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seed_module, "MAX_PICTURED_READS", 10)

    summary = seed_demo(services, read_count=READ_COUNT, hours=24, seed=8)

    pictured = [read.image_ref is not None for read in reversed(stored_reads(services))]
    assert summary.images_rendered == 10
    assert sum(pictured) == 10
    assert any(pictured[: READ_COUNT // 2])
    assert any(pictured[READ_COUNT // 2 :])
