"""The agency's time zone at the console: ``agency add`` takes its state's, asks for one outside
the US (refusing without a terminal, with the option to give), and a custodian changes it with
``agency time-zone``, written to the access log; an analyst may not."""

from __future__ import annotations

from pathlib import Path

from platekeeper.config import load_settings
from platekeeper.domain.people import Role
from platekeeper.policy.loader import load_policy
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


def test_policy_init_writes_the_states_zone_and_agency_add_takes_the_files(
    tmp_path: Path,
) -> None:
    init = run(tmp_path, "policy", "init", "--profile", "ca", "--agency", "city-pd")
    assert init.returncode == 0, init.stderr
    policy = load_policy(tmp_path / "policy.toml")
    assert policy.agency.time_zone == "America/Los_Angeles"
    # Given another at init, the file keeps it, and registering the agency it names takes it.
    given = ("--agency", "city-pd", "--time-zone", "America/Phoenix", "--force")
    assert run(tmp_path, "policy", "init", "--profile", "ca", *given).returncode == 0
    assert load_policy(tmp_path / "policy.toml").agency.time_zone == "America/Phoenix"
    run(tmp_path, "db", "upgrade")
    assert (
        run(tmp_path, "agency", "add", "city-pd", "--name", "City", "--state", "CA").returncode == 0
    )
    assert (
        run(tmp_path, "agency", "add", "next-pd", "--name", "Next", "--state", "CA").returncode == 0
    )
    assert zones(tmp_path) == {"city-pd": "America/Phoenix", "next-pd": "America/Los_Angeles"}


def test_policy_init_outside_the_us_needs_the_zone(tmp_path: Path) -> None:
    args = ("policy", "init", "--profile", "ca", "--agency", "tor-ps", "--state", "ON")
    refused = run(tmp_path, *args)
    assert refused.returncode == 2
    assert "--time-zone" in refused.stderr
    assert not (tmp_path / "policy.toml").exists()
    wrong = run(tmp_path, *args, "--time-zone", "Mars/Olympus")
    assert wrong.returncode == 2
    assert "is not a time zone" in wrong.stderr
    assert run(tmp_path, *args, "--time-zone", "America/Toronto").returncode == 0
    assert load_policy(tmp_path / "policy.toml").agency.time_zone == "America/Toronto"
