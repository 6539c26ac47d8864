"""The storage contract: every backend passes these tests unchanged."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from platekeeper.domain import Agency, CameraKind, CameraStatus, GeoPoint, PlateRead
from platekeeper.domain.geo import METRES_PER_DEGREE, GeoArea, GeoBox, GeoCircle
from platekeeper.errors import Conflict, NotFound
from platekeeper.store import ReadCursor, ReadQuery, Store, StoredOutcome
from tests.conftest import NOW, make_agency, make_camera, make_read, make_submission

DAY = timedelta(days=1)


def test_upgrade_applies_every_migration_once(empty_store: Store) -> None:
    assert empty_store.schema_version() == 0
    pending = empty_store.pending_migrations()
    assert pending[:2] == ["0001_initial", "0002_accounts"]
    assert empty_store.upgrade() == pending
    assert empty_store.upgrade() == []
    assert empty_store.schema_version() == len(pending)
    assert empty_store.pending_migrations() == []


def test_agencies_round_trip_and_refuse_a_second_with_the_same_id(store: Store) -> None:
    assert store.agencies.get("demo-pd") == make_agency()
    store.agencies.add(make_agency("other-pd"))
    assert [agency.id for agency in store.agencies.list()] == ["demo-pd", "other-pd"]
    with pytest.raises(Conflict):
        store.agencies.add(make_agency("other-pd"))
    assert store.agencies.get("missing") is None


def test_cameras_round_trip_and_are_found_by_key_hash(store: Store) -> None:
    mobile, _ = make_camera("patrol-12", kind=CameraKind.MOBILE)
    store.cameras.add(mobile)
    assert store.cameras.get("patrol-12") == mobile
    assert store.cameras.by_key_hash(mobile.api_key_hash) == mobile
    assert store.cameras.by_key_hash("0" * 64) is None
    assert [camera.id for camera in store.cameras.list("demo-pd")] == [
        "main-st-north",
        "patrol-12",
    ]
    assert store.cameras.list("other-pd") == []


def test_a_camera_id_or_key_is_never_shared(store: Store) -> None:
    again, _ = make_camera("main-st-north")
    with pytest.raises(Conflict):
        store.cameras.add(again)
    other, _ = make_camera("other")
    existing = store.cameras.get("main-st-north")
    assert existing is not None
    with pytest.raises(Conflict):
        store.cameras.add(replace(other, api_key_hash=existing.api_key_hash))


def test_an_agencys_time_zone_is_kept_and_changed(store: Store) -> None:
    store.agencies.add(Agency("tor-ps", "Toronto Police", "ON", NOW, time_zone="America/Toronto"))
    assert store.agencies.get("demo-pd") == make_agency()
    assert make_agency().time_zone == "America/Los_Angeles"  # from its state, California
    store.agencies.set_time_zone("demo-pd", "America/Phoenix")
    assert {agency.id: agency.time_zone for agency in store.agencies.list()} == {
        "demo-pd": "America/Phoenix",
        "tor-ps": "America/Toronto",
    }
    with pytest.raises(NotFound):
        store.agencies.set_time_zone("missing", "UTC")


def test_camera_of_an_unknown_agency_is_refused(store: Store) -> None:
    camera, _ = make_camera("lost", agency_id="nobody")
    with pytest.raises(NotFound):
        store.cameras.add(camera)


def test_a_new_key_replaces_the_old_one(store: Store) -> None:
    old = store.cameras.get("main-st-north")
    assert old is not None
    store.cameras.replace_key("main-st-north", "a" * 64)
    assert store.cameras.by_key_hash(old.api_key_hash) is None
    camera = store.cameras.by_key_hash("a" * 64)
    assert camera is not None
    assert camera.id == "main-st-north"
    other, _ = make_camera("elm-st")
    store.cameras.add(other)
    with pytest.raises(Conflict):
        store.cameras.replace_key("elm-st", "a" * 64)
    with pytest.raises(NotFound):
        store.cameras.replace_key("missing", "b" * 64)


def test_camera_status_and_last_contact(store: Store) -> None:
    store.cameras.set_status("main-st-north", CameraStatus.MAINTENANCE)
    store.cameras.record_contact("main-st-north", NOW)
    store.cameras.record_contact("main-st-north", NOW - timedelta(hours=1))
    camera = store.cameras.get("main-st-north")
    assert camera is not None
    assert camera.status is CameraStatus.MAINTENANCE
    assert camera.last_contact_at == NOW  # an older contact arriving late does not move it back
    with pytest.raises(NotFound):
        store.cameras.set_status("missing", CameraStatus.RETIRED)


def test_reads_round_trip_exactly(store: Store) -> None:
    read = make_read(1, plate_text="7ab·1 ＡÉ", captured_at=NOW.replace(microsecond=123456))
    [stored] = store.reads.add([read])
    assert stored.outcome is StoredOutcome.CREATED
    assert stored.read_id == read.id
    assert store.reads.get(read.id) == read
    assert store.reads.get("01a2151f-7bfb-77ad-96d2-93c51b6a14ae") is None


def test_a_resent_read_is_a_duplicate_not_a_second_row(store: Store) -> None:
    first, second = make_read(1), make_read(2)
    store.reads.add([first])
    results = store.reads.add([first, second])
    assert [(r.client_read_id, r.outcome) for r in results] == [
        ("read-1", StoredOutcome.DUPLICATE),
        ("read-2", StoredOutcome.CREATED),
    ]
    assert store.reads.stats().read_count == 2


def test_stored_client_ids_name_a_cameras_reads_whenever_captured(store: Store) -> None:
    other, _ = make_camera("south-gate")
    store.cameras.add(other)
    store.reads.add([make_read(1), make_read(2, plate_text="5DEF456", captured_at=NOW - DAY * 3)])
    store.reads.add([make_read(3, camera_id="south-gate")])
    asked = {"read-1": "7ABC123", "read-2": "5DEF456", "read-3": "7ABC123", "read-9": "7ABC123"}
    assert store.reads.stored_client_ids("main-st-north", asked) == {"read-1", "read-2"}
    assert store.reads.stored_client_ids("south-gate", asked) == {"read-3"}
    assert store.reads.stored_client_ids("main-st-north", {"read-1": "5DEF456"}) == set()
    assert store.reads.stored_client_ids("main-st-north", {}) == set()


def test_a_reused_id_with_other_content_writes_nothing_of_the_batch(store: Store) -> None:
    store.reads.add([make_read(1)])
    changed = replace(make_read(1), plate_text="9XYZ999", fingerprint="f" * 32)
    with pytest.raises(Conflict):
        store.reads.add([make_read(2), changed, make_read(3)])
    assert store.reads.stats().read_count == 1
    assert store.reads.get(make_read(2).id) is None


def test_a_read_of_an_unknown_camera_is_refused(store: Store) -> None:
    with pytest.raises(NotFound):
        store.reads.add([make_read(1), make_read(2, camera_id="nowhere")])
    assert store.reads.stats().read_count == 0


def test_find_by_plate_newest_first(store: Store) -> None:
    reads = [make_read(i, plate_text="7ABC123" if i % 2 else "5XYZ789") for i in range(10)]
    store.reads.add(reads)
    found = store.reads.find(ReadQuery(plate_key="7ABC123"))
    assert [r.client_read_id for r in found] == ["read-1", "read-3", "read-5", "read-7", "read-9"]
    assert len(store.reads.find(ReadQuery(plate_key="7ABC123", limit=2))) == 2
    assert store.reads.find(ReadQuery(plate_key="0NONE00")) == []


def test_find_tolerating_misreads_folds_look_alike_characters(store: Store) -> None:
    plates = ["7ABC123", "7A8C123", "7ABC1Z3", "7ABC128", "7XBC128", "7ABC1234"]
    store.reads.add([make_read(i, plate_text=plate) for i, plate in enumerate(plates)])

    def keys(query: ReadQuery) -> set[str]:
        return {read.plate_key for read in store.reads.find(query)}

    assert keys(ReadQuery(plate_key="7ABC123")) == {"7ABC123"}
    look_alikes = {"7ABC123", "7A8C123", "7ABC1Z3"}
    # Look-alikes, and one character changed (8 for 3) or added (a trailing 4) as a reader
    # misreads; two changes (X for A as well) are another plate.
    misreads = {*look_alikes, "7ABC128", "7ABC1234"}
    assert keys(ReadQuery(plate_key="7ABC123", misread_tolerant=True)) == misreads
    assert keys(ReadQuery(plate_key="7A8CIZ3", misread_tolerant=True)) == misreads
    assert keys(ReadQuery(plate_like="7A8C1_3", misread_tolerant=True)) == look_alikes
    assert keys(ReadQuery(plate_like="7A8C1_3")) == {"7A8C123"}


def test_find_by_camera_and_time_range(store: Store) -> None:
    other, _ = make_camera("elm-st")
    store.cameras.add(other)
    store.reads.add([make_read(i, captured_at=NOW - timedelta(hours=i)) for i in range(6)])
    store.reads.add([make_read(9, camera_id="elm-st")])
    window = ReadQuery(
        camera_id="main-st-north",
        captured_from=NOW - timedelta(hours=3),
        captured_before=NOW - timedelta(hours=1),
    )
    assert [r.client_read_id for r in store.reads.find(window)] == ["read-2", "read-3"]
    assert [r.camera_id for r in store.reads.find(ReadQuery(camera_id="elm-st"))] == ["elm-st"]


def _patrol_read(index: int, north_m: float, east_m: float) -> PlateRead:
    """A patrol car's read taken ``north_m`` and ``east_m`` from the fixed camera."""
    camera, _ = make_camera()
    assert camera.location is not None
    east_per_degree = GeoCircle(camera.location.latitude, 0.0, 1.0).metres_per_degree_east
    there = GeoPoint(
        camera.location.latitude + north_m / METRES_PER_DEGREE,
        camera.location.longitude + east_m / east_per_degree,
    )
    submission = replace(make_submission(index), location=there)
    return PlateRead.from_submission(submission, camera_id="patrol-12", received_at=NOW)


def test_an_area_finds_reads_by_their_own_position_or_else_their_fixed_camera(
    store: Store,
) -> None:
    patrol, _ = make_camera("patrol-12", kind=CameraKind.MOBILE)
    store.cameras.add(patrol)
    at_camera = replace(make_read(0), location=None)
    north_300, east_900 = _patrol_read(1, 300, 0), _patrol_read(2, 0, 900)
    corner = _patrol_read(3, 800, 800)  # in the circle's box, 1,131 m from its centre
    far = _patrol_read(4, 0, 1200)
    store.reads.add([at_camera, north_300, east_900, corner, far])

    def found(area: GeoArea) -> set[str]:
        return {read.client_read_id for read in store.reads.find(ReadQuery(area=area))}

    camera, _ = make_camera()
    assert camera.location is not None
    centre = camera.location
    circle = GeoCircle(centre.latitude, centre.longitude, 1000)
    assert found(circle) == {"read-0", "read-1", "read-2"}
    assert found(circle.bounds()) == {"read-0", "read-1", "read-2", "read-3"}
    # A box beside the camera holds the patrol car's reads there, not the camera's own.
    east_of_camera = GeoBox(centre.latitude - 0.01, centre.longitude + 0.005, 38.6, -121.47)
    assert found(east_of_camera) == {"read-2", "read-3", "read-4"}


def test_pages_after_a_cursor_cover_every_read_once_even_at_the_same_instant(
    store: Store,
) -> None:
    # Three reads share each instant: a page may end between two of them.
    reads = [make_read(i, captured_at=NOW - timedelta(minutes=i // 3)) for i in range(8)]
    store.reads.add(reads)
    everything = store.reads.find(ReadQuery(camera_id="main-st-north", limit=100))
    pages: list[list[str]] = []
    after: ReadCursor | None = None
    while True:
        page = store.reads.find(ReadQuery(camera_id="main-st-north", after=after, limit=3))
        if not page:
            break
        pages.append([read.id for read in page])
        after = ReadCursor(page[-1].captured_at, page[-1].id)
    assert [len(ids) for ids in pages] == [3, 3, 2]
    assert [read_id for ids in pages for read_id in ids] == [read.id for read in everything]


def test_delete_captured_before_spans_days_and_keeps_newer_reads(store: Store) -> None:
    reads = [make_read(i, captured_at=NOW - timedelta(hours=12 * i)) for i in range(8)]
    store.reads.add(reads)
    cutoff = NOW - timedelta(hours=12 * 5)
    assert store.reads.delete_captured_before(cutoff) == 2
    remaining = store.reads.find(ReadQuery(limit=100))
    assert sorted(r.client_read_id for r in remaining) == [f"read-{i}" for i in range(6)]
    assert store.reads.delete_captured_before(cutoff) == 0


def test_delete_at_the_exact_cutoff_keeps_the_read_captured_at_it(store: Store) -> None:
    at = make_read(1, captured_at=NOW.replace(microsecond=500))
    before = make_read(2, captured_at=NOW.replace(microsecond=499))
    store.reads.add([at, before])
    assert store.reads.delete_captured_before(at.captured_at) == 1
    assert store.reads.get(at.id) == at


def test_stats_show_counts_and_bounds(store: Store) -> None:
    empty = store.reads.stats()
    assert (empty.read_count, empty.oldest_captured_at, empty.newest_captured_at) == (0, None, None)
    store.reads.add([make_read(i, captured_at=NOW - timedelta(days=i)) for i in range(3)])
    stats = store.reads.stats()
    assert stats.read_count == 3
    assert stats.oldest_captured_at == NOW - timedelta(days=2)
    assert stats.newest_captured_at == NOW


def test_reads_per_minute_count_one_agencys_reads_in_the_range(store: Store) -> None:
    store.agencies.add(make_agency("other-pd"))
    elsewhere, _ = make_camera("elsewhere", agency_id="other-pd")
    store.cameras.add(elsewhere)
    start = NOW - timedelta(minutes=3)
    seconds = (0, 10, 59, 60, 185, 180 + 59, 180 + 60)  # the last is at the range's end
    reads = [make_read(i, captured_at=start + timedelta(seconds=s)) for i, s in enumerate(seconds)]
    early = make_read(20, captured_at=start - timedelta(microseconds=1))
    other = make_read(21, camera_id="elsewhere", captured_at=start)
    store.reads.add([*reads, early, other])
    counted = store.reads.per_minute("demo-pd", start, NOW + timedelta(minutes=1))
    assert [(c.minute, c.reads) for c in counted] == [
        (start, 3),
        (start + timedelta(minutes=1), 1),
        (start + timedelta(minutes=3), 2),
    ]
    assert store.reads.per_minute("demo-pd", start, start + timedelta(seconds=60))[0].reads == 3
    assert store.reads.per_minute("nobody", start, NOW) == []
