"""The agency's time zone at the console: ``agency add`` takes its state's, asks for one outside
the US (refusing without a terminal, with the option to give), and a custodian changes it with
``agency time-zone``, written to the access log; an analyst may not."""

from __future__ import annotations

from pathlib import Path

from platekeeper.config import load_settings
from platekeeper.domain.people import Role
from platekeeper.services import build_services
from platekeeper.store.protocols import AccessFilter
from tests.cli.console import add_people, run_as
from tests.cli.test_cli import run


def zones(data_dir: Path) -> dict[str, str]:
    services = build_services(load_settings(data_dir=data_dir))
    try:
        return {agency.id: agency.time_zone for agency in services.store.agencies.list()}
    finally:
        services.close()


def test_an_agency_takes_its_states_zone_or_the_one_given(tmp_path: Path) -> None:
    run(tmp_path, "db", "upgrade")
    added = run(tmp_path, "agency", "add", "sac-pd", "--name", "Sacramento PD", "--state", "CA")
    assert added.returncode == 0, added.stderr
    assert "America/Los_Angeles" in added.stdout
    given = ("--state", "AZ", "--time-zone", "America/Phoenix")
    assert run(tmp_path, "agency", "add", "yuma-pd", "--name", "Yuma PD", *given).returncode == 0
    assert zones(tmp_path) == {"sac-pd": "America/Los_Angeles", "yuma-pd": "America/Phoenix"}


def test_outside_the_us_the_zone_must_be_given(tmp_path: Path) -> None:
    run(tmp_path, "db", "upgrade")
    refused = run(tmp_path, "agency", "add", "tor-ps", "--name", "Toronto PS", "--state", "ON")
    assert refused.returncode == 2
    assert "error:" in refused.stderr
    assert "--time-zone" in refused.stderr
    wrong = ("--state", "ON", "--time-zone", "Toronto")
    bad = run(tmp_path, "agency", "add", "tor-ps", "--name", "Toronto PS", *wrong)
    assert bad.returncode == 2
    assert "'Toronto' is not a time zone" in bad.stderr
    assert zones(tmp_path) == {}
    right = ("--state", "ON", "--time-zone", "America/Toronto")
    assert run(tmp_path, "agency", "add", "tor-ps", "--name", "Toronto PS", *right).returncode == 0
    assert zones(tmp_path) == {"tor-ps": "America/Toronto"}


def test_a_custodian_changes_the_zone_and_it_is_logged(tmp_path: Path) -> None:
    run(tmp_path, "db", "upgrade")
    run(tmp_path, "agency", "add", "sac-pd", "--name", "Sacramento PD", "--state", "CA")
    add_people(tmp_path, ("casey", "sac-pd", Role.CUSTODIAN), ("avery", "sac-pd", Role.ANALYST))
    refused = run_as(tmp_path, "avery", "agency", "time-zone", "UTC")
    assert refused.returncode != 0
    wrong = run_as(tmp_path, "casey", "agency", "time-zone", "Pacific Time")
    assert wrong.returncode == 2
    assert "IANA" in wrong.stderr
    assert zones(tmp_path) == {"sac-pd": "America/Los_Angeles"}
    changed = run_as(tmp_path, "casey", "agency", "time-zone", "America/Phoenix")
    assert changed.returncode == 0, changed.stderr
    assert "America/Phoenix" in changed.stdout
    assert zones(tmp_path) == {"sac-pd": "America/Phoenix"}
    services = build_services(load_settings(data_dir=tmp_path))
    try:
        entries = services.access_log.entries(AccessFilter(action="agency:time-zone"))
    finally:
        services.close()
    assert [(e.event.actor.username, e.event.outcome.value) for e in entries] == [
        ("casey", "allowed"),
        ("casey", "denied"),  # the zone that is not one, refused and logged
        ("avery", "denied"),
    ]
    assert entries[0].event.reason == "time zone America/Los_Angeles -> America/Phoenix"
