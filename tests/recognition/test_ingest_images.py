"""Ingest from image files, in process and through the ``platekeeper`` command."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from platekeeper.domain import Camera
from platekeeper.domain.people import Role
from platekeeper.ingest.images import ImageFileSource
from platekeeper.recognition import PlatePipeline
from platekeeper.services import Services
from platekeeper.store import ReadQuery
from tests.cli.console import add_people, run_as
from tests.cli.test_cli import assert_user_error, run
from tests.conftest import FixedClock
from tests.policy.samples import write_complete_policy
from tests.recognition.render import compose

POSITION = ("--latitude", "38.58", "--longitude", "-121.49")


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of three photos: one plate, two plates, none; and a file that is no image."""
    folder = tmp_path_factory.mktemp("photos")
    one, _ = compose(["7ABC123"], seed=40)
    two, _ = compose(["KXR4821", "5TRW903"], seed=41)
    none, _ = compose(["X"], seed=42)
    none = none.copy()
    none[:] = 128
    Image.fromarray(one).save(folder / "a.jpg", quality=92)
    Image.fromarray(two).save(folder / "b.png")
    Image.fromarray(none).save(folder / "c.jpg")
    return folder


def test_each_plate_is_stored_with_its_crop_and_image_once(
    photos: Path, pipeline: PlatePipeline, ingest_services: tuple[Services, Camera]
) -> None:
    services, camera = ingest_services
    source = ImageFileSource(
        pipeline, services.ingest, services.clock, services.store.reads, use_file_time=False
    )
    files = sorted(photos.iterdir())
    seen: list[Path] = []
    report = source.run(camera, files, seen.append)
    assert (report.images, report.stored, report.without_plates, report.failed) == (3, 3, 1, ())
    assert seen == files
    reads = services.store.reads.find(ReadQuery())
    assert sorted(r.plate_text for r in reads) == ["5TRW903", "7ABC123", "KXR4821"]
    for read in reads:
        assert read.crop_ref is not None
        assert read.image_ref is not None
        assert services.images.get(read.crop_ref)[:3] == b"\xff\xd8\xff"
        assert read.box is not None
        assert read.confidence > 0.5
    again = source.run(camera, files)
    assert (again.stored, again.repeated) == (0, 3)


def save_taken_on(image: Image.Image, path: Path, taken: str) -> None:
    """Save ``image`` as a JPEG whose EXIF says it was taken at ``taken`` (YYYY:MM:DD HH:MM:SS)."""
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = taken
    image.save(path, quality=92, exif=exif)


def test_the_same_photo_dated_now_twice_is_one_read(
    photos: Path,
    pipeline: PlatePipeline,
    ingest_services: tuple[Services, Camera],
    clock: FixedClock,
) -> None:
    services, camera = ingest_services
    source = ImageFileSource(
        pipeline, services.ingest, clock, services.store.reads, use_file_time=False
    )
    first = source.run(camera, [photos / "b.png"])
    clock.advance(timedelta(hours=2))  # dated now again: another capture time, the same photo
    again = source.run(camera, [photos / "b.png", photos / "a.jpg"])
    assert (first.stored, first.repeated) == (2, 0)
    assert (again.stored, again.repeated) == (1, 2)
    plates = sorted(read.plate_text for read in services.store.reads.find(ReadQuery()))
    assert plates == ["5TRW903", "7ABC123", "KXR4821"]


def test_photos_dated_too_long_ago_are_named_with_their_date_and_not_read(
    tmp_path: Path,
    pipeline: PlatePipeline,
    ingest_services: tuple[Services, Camera],
    clock: FixedClock,
) -> None:
    services, camera = ingest_services
    image, _ = compose(["7ABC123"], seed=44)
    save_taken_on(Image.fromarray(image), tmp_path / "old-exif.jpg", "2019:05:01 14:02:00")
    Image.fromarray(image).save(tmp_path / "old-file.png")
    long_ago = (clock.now() - timedelta(days=45)).timestamp()
    os.utime(tmp_path / "old-file.png", (long_ago, long_ago))
    save_taken_on(Image.fromarray(image), tmp_path / "future.jpg", "2030:01:01 00:00:00")
    source = ImageFileSource(pipeline, services.ingest, clock, services.store.reads)
    files = [tmp_path / name for name in ("old-exif.jpg", "old-file.png", "future.jpg")]
    report = source.run(camera, files)
    assert (report.stored, report.undated, len(report.failed)) == (0, 3, 3)
    old_exif, old_file, future = report.failed
    assert old_exif.endswith(
        "old-exif.jpg: dated 2019-05-01 14:02 UTC by its EXIF date, more than 30 days ago"
    )
    assert "old-file.png: dated " in old_file
    assert "by its file's time (it has no EXIF date), more than 30 days ago" in old_file
    assert future.endswith("by its EXIF date, which is in the future")
    assert services.store.reads.find(ReadQuery()) == []


def test_an_unreadable_file_is_reported_and_the_rest_go_on(
    tmp_path: Path, pipeline: PlatePipeline, ingest_services: tuple[Services, Camera]
) -> None:
    services, camera = ingest_services
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image")
    image, _ = compose(["7ABC123"], seed=43)
    good = tmp_path / "good.png"
    Image.fromarray(image).save(good)
    source = ImageFileSource(
        pipeline, services.ingest, services.clock, services.store.reads, use_file_time=False
    )
    report = source.run(camera, [broken, good])
    assert report.stored == 1
    assert len(report.failed) == 1
    assert "broken.jpg" in report.failed[0]


def test_recognize_prints_openalpr_json_lines(photos: Path, tmp_path: Path) -> None:
    result = run(tmp_path / "data", "recognize", str(photos), "--json", "--topn", "3")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == ["a.jpg", "b.png", "c.jpg"]
    first = lines[0]
    assert (first["version"], first["data_type"]) == (2, "alpr_results")
    assert (first["img_width"], first["img_height"]) == (960, 540)
    assert first["processing_time_ms"] > 0
    (plate,) = first["results"]
    assert plate["plate"] == "7ABC123"
    assert 50 <= plate["confidence"] <= 100
    assert plate["matches_template"] == 1
    assert plate["region"].startswith("us")
    assert 0 <= plate["region_confidence"] <= 100
    assert len(plate["coordinates"]) == 4
    assert set(plate["coordinates"][0]) == {"x", "y"}
    assert 1 <= len(plate["candidates"]) <= 3
    assert plate["candidates"][0] == {
        "plate": "7ABC123",
        "confidence": plate["confidence"],
        "matches_template": 1,
    }
    assert sorted(r["plate"] for r in lines[1]["results"]) == ["5TRW903", "KXR4821"]
    assert lines[2]["results"] == []


def test_recognize_prints_a_table_without_json(photos: Path, tmp_path: Path) -> None:
    result = run(tmp_path / "data", "recognize", str(photos / "a.jpg"), "--region", "us")
    assert result.returncode == 0, result.stderr
    assert "7ABC123" in result.stdout


def test_recognize_a_missing_path_is_a_user_error(tmp_path: Path) -> None:
    assert_user_error(run(tmp_path, "recognize", str(tmp_path / "nope.jpg")), "does not exist")


def test_ingest_images_from_the_command_line(photos: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run(data, "db", "upgrade").returncode == 0
    write_complete_policy(data)  # nothing is stored without one
    assert_user_error(
        run(data, "ingest", "images", str(photos), "--camera", "gate"), "camera 'gate'"
    )
    assert run(data, "agency", "add", "pd", "--name", "PD", "--state", "CA").returncode == 0
    add_people(data, ("casey", "pd", Role.CUSTODIAN))
    added = run_as(data, "casey", "camera", "add", "gate", "--name", "Gate", *POSITION)
    assert added.returncode == 0, added.stderr
    result = run(data, "ingest", "images", str(photos), "--camera", "gate", "--now")
    assert result.returncode == 0, result.stderr
    assert "3 images: 3 reads stored, 0 already stored, 1 without plates, 0 failed." in (
        result.stdout
    )
    again = run(data, "ingest", "images", str(photos), "--camera", "gate", "--now")
    assert again.returncode == 0, again.stderr
    assert "3 images: 0 reads stored, 3 already stored, 1 without plates, 0 failed." in (
        again.stdout
    )


def test_ingest_images_names_old_photos_and_offers_now(photos: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run(data, "db", "upgrade").returncode == 0
    write_complete_policy(data)
    assert run(data, "agency", "add", "pd", "--name", "PD", "--state", "CA").returncode == 0
    add_people(data, ("casey", "pd", Role.CUSTODIAN))
    assert run_as(data, "casey", "camera", "add", "gate", "--name", "G", *POSITION).returncode == 0
    image, _ = compose(["7ABC123"], seed=45)
    old = tmp_path / "holiday-2019.jpg"
    save_taken_on(Image.fromarray(image), old, "2019:05:01 14:02:00")
    result = run(data, "ingest", "images", str(old), str(photos / "a.jpg"), "--camera", "gate")
    assert result.returncode == 1
    assert "2 images: 1 reads stored, 0 already stored, 0 without plates, 1 failed." in (
        result.stdout
    )
    assert "holiday-2019.jpg: dated 2019-05-01 14:02 UTC by its EXIF date" in result.stderr
    assert "again with --now" in " ".join(result.stderr.split())
    now = run(
        data, "ingest", "images", str(old), str(photos / "a.jpg"), "--camera", "gate", "--now"
    )
    assert now.returncode == 0, now.stderr
    assert "2 images: 1 reads stored, 1 already stored" in now.stdout


def test_ingest_video_from_the_command_line(clip: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run(data, "db", "upgrade").returncode == 0
    write_complete_policy(data)  # nothing is stored without one
    assert run(data, "agency", "add", "pd", "--name", "PD", "--state", "CA").returncode == 0
    add_people(data, ("casey", "pd", Role.CUSTODIAN))
    added = run_as(data, "casey", "camera", "add", "gate", "--name", "Gate", *POSITION)
    assert added.returncode == 0, added.stderr
    assert_user_error(
        run(data, "ingest", "video", str(tmp_path / "none.mp4"), "--camera", "gate"),
        "does not exist",
    )
    result = run(data, "ingest", "video", str(clip), "--camera", "gate", "--max-gap-s", "0.3")
    assert result.returncode == 0, result.stderr
    assert "9 frames: 2 passes, 2 reads stored." in result.stdout
