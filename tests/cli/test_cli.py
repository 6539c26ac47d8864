"""The ``platekeeper`` command, run as a person runs it: a real process, real files."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pyotp
import pytest

from platekeeper.accounts.pending import SecondFactorNeeded
from platekeeper.config import load_settings
from platekeeper.domain.hotlists import MatchKind, StateAgreement
from platekeeper.domain.people import Role
from platekeeper.errors import AuthenticationFailed
from platekeeper.services import build_services
from platekeeper.store.protocols import HitFilter
from tests.cli.console import add_people, run_as
from tests.policy.samples import write_complete_policy
from tests.ports import free_port


def run(
    data_dir: Path, *args: str, config: Path | None = None, columns: str | None = "200"
) -> subprocess.CompletedProcess[str]:
    """``platekeeper`` with ``args`` in a child process, as a pipe (COLUMNS unset with None)."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env = {k: v for k, v in env.items() if not k.startswith("PLATEKEEPER_")}
    env["PLATEKEEPER_DATA_DIR"] = str(data_dir)
    if columns is not None:
        env["COLUMNS"] = columns
    prefix = ["--config", str(config)] if config else []
    return subprocess.run(
        [sys.executable, "-m", "platekeeper", *prefix, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_user_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1, "a user error is one line"
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr


def test_an_unwritable_data_directory_is_a_user_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert_user_error(run(blocker / "data", "demo", "--no-serve", "--reads", "1"), "cannot")


def test_version(tmp_path: Path) -> None:
    result = run(tmp_path, "--version")
    assert (result.returncode, result.stdout.strip()) == (0, "platekeeper 0.1.0")


def test_config_check_names_the_bad_key(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text("[server]\nport = 9000\n")
    result = run(tmp_path, "config", "check", "--show", config=good)
    assert result.returncode == 0, result.stderr
    assert "Configuration is valid" in result.stdout
    assert '"port": 9000' in result.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text("[server]\nport = 'eighty'\n")
    assert_user_error(run(tmp_path, "config", "check", config=bad), "server.port")


def test_commands_refuse_an_outdated_schema_and_say_how_to_fix_it(tmp_path: Path) -> None:
    assert_user_error(run(tmp_path, "serve"), "platekeeper db upgrade")
    status = run(tmp_path, "db", "status")
    assert status.returncode == 1
    assert "Pending: 0001_initial" in status.stdout
    first, second = run(tmp_path, "db", "upgrade"), run(tmp_path, "db", "upgrade")
    assert "Applied 0001_initial" in first.stdout
    assert "Nothing to do" in second.stdout
    assert run(tmp_path, "db", "status").returncode == 0


def test_a_custodian_registers_an_agency_and_a_camera_whose_key_works(tmp_path: Path) -> None:
    run(tmp_path, "db", "upgrade")
    agency = run(tmp_path, "agency", "add", "sac-pd", "--name", "Sacramento PD", "--state", "ca")
    assert agency.returncode == 0, agency.stderr
    add_people(tmp_path, ("casey", "sac-pd", Role.CUSTODIAN))
    added = run_as(
        tmp_path,
        "casey",
        "camera",
        "add",
        "j-st",
        "--name",
        "J St",
        "--latitude",
        "38.58",
        "--longitude",
        "-121.49",
        "--heading",
        "270",
    )
    assert added.returncode == 0, added.stderr
    key = re.search(r"pkc_\S+", added.stdout)
    assert key is not None
    listing = run_as(tmp_path, "casey", "camera", "list")
    assert "j-st" in listing.stdout
    assert "never" in listing.stdout
    services = build_services(load_settings(data_dir=tmp_path))
    try:
        assert services.ingest.authenticate(key.group()).id == "j-st"
        services.store.cameras.record_contact("j-st", datetime(2026, 7, 15, 20, 30, tzinfo=UTC))
    finally:
        services.close()
    # The last contact reads on the agency's clock (the agency's zone comes from its state).
    reopened = build_services(load_settings(data_dir=tmp_path))
    try:
        registered = reopened.store.agencies.list()[0]
    finally:
        reopened.close()
    shown = datetime(2026, 7, 15, 20, 30, tzinfo=UTC).astimezone(ZoneInfo(registered.time_zone))
    listed = run_as(tmp_path, "casey", "camera", "list")
    assert f"{shown:%Y-%m-%d %H:%M %Z}" in listed.stdout.replace("\n", " "), listed.stdout
    assert_user_error(
        run_as(
            tmp_path,
            "casey",
            "camera",
            "add",
            "x",
            "--agency",
            "nobody",
            "--name",
            "X",
            "--latitude",
            "1",
            "--longitude",
            "1",
        ),
        "agency nobody, not yours",
    )
    assert_user_error(run_as(tmp_path, "casey", "camera", "add", "y", "--name", "Y"), "no location")
    rotated = run_as(tmp_path, "casey", "camera", "rotate-key", "j-st")
    new_key = re.search(r"pkc_\S+", rotated.stdout)
    assert new_key is not None
    services = build_services(load_settings(data_dir=tmp_path))
    try:
        assert services.ingest.authenticate(new_key.group()).id == "j-st"
        with pytest.raises(AuthenticationFailed):
            services.ingest.authenticate(key.group())
    finally:
        services.close()
    assert run_as(tmp_path, "casey", "camera", "set-status", "j-st", "retired").returncode == 0
    assert_user_error(
        run_as(tmp_path, "casey", "camera", "set-status", "nope", "retired"), "does not exist"
    )


def test_demo_seeds_and_shows_each_camera_key_once(tmp_path: Path) -> None:
    result = run(tmp_path, "demo", "--no-serve", "--reads", "40")
    assert result.returncode == 0, result.stderr
    assert "40 reads added." in result.stdout
    assert "http://127.0.0.1:8080/alerts (as " in result.stdout  # the pages, not API calls
    assert "/api/v1" not in result.stdout
    assert len(re.findall(r"pkc_\S+", result.stdout)) == 5
    logins = demo_logins(result.stdout)
    assert sorted(logins) == ["analyst", "auditor", "custodian", "officer", "supervisor"]
    assert "Hot list 'demo-stolen' made from three plates" in result.stdout
    assert "Legal hold for case 2026-000101" in result.stdout
    assert "refused" in result.stdout  # the federal recipient, with the California rule
    again = run(tmp_path, "demo", "--no-serve", "--reads", "10")
    assert again.returncode == 0, again.stderr
    assert re.findall(r"pkc_\S+", again.stdout) == []
    assert "rotate-key" in again.stdout
    assert "the 40 reads stored by an earlier run are kept, and none added" in again.stdout
    fresh = demo_logins(again.stdout)
    secrets = demo_secrets(again.stdout)
    services = build_services(load_settings(data_dir=tmp_path))
    try:
        username, password = fresh["analyst"]
        # The demo's people sign in as anyone would: the password, then the app's code.
        with pytest.raises(SecondFactorNeeded) as needed:
            services.accounts.login(username, password)
        assert needed.value.challenge is not None
        code = pyotp.TOTP(secrets[username]).now()
        signed_in = services.second_factors.complete(needed.value.challenge.token, code, None)
        assert Role.ANALYST in signed_in.principal.account.roles
        assert signed_in.principal.signed_in_with == "password+totp"
        with pytest.raises(AuthenticationFailed):
            services.accounts.login(*logins["officer"])  # last run's password no longer works
        assert demo_secrets(result.stdout)[username] != secrets[username]
        hits = services.store.hits.list(HitFilter())
        assert {hit.match_kind for hit in hits} >= {MatchKind.EXACT, MatchKind.CONFUSABLE}
        assert StateAgreement.DIFFERS in {hit.state_agreement for hit in hits}
        assert not any(hit.actionable for hit in hits)
        assert services.store.reads.stats().read_count == 40
    finally:
        services.close()
    more = run(tmp_path, "demo", "--no-serve", "--reads", "10", "--more")
    assert "10 reads added to the 40 stored by an earlier run." in more.stdout


def demo_secrets(stdout: str) -> dict[str, str]:
    """username -> the demo TOTP secret printed after the table of logins."""
    return dict(re.findall(r"^  ([a-z.]+): ([A-Z2-7]{32})$", stdout, re.MULTILINE))


def demo_logins(stdout: str) -> dict[str, tuple[str, str]]:
    """role -> (username, password) from the demo's table of logins."""
    rows = re.findall(r"│\s*(\w+)\s*│\s*([a-z.]+)\s*│\s*(\S+)\s*│", stdout)
    roles = {role.value for role in Role}
    return {role: (user, password) for role, user, password in rows if role in roles}


def test_demo_on_a_busy_port_stops_before_seeding(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(tmp_path, "demo", "--port", str(port), "--reads", "5")
    assert_user_error(result, f"cannot listen on 127.0.0.1:{port}", "--port")
    assert "pkc_" not in result.stdout
    assert not (tmp_path / "platekeeper.sqlite3").exists()


def first_answer(
    process: subprocess.Popen[str], get: Callable[[], httpx.Response]
) -> httpx.Response:
    """What ``get`` answers once the served ``process`` listens; it must not die meanwhile."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return get()
        except httpx.TransportError:
            assert time.monotonic() < deadline, "serve did not start"
            assert process.poll() is None, process.communicate()
            time.sleep(0.1)


@pytest.mark.slow
def test_serve_answers_http_until_stopped(tmp_path: Path) -> None:
    run(tmp_path, "db", "upgrade")
    write_complete_policy(tmp_path)  # serve refuses to start without one
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATEKEEPER_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "platekeeper", "serve", "--port", str(port)],
        env={**env, "PLATEKEEPER_DATA_DIR": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        response = first_answer(
            process, lambda: httpx.get(f"http://127.0.0.1:{port}/api/v1/health")
        )
        assert response.json()["status"] == "ok"
    finally:
        process.terminate()
        stdout, _ = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}" in stdout
