"""``platekeeper audit entries``: an auditor at the console lists their agency's entries, each
naming how its person signed in, as a table, JSON or CSV; the console's own sign-ins are named
``console+...``; no plate, and nothing a spreadsheet would run."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest

from platekeeper.audit import open_access_log
from platekeeper.audit.listing import ENTRY_FIELDS
from platekeeper.config import load_settings
from platekeeper.domain.access import Actor
from platekeeper.domain.credentials import CONSOLE_SIGN_IN_PREFIX
from platekeeper.domain.people import Role
from platekeeper.services import build_services
from platekeeper.store.protocols import AccessFilter
from tests.audit.conftest import make_event
from tests.cli.console import add_people, run_as
from tests.cli.test_cli import run
from tests.conftest import FixedClock

PLATE = "7ABC123"  # make_event's plate: the log keeps it, no listing may show it


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An agency with an auditor and an analyst, and two accesses by an officer of it: one
    signed in with a second factor, one by an entry from before the log recorded the method,
    whose reason would be a formula in a spreadsheet."""
    monkeypatch.delenv("PLATEKEEPER_CONFIG", raising=False)
    data = tmp_path / "data"
    assert run(data, "db", "upgrade").returncode == 0
    assert run(data, "agency", "add", "demo-pd", "--name", "D", "--state", "CA").returncode == 0
    add_people(data, ("audrey", "demo-pd", Role.AUDITOR), ("avery", "demo-pd", Role.ANALYST))
    settings = load_settings(data_dir=data)
    services = build_services(settings)
    try:
        log = open_access_log(services.store, settings, FixedClock())
        with_totp = make_event(1)
        log.record(dataclasses.replace(with_totp, actor=Actor("officer1", "demo-pd", "p+totp")))
        log.record(dataclasses.replace(make_event(2), reason="=HYPERLINK(1)"))
    finally:
        services.close()
    return data


def listed(data_dir: Path, *args: str) -> str:
    result = run_as(data_dir, "audrey", "audit", "entries", *args)
    assert result.returncode == 0, result.stderr
    assert PLATE not in result.stdout
    return result.stdout


def test_the_console_s_sign_ins_and_acts_are_named_console(data_dir: Path) -> None:
    refused = run_as(data_dir, "avery", "audit", "entries")  # an analyst reads no log
    assert refused.returncode != 0
    entries = json.loads(listed(data_dir, "--format", "json", "--limit", "50"))["entries"]

    oldest_first = entries[::-1]
    by_avery = [
        (e["action"], e["outcome"], e["signed_in_with"])
        for e in oldest_first
        if e["username"] == "avery"
    ]
    console = f"{CONSOLE_SIGN_IN_PREFIX}password+totp"  # the code of run_as, after the password
    assert by_avery == [("auth:login", "allowed", console), ("audit:read", "denied", console)]
    [own_reading] = [
        e for e in entries if e["username"] == "audrey" and e["action"] == "audit:read"
    ]
    assert own_reading["signed_in_with"] == console
    assert own_reading["client_address"] == "console"

    officer = [e for e in entries if e["username"] == "officer1"]
    assert [e["signed_in_with"] for e in officer] == [None, "p+totp"]  # newest first
    assert officer[1]["query"]["plate"] == "withheld"


def test_a_filter_by_method_and_the_csv_export(data_dir: Path) -> None:
    table = listed(data_dir, "--username", "officer1")
    assert "signed in with" in table
    assert "p+totp" in table

    only = json.loads(listed(data_dir, "--signed-in-with", "p+totp", "--format", "json"))
    assert [e["username"] for e in only["entries"]] == ["officer1"]

    rows = list(
        csv.reader(io.StringIO(listed(data_dir, "--username", "officer1", "--format", "csv")))
    )
    assert tuple(rows[0]) == ENTRY_FIELDS
    column = {name: index for index, name in enumerate(rows[0])}
    newest, oldest = rows[1], rows[2]
    assert (newest[column["signed_in_with"]], oldest[column["signed_in_with"]]) == ("", "p+totp")
    assert newest[column["reason"]] == "'=HYPERLINK(1)", "a formula is written as text"
    # UTC as stored, and the same instant on the agency's clock (California: PST, -08:00).
    assert (newest[column["at"]], newest[column["at_local"]]) == (
        "2026-11-28T12:02:00.000000+00:00",
        "2026-11-28T04:02:00.000000-08:00",
    )
    assert json.loads(oldest[column["query"]])["plate"] == "withheld"


def test_the_listing_is_itself_logged_with_its_filters(data_dir: Path) -> None:
    listed(data_dir, "--signed-in-with", "api-token", "--action", "reads:search")
    services = build_services(load_settings(data_dir=data_dir))
    try:
        [reading] = services.store.access_log.find(
            AccessFilter(username="audrey", action="audit:read")
        )
    finally:
        services.close()
    assert dict(reading.event.query) == {"signed_in_with": "api-token", "action": "reads:search"}
    assert reading.event.reason == "listed entries"
