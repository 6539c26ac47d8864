"""The hot-list service's rules: who may change what, manual expiry and renewal, logging."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from platekeeper.config import Settings
from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.hotlists import STALE_AFTER, AlertLevel, ListSource
from platekeeper.domain.people import Role
from platekeeper.errors import InvalidInput, NotFound, PermissionDenied
from platekeeper.hotlists.entries import FED_ENTRY_LIFETIME, EntryDraft
from platekeeper.hotlists.importing import FileFormat, ImportSpec, parse_mapping
from platekeeper.hotlists.service import Editor, HotlistService
from platekeeper.services import Services, build_services
from platekeeper.store.protocols import AccessFilter
from tests.conftest import NOW, FixedClock, make_agency

ANALYST = Editor(Actor("avery", "demo-pd"), frozenset({Role.ANALYST}))
SUPERVISOR = Editor(Actor("sam", "demo-pd"), frozenset({Role.SUPERVISOR}))
OFFICER = Editor(Actor("olivia", "demo-pd"), frozenset({Role.OFFICER}))
OUTSIDER = Editor(Actor("otto", "other-pd"), frozenset({Role.SUPERVISOR}))
DRAFT = EntryDraft(plate="7ABC123", reason="stolen vehicle", state="CA", case_number="2026-000123")


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Iterator[Services]:
    built = build_services(settings, clock=clock)
    built.store.upgrade()
    built.store.agencies.add(make_agency())
    built.store.agencies.add(make_agency("other-pd"))
    yield built
    built.close()


@pytest.fixture
def hotlists(services: Services) -> HotlistService:
    service = services.hotlists
    for list_id, source in (("watch", ListSource.MANUAL), ("stolen", ListSource.STATE_FEED)):
        service.create_list(
            ANALYST,
            list_id=list_id,
            name=list_id.title(),
            source=source,
            priority=2,
            alert_level=AlertLevel.WARNING,
            covert=False,
        )
    return service


def logged(services: Services, action: str) -> list[tuple[str, AccessOutcome, str]]:
    records = services.store.access_log.find(AccessFilter(action=action))
    return [(r.event.actor.username, r.event.outcome, r.event.reason) for r in reversed(records)]


def test_manual_entries_expire_in_30_days_by_default_and_at_most(
    hotlists: HotlistService,
) -> None:
    entry = hotlists.add_entry(ANALYST, "watch", DRAFT)
    assert entry.expires_at == NOW + timedelta(days=30)
    assert (entry.state, entry.entered_by) == ("us-ca", "avery")
    sooner = NOW + timedelta(days=5)
    assert (
        hotlists.add_entry(
            ANALYST, "watch", EntryDraft("8X", "stolen", case_number="2026-0001", expires_at=sooner)
        ).expires_at
        == sooner
    )
    with pytest.raises(InvalidInput, match="within 30 days"):
        hotlists.add_entry(
            ANALYST,
            "watch",
            EntryDraft(
                "9X", "stolen", case_number="2026-0001", expires_at=NOW + timedelta(days=31)
            ),
        )


def test_a_manual_entry_needs_a_case_number_and_no_personal_data(
    hotlists: HotlistService, services: Services
) -> None:
    with pytest.raises(InvalidInput, match="case number"):
        hotlists.add_entry(ANALYST, "watch", EntryDraft("7ABC123", "stolen"))
    with pytest.raises(InvalidInput, match="social security number"):
        hotlists.add_entry(
            ANALYST,
            "watch",
            EntryDraft("7ABC123", "stolen", case_number="2026-1", note="owner ssn 123-45-6789"),
        )
    refusals = logged(services, "hotlists:add-entry")
    assert [outcome for _, outcome, _ in refusals] == [AccessOutcome.DENIED] * 2
    assert "123-45-6789" not in refusals[1][2]
    assert services.store.hotlist_entries.count("watch") == 0


def test_renewal_needs_a_supervisor_and_lasts_up_to_30_days_from_now(
    hotlists: HotlistService, services: Services, clock: FixedClock
) -> None:
    entry = hotlists.add_entry(ANALYST, "watch", DRAFT)
    clock.advance(timedelta(days=25))
    with pytest.raises(PermissionDenied):
        hotlists.renew(ANALYST, entry.id)
    renewed = hotlists.renew(SUPERVISOR, entry.id)
    assert renewed.expires_at == clock.now() + timedelta(days=30)
    assert services.store.hotlist_entries.get(entry.id) == renewed
    with pytest.raises(InvalidInput, match="within 30 days"):
        hotlists.renew(SUPERVISOR, entry.id, clock.now() + timedelta(days=31))
    assert [(who, outcome) for who, outcome, _ in logged(services, "hotlists:renew")] == [
        ("avery", AccessOutcome.DENIED),
        ("sam", AccessOutcome.ALLOWED),
        ("sam", AccessOutcome.DENIED),
    ]


def test_fed_entries_are_not_renewed(hotlists: HotlistService) -> None:
    entry = hotlists.add_entry(ANALYST, "stolen", EntryDraft("7ABC123", "stolen"))
    assert entry.expires_at == NOW + FED_ENTRY_LIFETIME  # it expires with its feed
    with pytest.raises(InvalidInput, match="not renewed"):
        hotlists.renew(SUPERVISOR, entry.id)


def test_officers_view_but_do_not_change_lists(hotlists: HotlistService) -> None:
    assert [h.id for h in hotlists.lists(OFFICER)] == ["stolen", "watch"]
    with pytest.raises(PermissionDenied):
        hotlists.add_entry(OFFICER, "watch", DRAFT)


def test_another_agencys_lists_do_not_exist_for_a_person(hotlists: HotlistService) -> None:
    entry = hotlists.add_entry(ANALYST, "watch", DRAFT)
    assert hotlists.lists(OUTSIDER) == []
    with pytest.raises(NotFound):
        hotlists.entries(OUTSIDER, "watch")
    with pytest.raises(NotFound):
        hotlists.remove_entry(OUTSIDER, entry.id)


def test_every_change_is_logged(hotlists: HotlistService, services: Services) -> None:
    entry = hotlists.add_entry(ANALYST, "watch", DRAFT)
    hotlists.remove_entry(ANALYST, entry.id)
    assert services.store.hotlist_entries.get(entry.id) is None
    assert logged(services, "hotlists:create")[0][:2] == ("avery", AccessOutcome.ALLOWED)
    added = services.store.access_log.find(AccessFilter(action="hotlists:add-entry"))[0].event
    assert added.query["plate"] == "7ABC123"
    assert added.case_number == "2026-000123"
    assert logged(services, "hotlists:remove-entry")[0][:2] == ("avery", AccessOutcome.ALLOWED)


def test_refresh_replaces_entries_keeps_ids_and_records_failures(
    hotlists: HotlistService, services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    source = tmp_path / "stolen.csv"
    source.write_text("PLATE,ST\n7ABC123,CA\n8XYZ999,NV\n,CA\n")
    spec = ImportSpec(
        FileFormat.CSV, parse_mapping("plate=PLATE,state=ST"), default_reason="stolen vehicle"
    )
    hotlists.set_source(ANALYST, "stolen", str(source), spec)
    assert services.store.hotlists.get("stolen").stale_at(clock.now())  # type: ignore[union-attr]
    assert hotlists.refresh_due() == 0
    first = {e.plate_key: e.id for e in hotlists.entries(ANALYST, "stolen")}
    assert sorted(first) == ["7ABC123", "8XYZ999"]
    source.write_text("PLATE,ST\n7ABC123,CA\n5NEW000,CA\n")
    clock.advance(timedelta(hours=2))
    report = hotlists.refresh(ANALYST, "stolen")
    assert report.imported == 2
    assert report.rejected == ()
    second = {e.plate_key: e.id for e in hotlists.entries(ANALYST, "stolen")}
    assert second["7ABC123"] == first["7ABC123"]
    assert "8XYZ999" not in second
    source.unlink()
    clock.advance(STALE_AFTER + timedelta(minutes=1))
    assert hotlists.refresh_due() == 1, "a failed refresh is counted and retried later"
    assert hotlists.refresh_due() == 0, "not before the next interval"
    hotlist = services.store.hotlists.get("stolen")
    assert hotlist is not None
    assert hotlist.stale_at(clock.now())
    assert hotlists.entries(ANALYST, "stolen"), "a failed refresh keeps the entries it had"
    outcomes = [outcome for _, outcome, _ in logged(services, "hotlists:refresh")]
    assert outcomes == [AccessOutcome.ALLOWED, AccessOutcome.ALLOWED, AccessOutcome.DENIED]


def test_summaries_count_entries_and_flag_stale_feeds(hotlists: HotlistService) -> None:
    hotlists.add_entry(ANALYST, "watch", DRAFT)
    hotlists.add_entry(ANALYST, "watch", EntryDraft("8XYZ999", "stolen", case_number="2026-1"))
    summaries = {s.hotlist.id: (s.entry_count, s.stale) for s in hotlists.summaries(OFFICER)}
    assert summaries == {"stolen": (0, True), "watch": (2, False)}
    assert hotlists.summaries(OUTSIDER) == []


def test_entries_are_found_by_plate_as_matching_compares_them(hotlists: HotlistService) -> None:
    entry = hotlists.add_entry(ANALYST, "watch", DRAFT)
    hotlists.add_entry(ANALYST, "stolen", EntryDraft("7ABC123", "stolen"))
    assert [e.id for e in hotlists.find_entries(OFFICER, "watch", "7abc 123")] == [entry.id]
    assert hotlists.find_entries(OFFICER, "watch", "8XYZ999") == []
    with pytest.raises(NotFound):
        hotlists.find_entries(OUTSIDER, "watch", "7ABC123")


def test_an_import_preview_stores_nothing_and_names_bad_lines(
    hotlists: HotlistService, services: Services
) -> None:
    data = b"PLATE,ST,OFFENSE\n7ABC123,CA,stolen\n,CA,stolen\n"
    spec = ImportSpec(FileFormat.CSV, parse_mapping("plate=PLATE,state=ST,reason=OFFENSE"))
    report = hotlists.preview_import(ANALYST, "stolen", data, spec)
    assert (report.imported, [(p.line, p.reason) for p in report.rejected]) == (
        1,
        [(3, "the row has no plate")],
    )
    assert services.store.hotlist_entries.count("stolen") == 0
    assert logged(services, "hotlists:import") == []
    with pytest.raises(PermissionDenied):
        hotlists.preview_import(OFFICER, "stolen", data, spec)
    assert [outcome for _, outcome, _ in logged(services, "hotlists:import")] == ["denied"]
