"""The demo's made-up world: repeatable for a seed, in the past, and shaped like real traffic."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import timedelta

import pytest

from platekeeper.demo.plates import compact, is_european
from platekeeper.demo.scenario import (
    AGENCY_ID,
    CAMERA_SITES,
    DOWNTOWN_LOOP,
    MIDTOWN_LOOP,
    DemoRead,
    demo_agency,
    generate_reads,
    issue_demo_cameras,
    local_hour,
    patrol_position,
)
from platekeeper.domain import Camera, CameraKind, GeoPoint
from platekeeper.domain.cameras import hash_camera_key
from platekeeper.errors import InvalidInput
from tests.conftest import NOW
from tests.demo.test_plates import differs_by_confusables

READ_COUNT = 2000
HOURS = 48


@pytest.fixture(scope="module")
def cameras() -> list[Camera]:
    return [issued.camera for issued in issue_demo_cameras(NOW)]


@pytest.fixture(scope="module")
def reads(cameras: list[Camera]) -> list[DemoRead]:
    return list(generate_reads(random.Random(7), cameras, now=NOW, count=READ_COUNT, hours=HOURS))


def test_the_agency_is_the_fictional_demo_department() -> None:
    agency = demo_agency(NOW)

    assert (agency.id, agency.name, agency.state) == (
        "demo-pd",
        "Demo City Police Department",
        "CA",
    )
    assert agency.created_at < NOW


def test_three_fixed_cameras_and_two_patrol_cars_each_with_its_own_key() -> None:
    issued = issue_demo_cameras(NOW)
    kinds = Counter(item.camera.kind for item in issued)

    assert kinds == {CameraKind.FIXED: 3, CameraKind.MOBILE: 2}
    assert len({item.camera.id for item in issued}) == 5
    assert len({item.api_key for item in issued}) == 5
    for item in issued:
        assert item.camera.agency_id == AGENCY_ID
        assert item.camera.api_key_hash == hash_camera_key(item.api_key)
        assert item.camera.status.may_ingest
        if item.camera.kind is CameraKind.FIXED:
            assert item.camera.location is not None
            assert item.camera.heading_deg is not None
            assert _near_sacramento(item.camera.location)


def _near_sacramento(point: GeoPoint) -> bool:
    return 38.5 < point.latitude < 38.65 and -121.6 < point.longitude < -121.4


def test_the_same_seed_gives_the_same_reads(cameras: list[Camera]) -> None:
    first = list(generate_reads(random.Random(3), cameras, now=NOW, count=300, hours=24))
    again = list(generate_reads(random.Random(3), cameras, now=NOW, count=300, hours=24))
    other = list(generate_reads(random.Random(4), cameras, now=NOW, count=300, hours=24))

    assert first == again
    assert [read.submission.plate_text for read in first] != [
        read.submission.plate_text for read in other
    ]


def test_reads_are_as_many_as_asked_oldest_first_within_the_window(
    reads: list[DemoRead],
) -> None:
    times = [read.submission.captured_at for read in reads]

    assert len(reads) == READ_COUNT
    assert times == sorted(times)
    assert all(NOW - timedelta(hours=HOURS) <= at <= NOW for at in times)
    assert len({read.submission.client_read_id for read in reads}) == READ_COUNT


def test_every_camera_reads_and_only_patrol_cars_send_positions(
    reads: list[DemoRead], cameras: list[Camera]
) -> None:
    kinds = {camera.id: camera.kind for camera in cameras}

    assert set(Counter(read.camera_id for read in reads)) == set(kinds)
    for read in reads:
        location = read.submission.location
        if kinds[read.camera_id] is CameraKind.MOBILE:
            assert location is not None
            assert _near_sacramento(location)
        else:
            assert location is None


def test_patrol_cars_move_along_their_loops() -> None:
    rng = random.Random(1)
    positions = [
        patrol_position("patrol-17", NOW + timedelta(minutes=minute), rng) for minute in range(60)
    ]
    loop_lats = [point.latitude for point in MIDTOWN_LOOP]
    loop_lons = [point.longitude for point in MIDTOWN_LOOP]

    assert len(set(positions)) == 60
    for point in positions:
        assert min(loop_lats) - 0.001 < point.latitude < max(loop_lats) + 0.001
        assert min(loop_lons) - 0.001 < point.longitude < max(loop_lons) + 0.001


def test_an_unknown_patrol_car_drives_the_downtown_loop() -> None:
    point = patrol_position("patrol-99", NOW, random.Random(1))

    assert min(p.latitude for p in DOWNTOWN_LOOP) - 0.001 < point.latitude
    assert point.latitude < max(p.latitude for p in DOWNTOWN_LOOP) + 0.001


def test_some_vehicles_recur_while_most_pass_once(reads: list[DemoRead]) -> None:
    sightings = Counter(read.plate_shown for read in reads)
    seen_once = sum(1 for count in sightings.values() if count == 1)

    assert sum(1 for count in sightings.values() if count >= 4) >= 20
    assert seen_once > 0.8 * len(sightings)


def test_commuters_are_read_by_the_same_fixed_camera_at_rush_hour(
    reads: list[DemoRead], cameras: list[Camera]
) -> None:
    fixed = {camera.id for camera in cameras if camera.kind is CameraKind.FIXED}
    frequent = [
        plate for plate, count in Counter(r.plate_shown for r in reads).items() if count > 5
    ]
    rush = [
        read
        for read in reads
        if read.plate_shown in frequent
        and read.camera_id in fixed
        and (6 <= local_hour(read.submission.captured_at) < 10)
    ]

    assert frequent
    assert len(rush) > len(frequent)


def test_traffic_peaks_at_rush_hour_and_ebbs_at_night(reads: list[DemoRead]) -> None:
    by_hour = Counter(int(local_hour(read.submission.captured_at)) for read in reads)

    assert by_hour[17] > 4 * by_hour[3]
    assert by_hour[8] > 4 * by_hour[2]
    assert all(
        read.night == (not 6 <= local_hour(read.submission.captured_at) < 20) for read in reads
    )


def test_plates_follow_real_formats_mostly_californian(reads: list[DemoRead]) -> None:
    formats = {
        "us-ca": r"[1-9][A-HJ-NP-Z]{3}[0-9]{3}",
        "us-tx": r"[A-Z]{3}-[0-9]{4}",
        "us-ny": r"[A-Z]{3}-[0-9]{4}",
        "us-or": r"[0-9]{3} [A-Z]{3}",
        "de": r"[A-Z]{1,2} [A-Z]{1,2} [1-9][0-9]{0,3}",
        "fr": r"[A-Z]{2}-[0-9]{3}-[A-Z]{2}",
        "nl": r"[A-Z]{2}-[0-9]{3}-[A-Z]",
    }
    regions = Counter(read.plate_region for read in reads)

    for read in reads:
        assert re.fullmatch(formats[read.plate_region], read.plate_shown), read.plate_shown
    assert regions["us-ca"] > 0.75 * len(reads)
    assert sum(count for region, count in regions.items() if is_european(region)) > 0
    assert sum(count for region, count in regions.items() if region != "us-ca") > 100


def test_regions_are_reported_with_a_confidence_or_not_at_all(reads: list[DemoRead]) -> None:
    for read in reads:
        submission = read.submission
        if submission.region is None:
            assert submission.region_confidence is None
        else:
            assert submission.region == read.plate_region
            assert submission.region_confidence is not None
    assert sum(read.submission.region is None for read in reads) < 0.1 * len(reads)


def test_alternatives_are_ocr_confusions_less_likely_than_the_reading(
    reads: list[DemoRead],
) -> None:
    counts = Counter(len(read.submission.candidates) for read in reads)

    assert set(counts) == {0, 1, 2, 3}
    for read in reads:
        submission = read.submission
        texts = [candidate.plate_text for candidate in submission.candidates]
        assert len(set(texts)) == len(texts)
        for candidate in submission.candidates:
            assert candidate.confidence < submission.confidence
            assert differs_by_confusables(submission.plate_text, candidate.plate_text)


def test_a_misread_keeps_the_true_plate_among_the_alternatives(reads: list[DemoRead]) -> None:
    misreads = [r for r in reads if r.submission.plate_text != compact(r.plate_shown)]

    assert 0.01 * len(reads) < len(misreads) < 0.1 * len(reads)
    for read in misreads:
        alternatives = [candidate.plate_text for candidate in read.submission.candidates]
        assert compact(read.plate_shown) in alternatives


def test_confidence_is_mostly_high_with_a_tail_of_poor_reads(reads: list[DemoRead]) -> None:
    confidences = [read.submission.confidence for read in reads]

    assert sum(value >= 0.8 for value in confidences) > 0.7 * len(reads)
    assert any(value < 0.6 for value in confidences)


def test_plate_boxes_lie_in_the_frame(reads: list[DemoRead]) -> None:
    for read in reads:
        box = read.submission.box
        assert box is not None
        assert all(0 <= p.x <= 1280 and 0 <= p.y <= 720 for p in box.corners)


@pytest.mark.parametrize(("count", "hours"), [(-1, 24), (10, 0)])
def test_impossible_requests_are_refused(cameras: list[Camera], count: int, hours: int) -> None:
    with pytest.raises(InvalidInput):
        generate_reads(random.Random(1), cameras, now=NOW, count=count, hours=hours)


def test_no_reads_without_cameras_to_take_them() -> None:
    assert list(generate_reads(random.Random(1), [], now=NOW, count=0, hours=1)) == []
    with pytest.raises(InvalidInput):
        generate_reads(random.Random(1), [], now=NOW, count=1, hours=1)


def test_a_short_window_still_has_recurring_vehicles(cameras: list[Camera]) -> None:
    reads = list(generate_reads(random.Random(5), cameras, now=NOW, count=200, hours=1))
    sightings = Counter(read.plate_shown for read in reads)

    assert all(NOW - timedelta(hours=1) <= r.submission.captured_at <= NOW for r in reads)
    assert max(sightings.values()) >= 3


def test_sites_are_the_cameras_issued() -> None:
    assert [site.id for site in CAMERA_SITES] == [
        item.camera.id for item in issue_demo_cameras(NOW)
    ]
