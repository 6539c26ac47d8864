"""Every look-up is authorised, purposed and logged, refused or not."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from platekeeper.access import (
    Basis,
    ExportFormat,
    Page,
    Requester,
    SearchCriteria,
    parse_after,
)
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.geo import GeoBox, GeoCircle
from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Permission
from platekeeper.errors import InvalidInput, NotFound, PermissionDenied
from platekeeper.store.images import ImageKind
from tests.access.conftest import ANALYST, AUDITOR, BASIS, OFFICER, World, person
from tests.conftest import NOW


def test_a_search_without_purpose_or_case_is_refused_and_the_refusal_logged(
    world: World,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        world.access.search(ANALYST, Basis(None, None), SearchCriteria(plate="7ABC123"))
    assert {f.location for f in refused.value.fields} == {"purpose", "case_number"}
    event = world.sink.last
    assert event.outcome is AccessOutcome.DENIED
    assert event.action == "reads:search"
    assert event.actor.username == "avery"
    assert event.query == {"plate": "7ABC123"}
    assert event.read_ids == ()
    assert "purpose is missing" in event.reason


@pytest.mark.parametrize(
    ("purpose", "case_number", "field"),
    [
        ("curiosity", "2026-000123", "purpose"),
        ("stolen-vehicle", "see notes", "case_number"),
        ("stolen-vehicle", "", "case_number"),
    ],
)
def test_an_unlisted_purpose_or_malformed_case_is_refused(
    world: World, purpose: str, case_number: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        world.access.search(ANALYST, Basis(purpose, case_number), SearchCriteria(plate="7ABC123"))
    assert [f.location for f in refused.value.fields] == [field]
    assert world.sink.last.outcome is AccessOutcome.DENIED
    assert world.sink.last.purpose_code == purpose


def test_a_search_returns_the_agencys_reads_and_logs_them(world: World) -> None:
    found = world.access.search(ANALYST, BASIS, SearchCriteria(plate="7abc-123"))
    ids = [read.id for read in found.reads]
    assert ids == [world.reads[0].id, world.reads[1].id]
    assert world.other_agency_read.id not in ids
    event = world.sink.last
    assert event.outcome is AccessOutcome.ALLOWED
    assert event.read_ids == tuple(ids)
    assert (event.purpose_code, event.case_number) == ("stolen-vehicle", "2026-000123")
    assert event.client_address == "192.0.2.10"


def test_a_partial_plate_and_an_area_narrow_a_search(world: World) -> None:
    found = world.access.search(ANALYST, BASIS, SearchCriteria(plate_pattern="7AB?123"))
    assert {read.plate_key for read in found.reads} == {"7ABC123", "7ABD123"}
    box = GeoBox(38.5, -121.6, 38.7, -121.4)
    in_area = world.access.search(ANALYST, BASIS, SearchCriteria(area=box))
    assert len(in_area.reads) == 4
    elsewhere = world.access.search(
        ANALYST, BASIS, SearchCriteria(area=GeoBox(34.0, -118.3, 34.1, -118.2))
    )
    assert elsewhere.reads == []
    assert world.sink.last.query == {"area": "34.0,-118.3,34.1,-118.2"}


def test_a_circle_narrows_a_search_and_the_log_records_it(world: World) -> None:
    around = world.access.search(
        ANALYST, BASIS, SearchCriteria(area=GeoCircle(38.58, -121.49, 500))
    )
    assert {read.id for read in around.reads} == {read.id for read in world.reads}
    assert world.other_agency_read.id not in {read.id for read in around.reads}
    assert world.sink.last.query == {"area": "38.58,-121.49,500"}
    # 1.1 km north of the reads: a circle of 1 km misses them.
    beside = SearchCriteria(area=GeoCircle(38.59, -121.49, 1000))
    assert world.access.search(ANALYST, BASIS, beside).reads == []


def test_a_misread_tolerant_search_finds_look_alikes_and_says_so_in_the_log(
    world: World,
) -> None:
    exact = world.access.search(ANALYST, BASIS, SearchCriteria(plate="7A8C1Z3"))
    assert exact.reads == []
    tolerant = SearchCriteria(plate="7A8C1Z3", tolerate_misreads=True)
    found = world.access.search(ANALYST, BASIS, tolerant)
    # 7ABC123 by look-alikes (8 for B, Z for 2), and 7ABD123 one character off as well.
    misreads = [world.reads[0].id, world.reads[1].id, world.reads[3].id]
    assert [read.plate_key for read in found.reads] == ["7ABC123", "7ABC123", "7ABD123"]
    assert [read.id for read in found.reads] == misreads
    assert world.sink.last.query == {"plate": "7A8C1Z3", "tolerate_misreads": "yes"}
    pattern = SearchCriteria(plate_pattern="7A8?1Z3", tolerate_misreads=True)
    assert len(world.access.search(ANALYST, BASIS, pattern).reads) == 3


@pytest.mark.parametrize(
    "criteria",
    [
        SearchCriteria(),
        SearchCriteria(captured_from=NOW - timedelta(days=1)),
        SearchCriteria(plate_pattern="7*"),
        SearchCriteria(plate="7ABC123", plate_pattern="7AB*"),
    ],
)
def test_a_sweep_is_not_a_search(world: World, criteria: SearchCriteria) -> None:
    with pytest.raises(InvalidInput):
        world.access.search(ANALYST, BASIS, criteria)
    assert world.sink.last.outcome is AccessOutcome.DENIED


def test_a_search_stops_at_the_cap_and_says_so(capped_world: World) -> None:
    exact = capped_world.access.search(ANALYST, BASIS, SearchCriteria(plate="7ABC123"))
    assert not exact.truncated  # two reads, two allowed
    found = capped_world.access.search(ANALYST, BASIS, SearchCriteria(plate_pattern="7AB*"))
    assert found.truncated
    assert len(found.reads) == 2
    assert len(capped_world.sink.last.read_ids) == 2


def test_pages_follow_each_other_each_logged_under_the_same_purpose(capped_world: World) -> None:
    pattern = SearchCriteria(plate_pattern="7AB*")
    first = capped_world.access.search(ANALYST, BASIS, pattern)
    assert first.next_after == first.reads[-1].id
    second = capped_world.access.search(ANALYST, BASIS, pattern, page=Page(after=first.next_after))
    assert not second.truncated
    assert second.next_after is None
    ids = [read.id for read in [*first.reads, *second.reads]]
    assert ids == [capped_world.reads[i].id for i in (0, 1, 3)]
    event = capped_world.sink.last
    # The log names the read the page continues after, not its time: auditors see read ids as
    # pseudonyms, and a capture time in clear would tell them when a car passed.
    assert event.query == {"plate_pattern": "7AB*", "after": first.reads[-1].id}
    assert (event.purpose_code, event.case_number) == (BASIS.purpose_code, BASIS.case_number)
    assert event.read_ids == (capped_world.reads[3].id,)


def test_a_page_smaller_than_the_cap_and_never_larger(world: World) -> None:
    pattern = SearchCriteria(plate_pattern="7AB*")
    assert len(world.access.search(ANALYST, BASIS, pattern, page=Page(size=1)).reads) == 1
    whole = world.access.search(ANALYST, BASIS, pattern, page=Page(size=10_000))
    assert len(whole.reads) == 3
    assert not whole.truncated


@pytest.mark.parametrize("token", ["", "yesterday", "2026-11-29T10:00:00+00:00~0193"])
def test_an_after_that_is_no_read_id_is_refused_by_its_field(token: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_after(token, "page")
    assert [problem.location for problem in refused.value.fields] == ["page"]


def test_a_page_after_another_agencys_read_is_refused_and_logged(world: World) -> None:
    elsewhere = Page(after=world.other_agency_read.id)
    with pytest.raises(InvalidInput) as refused:
        world.access.search(ANALYST, BASIS, SearchCriteria(plate="7ABC123"), page=elsewhere)
    assert [problem.location for problem in refused.value.fields] == ["after"]
    assert world.sink.last.outcome is AccessOutcome.DENIED
    assert world.sink.last.read_ids == ()


def test_thumbnails_of_the_crops_come_with_the_page_in_the_same_logged_access(world: World) -> None:
    found = world.access.search(
        ANALYST, BASIS, SearchCriteria(plate="7ABC123"), page=Page(crops=True)
    )
    [with_crop, without] = found.reads
    assert found.thumbnails[with_crop.id].startswith(b"\xff\xd8")
    assert without.id not in found.thumbnails
    event = world.sink.last
    assert event.action == "reads:search"
    assert event.image_refs == (with_crop.crop_ref,)
    assert len(world.sink.records) == 1  # one access, not one per image


def test_no_crops_for_a_credential_that_does_not_reach_images(world: World) -> None:
    token = replace(ANALYST, permits=frozenset({Permission.READS_SEARCH}))
    found = world.access.search(
        token, BASIS, SearchCriteria(plate="7ABC123"), page=Page(crops=True)
    )
    assert len(found.reads) == 2
    assert found.thumbnails == {}
    assert world.sink.last.image_refs == ()


@pytest.mark.parametrize("who", [OFFICER, AUDITOR, person("casey", Role.CUSTODIAN)])
def test_roles_without_search_are_refused_and_logged(world: World, who: Requester) -> None:
    with pytest.raises(PermissionDenied):
        world.access.search(who, BASIS, SearchCriteria(plate="7ABC123"))
    assert world.sink.last.outcome is AccessOutcome.DENIED
    assert "reads:search" in world.sink.last.reason


def test_an_officer_may_view_a_read_with_a_purpose(world: World) -> None:
    read = world.access.read(OFFICER, BASIS, world.reads[2].id)
    assert read.plate_key == "8XYZ999"
    assert world.sink.last.read_ids == (read.id,)
    assert world.sink.last.action == "reads:view"


def test_another_agencys_read_does_not_exist_for_you(world: World) -> None:
    with pytest.raises(NotFound):
        world.access.read(ANALYST, BASIS, world.other_agency_read.id)
    assert world.sink.last.read_ids == ()


def test_an_image_is_returned_and_its_reference_logged(world: World) -> None:
    image = world.access.image(ANALYST, BASIS, world.reads[0].id, ImageKind.CROP)
    assert image.data.startswith(b"\xff\xd8")
    assert world.sink.last.image_refs == (image.ref,)
    assert world.sink.last.action == "images:view"
    with pytest.raises(NotFound):
        world.access.image(ANALYST, BASIS, world.reads[0].id, ImageKind.FULL)


def test_an_auditor_never_sees_a_read(world: World) -> None:
    with pytest.raises(PermissionDenied):
        world.access.read(AUDITOR, BASIS, world.reads[0].id)
    assert world.sink.last.outcome is AccessOutcome.DENIED


def test_export_and_history_are_logged_as_themselves(world: World) -> None:
    export = Page(export=ExportFormat.PDF)
    world.access.search(ANALYST, BASIS, SearchCriteria(plate="7ABC123"), page=export)
    assert world.sink.last.action == "reads:export"
    assert world.sink.last.query == {"plate": "7ABC123", "export": "pdf"}
    history = world.access.vehicle_history(ANALYST, BASIS, "7ABC123")
    assert len(history.reads) == 2
    assert world.sink.last.action == "vehicles:history"


def test_a_vehicle_history_exported_is_logged_as_an_export_of_that_history(world: World) -> None:
    csv_page = Page(export=ExportFormat.CSV)
    exported = world.access.vehicle_history(ANALYST, BASIS, "7ABC123", page=csv_page)
    assert len(exported.reads) == 2
    assert world.sink.last.action == "reads:export"
    assert world.sink.last.query == {"plate": "7ABC123", "export": "csv"}
    assert world.sink.last.read_ids == tuple(read.id for read in exported.reads)
    # Exporting is a permission of its own: an officer, who may not export, is refused it.
    with pytest.raises(PermissionDenied):
        world.access.vehicle_history(OFFICER, BASIS, "7ABC123", page=csv_page)
    assert world.sink.last.action == "reads:export"
    assert world.sink.last.outcome is AccessOutcome.DENIED
