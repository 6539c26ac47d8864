"""Issue 15, hot lists: the loopholes found on fb08a52, each tried the ways someone would.

- an agency list took entries with no case and no expiry, and a fed list's entries never
  expired with their feed;
- an import with ``--mapping plate=1,...`` took line 1 as a header without a word, so a listed
  plate was gone;
- a note naming "Jane Smith" passed unless the agency had written a pattern for her, and only
  hot-list notes were checked at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from platekeeper.access import Basis
from platekeeper.app import create_app
from platekeeper.config import Settings
from platekeeper.domain.access import Actor
from platekeeper.domain.holds import PlateSpan
from platekeeper.domain.hotlists import AlertLevel, ListSource
from platekeeper.domain.people import Role
from platekeeper.domain.personal_data import PersonalDataKind, find_personal_data
from platekeeper.errors import InvalidInput
from platekeeper.hotlists.entries import FED_ENTRY_LIFETIME, EntryDraft
from platekeeper.hotlists.importing import FileFormat, ImportSpec, parse_mapping
from platekeeper.hotlists.service import Editor, HotlistService
from platekeeper.services import Services
from platekeeper.sharing.service import ShareOrder
from tests.api.conftest import LiveApp, backend_settings
from tests.api.people import staff
from tests.conftest import NOW, FixedClock, build_test_services, make_agency
from tests.ports import served

__all__ = ["backend_settings"]  # the API's fixture: SQLite and PostgreSQL in turn

ANALYST = Editor(Actor("avery", "demo-pd"), frozenset({Role.ANALYST}))
CUSTODIAN = Editor(Actor("cora", "demo-pd"), frozenset({Role.CUSTODIAN}))
LISTS = {
    "agency": ListSource.AGENCY,
    "manual": ListSource.MANUAL,
    "feed": ListSource.STATE_FEED,
    "ncic": ListSource.NCIC,
}
PERSON_NAMES = [
    "Jane Smith",
    "JANE SMITH",
    "jane smith",
    "SMITH, JANE",
    "Smith, J.",
    "owner: j. smith",
    "owner: j smith",
    "registered to Smith",
    "Mr. Jones",
    "RO Maria Garcia",
    "stolen from Jane Q. Smith",
]
ORDINARY_REASONS = [
    "stolen vehicle",
    "Stolen vehicle",
    "white Honda Civic",
    "Amber alert",
    "AMBER ALERT - child abduction",
    "Silver Alert, elderly driver",
    "Mercedes Benz, black",
    "Lincoln Navigator",
    "Ford Mustang convertible",
    "stolen plates",
    "felony warrant",
    "armed and dangerous",
    "Chase Bank robbery getaway car",
    "burglary suspect vehicle, grey Toyota Camry",
    "seen near Green Park",
    "missing person, endangered",
    "hit and run",
    "Santa Clara County sheriff case",
    "Martin Luther King Jr Blvd shooting",
    "registered owner notified",
]


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Iterator[Services]:
    built = build_test_services(settings, clock)
    built.store.agencies.add(make_agency())
    yield built
    built.close()


@pytest.fixture
def hotlists(services: Services) -> HotlistService:
    for list_id, source in LISTS.items():
        services.hotlists.create_list(
            ANALYST,
            list_id=list_id,
            name=list_id,
            source=source,
            priority=2,
            alert_level=AlertLevel.WARNING,
            covert=False,
        )
    return services.hotlists


@pytest.fixture
def both_app(backend_settings: Settings, clock: FixedClock) -> Iterator[LiveApp]:
    """The app over HTTP on each store backend in turn."""
    built = build_test_services(backend_settings, clock)
    built.store.agencies.add(make_agency())
    try:
        with served(create_app(built)) as base_url:
            yield LiveApp(base_url, built, "", "")
    finally:
        built.close()


def csv_import(hotlists: HotlistService, list_id: str, text: str, mapping: str) -> object:
    spec = ImportSpec(FileFormat.CSV, parse_mapping(mapping))
    return hotlists.import_file(ANALYST, list_id, text.encode(), spec)


# Every entry has a case (or, on a fed list, its record) and an expiry


@pytest.mark.parametrize("list_id", ["agency", "manual"])
def test_an_entry_kept_by_hand_needs_a_case_on_every_path(
    hotlists: HotlistService, list_id: str
) -> None:
    with pytest.raises(InvalidInput, match="needs a case number"):
        hotlists.add_entry(ANALYST, list_id, EntryDraft("7ABC123", "stolen vehicle"))
    with pytest.raises(InvalidInput, match="needs a case number"):
        hotlists.add_entry(ANALYST, list_id, EntryDraft("7ABC123", "stolen vehicle", None, "  "))
    report = csv_import(hotlists, list_id, "7ABC123,stolen vehicle\n", "plate=1,reason=2")
    assert report.imported == 0  # type: ignore[attr-defined]
    assert "needs a case number" in report.rejected[0].reason  # type: ignore[attr-defined]
    assert hotlists.entries(ANALYST, list_id) == []


@pytest.mark.parametrize("list_id", ["agency", "manual"])
def test_an_entry_kept_by_hand_always_expires(hotlists: HotlistService, list_id: str) -> None:
    entry = hotlists.add_entry(
        ANALYST, list_id, EntryDraft("7ABC123", "stolen vehicle", case_number="2026-000123")
    )
    assert entry.expires_at == NOW + timedelta(days=30)
    with pytest.raises(InvalidInput, match="expires within 30 days"):
        hotlists.add_entry(
            ANALYST,
            list_id,
            EntryDraft("7ABC123", "stolen", case_number="2026-1", expires_at=NOW.replace(2099)),
        )
    report = csv_import(
        hotlists,
        list_id,
        "8XYZ999,stolen,2026-2,2099-01-01\n",
        "plate=1,reason=2,case_number=3,expires_at=4",
    )
    assert report.imported == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "reason", ["personal", "Personal", "n/a", "N/A", "x", "-", "none", "TBD", "see case", "  ?  "]
)
def test_a_reason_that_says_nothing_is_refused(hotlists: HotlistService, reason: str) -> None:
    for list_id in LISTS:
        with pytest.raises(InvalidInput):
            hotlists.add_entry(ANALYST, list_id, EntryDraft("7ABC123", reason, None, "2026-1"))


def test_an_agency_entry_is_renewed_as_a_recorded_act(
    services: Services, hotlists: HotlistService, clock: FixedClock
) -> None:
    supervisor = Editor(Actor("sam", "demo-pd"), frozenset({Role.SUPERVISOR}))
    entry = hotlists.add_entry(ANALYST, "agency", EntryDraft("7ABC123", "stolen", None, "2026-1"))
    clock.advance(timedelta(days=20))
    renewed = hotlists.renew(supervisor, entry.id)
    assert renewed.expires_at == NOW + timedelta(days=50)
    with pytest.raises(InvalidInput, match="within 30 days"):
        hotlists.renew(supervisor, entry.id, NOW + timedelta(days=365))


def test_a_fed_lists_entries_expire_with_their_feed(
    services: Services, hotlists: HotlistService, clock: FixedClock, tmp_path: Path
) -> None:
    source = tmp_path / "feed.csv"
    source.write_text("7ABC123,stolen vehicle,2099-01-01\n8XYZ999,stolen vehicle,\n")
    spec = ImportSpec(FileFormat.CSV, parse_mapping("plate=1,reason=2,expires_at=3"), False)
    hotlists.set_source(ANALYST, "feed", str(source), spec)
    hotlists.refresh(ANALYST, "feed")
    entries = hotlists.entries(ANALYST, "feed")
    assert {entry.expires_at for entry in entries} == {NOW + FED_ENTRY_LIFETIME}
    active = services.store.hotlist_entries.active
    assert len(active(NOW + FED_ENTRY_LIFETIME - timedelta(seconds=1))) == 2
    # The feed is not refreshed in time (its source is gone): the entries stop matching.
    source.unlink()
    clock.advance(FED_ENTRY_LIFETIME)
    with pytest.raises(InvalidInput.__mro__[1]):
        hotlists.refresh(ANALYST, "feed")
    assert active(clock.now()) == []
    # Refreshed again, with a plate dropped: the one it still carries lives on, the other is gone.
    source.write_text("7ABC123,stolen vehicle,\n")
    hotlists.refresh(ANALYST, "feed")
    assert [entry.plate_key for entry in active(clock.now())] == ["7ABC123"]


# Imports account for every line


THREE = "7ABC123,stolen vehicle\n8XYZ999,stolen vehicle\n9DEF456,stolen vehicle\n"


def test_a_headerless_file_mapped_by_number_stores_every_line(hotlists: HotlistService) -> None:
    report = csv_import(hotlists, "feed", THREE, "plate=1,reason=2")
    assert report.imported == 3  # type: ignore[attr-defined]
    assert "no header line" in report.summary  # type: ignore[attr-defined]
    assert report.summary.startswith("3 lines read")  # type: ignore[attr-defined]
    keys = {entry.plate_key for entry in hotlists.entries(ANALYST, "feed")}
    assert keys == {"7ABC123", "8XYZ999", "9DEF456"}


@pytest.mark.parametrize("header_cell", ["PLATE", "plate", "License Plate", "Plate #", "TAG"])
def test_a_header_is_detected_and_said(hotlists: HotlistService, header_cell: str) -> None:
    report = csv_import(hotlists, "feed", f"{header_cell},OFFENSE\n" + THREE, "plate=1,reason=2")
    assert report.imported == 3  # type: ignore[attr-defined]
    assert report.header.line == 1  # type: ignore[attr-defined]
    assert "line 1 taken as the header" in report.summary  # type: ignore[attr-defined]


def test_a_declared_header_choice_is_kept(hotlists: HotlistService) -> None:
    mapping = parse_mapping("plate=1,reason=2")
    told = ImportSpec(FileFormat.CSV, mapping, header=False)
    report = hotlists.import_file(ANALYST, "feed", ("PLATE,OFFENSE\n" + THREE).encode(), told)
    assert (report.imported, [p.line for p in report.rejected]) == (4, [])  # PLATE is a plate
    told = ImportSpec(FileFormat.CSV, mapping, header=True)
    report = hotlists.import_file(ANALYST, "agency", THREE.encode(), told)
    assert report.header.line == 1
    assert "as declared" in report.summary


def test_bad_plates_are_rejected_by_line_and_the_counts_add_up(hotlists: HotlistService) -> None:
    text = (
        "7ABC123,stolen vehicle\nBAD PLATE!!,stolen vehicle\n\nX,stolen vehicle\n9DEF456,stolen\n"
    )
    report = csv_import(hotlists, "feed", text, "plate=1,reason=2")
    rejected = {p.line: p.reason for p in report.rejected}  # type: ignore[attr-defined]
    assert set(rejected) == {2, 4}
    assert "EXCLAMATION MARK" in rejected[2]
    assert "at least 2" in rejected[4]
    header = 1 if report.header.line else 0  # type: ignore[attr-defined]
    assert report.lines_read == 5  # type: ignore[attr-defined]
    assert (
        header + report.blank_lines + report.imported + len(report.rejected)  # type: ignore[attr-defined]
        == report.lines_read  # type: ignore[attr-defined]
    )
    stored = {entry.plate_text for entry in hotlists.entries(ANALYST, "feed")}
    assert stored == {"7ABC123", "9DEF456"}


def test_the_api_detects_the_header_and_reports_every_line(both_app: LiveApp) -> None:
    people = staff(both_app.services)
    with httpx.Client(
        base_url=both_app.base_url, headers=people[Role.ANALYST].headers, timeout=30
    ) as analyst:
        body = {"id": "feed", "name": "Feed", "source": "state-feed", "priority": 1,
                "alert_level": "critical"}  # fmt: skip
        assert analyst.post("/api/v1/hotlists", json=body).status_code == 201
        answer = analyst.post(
            "/api/v1/hotlists/feed/import",
            params={"mapping": "plate=1,reason=2", "format": "csv"},
            content=THREE + "BAD PLATE!!,stolen\n",
        )
        assert answer.status_code == 200, answer.text
        report = answer.json()
        assert (report["imported"], report["lines_read"]) == (3, 4)
        assert report["header"]["line"] is None
        assert [p["line"] for p in report["rejected"]] == [4]
        agency = {**body, "id": "mine", "source": "agency"}
        assert analyst.post("/api/v1/hotlists", json=agency).status_code == 201
        refused = analyst.post(
            "/api/v1/hotlists/mine/entries", json={"plate": "7ABC123", "reason": "stolen"}
        )
        assert refused.status_code == 422
        assert "case number" in refused.text


# Personal data in every free-text field


@pytest.mark.parametrize("text", PERSON_NAMES)
def test_names_are_found_without_any_pattern(text: str) -> None:
    kinds = [finding.kind for finding in find_personal_data(text)]
    assert kinds == [PersonalDataKind.NAME], text


@pytest.mark.parametrize("text", ORDINARY_REASONS)
def test_ordinary_reasons_are_no_names(hotlists: HotlistService, text: str) -> None:
    assert find_personal_data(text) == []
    hotlists.add_entry(ANALYST, "agency", EntryDraft("7ABC123", text, None, "2026-000123"))


@pytest.mark.parametrize(
    "text",
    ["call 555-867-5309", "cell (415) 555-0134", "ph: 4155550134", "SSN 123-45-6789",
     "lives at 123 Main Street", "DOB 01/02/1980"],
)  # fmt: skip
def test_other_personal_data_is_found(text: str) -> None:
    assert find_personal_data(text) != []


@pytest.mark.parametrize("name", ["Jane Smith", "SMITH, JANE", "owner: j. smith"])
def test_a_name_is_refused_in_every_hotlist_field_and_path(
    hotlists: HotlistService, name: str
) -> None:
    for list_id in LISTS:
        with pytest.raises(InvalidInput, match="personal data"):
            hotlists.add_entry(ANALYST, list_id, EntryDraft("7ABC123", f"stolen, {name}", None,
                                                            "2026-1"))  # fmt: skip
        with pytest.raises(InvalidInput, match="personal data"):
            hotlists.add_entry(
                ANALYST, list_id, EntryDraft("7ABC123", "stolen", None, "2026-1", note=name)
            )
    quoted = f'"{name}"' if "," in name else name
    report = csv_import(
        hotlists, "feed", f"7ABC123,stolen,{quoted}\n8XYZ999,stolen,\n", "plate=1,reason=2,note=3"
    )
    assert report.imported == 1  # type: ignore[attr-defined]
    assert "personal data" in report.rejected[0].reason  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["Jane Smith", "SMITH, JANE", "owner: j. smith"])
def test_a_name_is_refused_in_hold_reasons_justifications_and_share_purposes(
    services: Services, name: str
) -> None:
    with pytest.raises(InvalidInput, match="personal data"):
        services.holds.request(
            ANALYST,
            case_number="2026-000123",
            reason=f"Evidence for the DA, car of {name}",
            expires_at=NOW + timedelta(days=30),
            plates=PlateSpan("7ABC123", NOW - timedelta(days=3), NOW),
        )
    with pytest.raises(InvalidInput, match="personal data"):
        services.approvals.request(
            ANALYST,
            Basis("stolen-vehicle", "2026-000123"),
            NOW - timedelta(days=300),
            NOW - timedelta(days=200),
            f"Pattern of thefts; suspect is {name}",
        )
    purpose = name.lower().replace(",", "").replace(".", "").replace(":", "").replace(" ", "-")
    with pytest.raises(InvalidInput, match="personal data"):
        services.sharing.submit(
            CUSTODIAN, ShareOrder("no-such-recipient", purpose, "2026-000123", plate="7ABC123")
        )
