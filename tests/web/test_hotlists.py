"""Hot lists in the browser: creating lists, adding and importing entries, who sees what."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.hotlists import AlertLevel, ListSource
from platekeeper.domain.people import Role
from platekeeper.hotlists.entries import EntryDraft
from platekeeper.hotlists.service import Editor
from platekeeper.store.protocols import AccessFilter
from tests.web.conftest import WebApp, shoot, sign_in

STOLEN_FILE = (
    "PLATE;ST;OFFENSE;CASE\n"
    "7ABC123;CA;stolen vehicle;2026-000101\n"
    "8XYZ999;ZZZZ;stolen plate;2026-000102\n"
    "5KLM456;NV;stolen vehicle;2026-000103\n"
)


def editor(web_app: WebApp, role: Role) -> Editor:
    account = web_app.person(role).account
    return Editor(Actor(account.username, account.agency_id), account.roles)


def make_list(web_app: WebApp, list_id: str, source: ListSource, name: str) -> None:
    web_app.services.hotlists.create_list(
        editor(web_app, Role.ANALYST),
        list_id=list_id,
        name=name,
        source=source,
        priority=3,
        alert_level=AlertLevel.WARNING,
        covert=False,
    )


def test_a_manager_creates_a_list_and_adds_an_entry(page: Page, web_app: WebApp) -> None:
    make_list(web_app, "ca-stolen", ListSource.STATE_FEED, "California stolen vehicles")
    sign_in(page, web_app.person(Role.ANALYST), next_path="/hotlists")
    page.get_by_label("Id").fill("gang-unit")
    page.get_by_label("Name").fill("Gang unit watch")
    page.get_by_label("Source").select_option("manual")
    page.get_by_label("Priority").fill("2")
    page.get_by_label("Alert level").select_option("critical")
    page.get_by_label("Covert").check()
    page.get_by_role("button", name="Create the list").click()
    expect(page.get_by_role("heading", name="Gang unit watch", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("The hot list was created.")

    form = page.get_by_role("region", name="Add an entry")
    expect(
        form.get_by_text("this one expires on 2026-12-28 04:00 (America/Los_Angeles)")
    ).to_be_visible()
    form.get_by_label("Plate").fill("7ABC123")
    form.get_by_label("State").fill("CA")
    form.get_by_label("Reason").fill("stolen vehicle")
    form.get_by_label("Case number").fill("2026-000123")
    form.get_by_label("Note").fill("Registered owner John Smith, DOB 04/12/1978")
    form.get_by_role("button", name="Add the entry").click()
    refusal = form.get_by_role("alert")
    expect(refusal).to_contain_text("date of birth")
    # What was typed is still there, to correct rather than retype.
    expect(form.get_by_label("Plate")).to_have_value("7ABC123")
    expect(form.get_by_label("Case number")).to_have_value("2026-000123")
    expect(form.get_by_label("Note")).to_have_value("Registered owner John Smith, DOB 04/12/1978")

    form.get_by_label("Note").fill("Seen near the rail yard")
    form.get_by_role("button", name="Add the entry").click()
    expect(page.get_by_role("status")).to_have_text("The entry was added.")
    row = page.get_by_role("row").filter(has_text="7ABC123")
    expect(row).to_contain_text("avery")
    expect(row).to_contain_text("2026-12-28 04:00 PST")  # the agency's clock
    [entry] = web_app.services.store.hotlist_entries.list("gang-unit")
    assert (entry.plate_text, entry.state, entry.note) == (
        "7ABC123",
        "us-ca",
        "Seen near the rail yard",
    )
    page.goto("/hotlists")
    listed = page.get_by_role("row").filter(has_text="Gang unit watch")
    expect(listed).to_contain_text("covert")
    expect(listed.get_by_role("cell").nth(5)).to_have_text("1")
    never_fed = page.get_by_role("row").filter(has_text="California stolen vehicles")
    expect(never_fed).to_contain_text("never")
    expect(never_fed.get_by_text("stale", exact=True)).to_be_visible()
    shoot(page, "hotlists")


def test_an_import_is_previewed_with_its_bad_lines_then_confirmed(
    page: Page, web_app: WebApp, tmp_path: Path
) -> None:
    make_list(web_app, "ca-stolen", ListSource.STATE_FEED, "California stolen vehicles")
    upload = tmp_path / "stolen.csv"
    upload.write_text(STOLEN_FILE)
    sign_in(page, web_app.person(Role.ANALYST), next_path="/hotlists/ca-stolen")
    page.get_by_role("link", name="Import entries from a file").click()
    page.get_by_label("File to import").set_input_files(upload)
    page.get_by_label("Format").select_option("semicolon")
    page.get_by_label("Plate (required) column").fill("PLATE")
    page.get_by_label("State column").fill("ST")
    page.get_by_label("Reason column").fill("OFFENSE")
    page.get_by_label("Case number column").fill("CASE")
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", name="Import preview")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("2 rows would be imported")
    bad = page.get_by_role("table", name="Each bad line of the file and why")
    expect(bad.get_by_role("row")).to_have_count(2)
    expect(bad.get_by_role("row").nth(1)).to_contain_text("3")
    expect(bad.get_by_role("row").nth(1)).to_contain_text("'ZZZZ' is not a state code")
    good = page.get_by_role("table", name="All 2 rows")
    expect(good).to_contain_text("7ABC123")
    expect(good).to_contain_text("5KLM456")
    assert web_app.services.store.hotlist_entries.count("ca-stolen") == 0
    shoot(page, "hotlist-import-preview")

    confirmation: dict[str, str | float | bool] = {
        name: page.locator(f"main input[name={name}]").input_value()
        for name in ("csrf_token", "upload_id")
    }
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_role("status")).to_have_text(
        "The file was imported: 2 entries stored, 1 rows skipped."
    )
    stored = web_app.services.store.hotlist_entries.list("ca-stolen")
    assert sorted((e.plate_text, e.state, e.case_number) for e in stored) == [
        ("5KLM456", "us-nv", "2026-000103"),
        ("7ABC123", "us-ca", "2026-000101"),
    ]
    imports = web_app.services.store.access_log.find(AccessFilter(action="hotlists:import"))
    assert [(r.event.actor.username, r.event.outcome) for r in imports] == [
        ("avery", AccessOutcome.ALLOWED)
    ]
    # The held file is imported once: sending the confirmation again finds nothing to import.
    again = page.request.post(
        "/hotlists/ca-stolen/import", form=confirmation, headers={"Accept": "text/html"}
    )
    assert again.status == 404
    assert "no longer held" in again.text()
    assert web_app.services.store.hotlist_entries.count("ca-stolen") == 2


def open_import(page: Page, web_app: WebApp, upload: Path, text: str, list_id: str) -> None:
    """``text`` as ``upload`` chosen on the import page of ``list_id``, by an analyst."""
    upload.write_text(text)
    sign_in(page, web_app.person(Role.ANALYST), next_path=f"/hotlists/{list_id}/import")
    page.get_by_label("File to import").set_input_files(upload)


def test_a_mapping_that_does_not_fit_the_file_keeps_the_form(
    page: Page, web_app: WebApp, tmp_path: Path
) -> None:
    make_list(web_app, "ca-stolen", ListSource.STATE_FEED, "California stolen vehicles")
    open_import(page, web_app, tmp_path / "stolen.csv", STOLEN_FILE, "ca-stolen")
    page.get_by_label("Plate (required) column").fill("TAG")
    page.get_by_label("Reason of rows without one").fill("stolen vehicle")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("alert")).to_contain_text("the file has no column 'TAG' for plate")
    expect(page.get_by_label("Plate (required) column")).to_have_value("TAG")
    expect(page.get_by_label("Reason of rows without one")).to_have_value("stolen vehicle")


def test_an_officer_sees_lists_and_entries_but_no_controls(page: Page, web_app: WebApp) -> None:
    make_list(web_app, "watch", ListSource.MANUAL, "Burglary watch")
    web_app.services.hotlists.add_entry(
        editor(web_app, Role.ANALYST),
        "watch",
        EntryDraft("7ABC123", "burglary", state="CA", case_number="2026-000555"),
    )
    sign_in(page, web_app.person(Role.OFFICER), next_path="/hotlists")
    expect(page.get_by_role("link", name="Burglary watch")).to_be_visible()
    expect(page.get_by_role("heading", name="Create a hot list")).to_have_count(0)
    page.get_by_role("link", name="Burglary watch").click()
    expect(page.get_by_role("row").filter(has_text="7ABC123")).to_contain_text("2026-000555")
    expect(page.get_by_role("heading", name="Add an entry")).to_have_count(0)
    expect(page.get_by_role("button", name="Remove 7ABC123")).to_have_count(0)
    expect(page.get_by_role("button", name="Renew 7ABC123 for 30 days")).to_have_count(0)
    expect(page.get_by_role("link", name="Import entries from a file")).to_have_count(0)
    refused = page.goto("/hotlists/watch/import")
    assert refused is not None
    assert refused.status == 403


def test_a_supervisor_renews_an_entry_about_to_expire(page: Page, web_app: WebApp) -> None:
    make_list(web_app, "watch", ListSource.MANUAL, "Burglary watch")
    web_app.services.hotlists.add_entry(
        editor(web_app, Role.ANALYST),
        "watch",
        EntryDraft(
            "7ABC123",
            "burglary",
            case_number="2026-000555",
            expires_at=web_app.clock.now() + timedelta(days=2),
        ),
    )
    sign_in(page, web_app.person(Role.SUPERVISOR), next_path="/hotlists/watch")
    row = page.get_by_role("row").filter(has_text="7ABC123")
    expect(row).to_contain_text("expires soon")
    shoot(page, "hotlist-entries")
    row.get_by_role("button", name="Renew 7ABC123 for 30 days").click()
    expect(page.get_by_role("status")).to_have_text("The entry was renewed.")
    expect(page.get_by_role("row").filter(has_text="7ABC123")).to_contain_text(
        "2026-12-28 04:00 PST"
    )
    [entry] = web_app.services.store.hotlist_entries.list("watch")
    assert entry.expires_at == web_app.clock.now() + timedelta(days=30)


def test_finding_a_plate_and_removing_its_entry(page: Page, web_app: WebApp) -> None:
    make_list(web_app, "watch", ListSource.MANUAL, "Burglary watch")
    for plate in ("7ABC123", "8XYZ999"):
        web_app.services.hotlists.add_entry(
            editor(web_app, Role.ANALYST),
            "watch",
            EntryDraft(plate, "burglary", case_number="2026-000555"),
        )
    sign_in(page, web_app.person(Role.ANALYST), next_path="/hotlists/watch")
    page.get_by_label("Find a plate").fill("8xyz 999")
    page.get_by_role("button", name="Find").click()
    table = page.get_by_role("table", name="Entries for the plate 8xyz 999")
    expect(table.get_by_role("row")).to_have_count(2)
    table.get_by_role("button", name="Remove 8XYZ999").click()
    expect(page.get_by_role("status")).to_have_text("The entry was removed.")
    assert [e.plate_text for e in web_app.services.store.hotlist_entries.list("watch")] == [
        "7ABC123"
    ]


NCIC_FILE = (
    "LIC,LIS,VMA,VMO,VYR,VCO,NIC,ORI,OCA,MKE\n"
    "7ABC123,CA,HOND,ACC,2019,BLK,V123456789,CA0194200,24-001872,STOLEN VEHICLE\n"
    "6DEF456,CA,FORD,FOC,19X9,RED,V223456789,CA0194200,24-001873,STOLEN VEHICLE\n"
)


def test_an_ncic_file_imports_without_a_mapping_and_its_record_shows_with_the_entry(
    page: Page, web_app: WebApp, tmp_path: Path
) -> None:
    make_list(web_app, "ncic-hot", ListSource.NCIC, "NCIC hot file")
    open_import(page, web_app, tmp_path / "ncic.csv", NCIC_FILE, "ncic-hot")
    page.get_by_label("Source file of rows without one").fill("NCIC Vehicle File")
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("status")).to_contain_text("1 row would be imported")
    bad = page.get_by_role("table", name="Each bad line of the file and why")
    expect(bad.get_by_role("row").nth(1)).to_contain_text("vehicle_year (VYR) '19X9'")
    page.get_by_role("button", name="Import 1 row", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("1 entries stored")

    page.goto("/hotlists/ncic-hot")
    row = page.locator("#entry-" + web_app.services.store.hotlist_entries.list("ncic-hot")[0].id)
    for shown in ("VMA HOND", "VYR 2019", "NIC V123456789", "OCA 24-001872",
                  "MKE STOLEN VEHICLE", "source file NCIC Vehicle File"):  # fmt: skip
        expect(row).to_contain_text(shown)


def test_a_list_page_says_how_often_a_read_matches_by_chance_and_sets_one_off_alerts(
    page: Page, web_app: WebApp
) -> None:
    make_list(web_app, "gang-unit", ListSource.MANUAL, "Gang unit watch")
    web_app.services.hotlists.add_entry(
        editor(web_app, Role.ANALYST),
        "gang-unit",
        EntryDraft(plate="7ABC123", reason="stolen vehicle", state="CA", case_number="2026-1"),
    )
    sign_in(page, web_app.person(Role.ANALYST), next_path="/hotlists/gang-unit")
    chance = page.get_by_role("region", name="Matches by chance")
    samples = web_app.services.hotlist_matcher.chance("gang-unit").samples
    expect(chance.locator("#chance-alerting")).to_have_text(
        f"Fewer than 1 in {samples:,} reads will alert on this list by chance."
    )
    expect(chance).to_contain_text("A read one character off a listed plate alerts too")
    chance.get_by_label("One character off").select_option("record")
    chance.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text(
        "The list's setting for one-character-off matches was changed."
    )
    expect(page.get_by_role("region", name="Matches by chance")).to_contain_text(
        "is kept as a lower-tier hit"
    )
    stored = web_app.services.store.hotlists.get("gang-unit")
    assert stored is not None
    assert stored.one_off.value == "record"
    logged = web_app.services.store.access_log.find(AccessFilter(action="hotlists:set-one-off"))
    assert [(r.event.actor.username, r.event.outcome) for r in logged] == [
        ("avery", AccessOutcome.ALLOWED)
    ]
