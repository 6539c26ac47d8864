"""Issue 14, attacks 1 and 8, tried as an insider would, on both databases.

1. Erase the access log's beginning and have it still verify: the retention "anchor" row
   inserted at an existing checkpoint, then every entry up to it deleted (no trigger disabled),
   and the variations: triggers switched off, a purge event forged or copied.
8. Stop the server with SIGTERM, as a service manager does, and leave the last entries unsigned.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from platekeeper.audit import AccessLog, ProblemKind, VerificationReport, open_access_log
from platekeeper.audit.export import parse_lines
from platekeeper.config import load_settings
from platekeeper.services import build_services
from platekeeper.store import Store
from tests.audit.conftest import RawSql, access_log, make_event, raw, signer
from tests.audit.test_tamper import forged_purge
from tests.conftest import FixedClock
from tests.policy.samples import write_complete_policy
from tests.ports import free_port
from tests.store.conftest import empty_store, store

__all__ = ["access_log", "empty_store", "raw", "signer", "store"]

ENTRIES = 40


@pytest.fixture
def recent_log(access_log: AccessLog) -> AccessLog:
    """Forty entries, all minutes old under a five-year retention, signed at the 30th."""
    for index in range(1, 31):
        access_log.record(make_event(index))
    assert access_log.checkpoint() is not None
    for index in range(31, ENTRIES + 1):
        access_log.record(make_event(index))
    assert access_log.verify().intact
    return access_log


def every_mode(log: AccessLog, held: str) -> Iterator[tuple[str, VerificationReport]]:
    checkpoints, keys = parse_lines(held, "held outside")
    yield "the server's key", log.verify()
    yield "the auditor's key", log.verify(public_keys=keys)
    yield "the auditor's checkpoints and key", log.verify(checkpoints, keys)


def assert_erasure_shows(log: AccessLog, held: str, last_erased: int) -> None:
    for mode, report in every_mode(log, held):
        assert not report.intact, f"{mode}: {report.summary()}"
        problem = report.first_problem
        assert problem is not None
        assert problem.kind == ProblemKind.UNACCOUNTED_GAP, mode
        assert f"entries 1-{last_erased} are missing" in problem.message, mode


def test_the_anchor_trick_is_refused_by_the_database(recent_log: AccessLog, raw: RawSql) -> None:
    # The attack of the issue, step by step, without disabling a trigger.
    with pytest.raises(Exception, match="access_log_anchor"):
        raw.execute(
            "INSERT INTO access_log_anchor (id, seq, entry_hash, purged_before)"
            " SELECT 1, seq, entry_hash, 0 FROM access_log_checkpoints"
        )
    with pytest.raises(Exception, match="removed only by retention"):
        raw.execute("DELETE FROM access_log WHERE seq <= 30")
    assert recent_log.verify().intact


def test_entries_erased_with_the_triggers_off_never_verify(
    recent_log: AccessLog, raw: RawSql
) -> None:
    held = recent_log.export_checkpoints()
    raw.disable_triggers()
    raw.execute("DELETE FROM access_log WHERE seq <= 30")
    assert_erasure_shows(recent_log, held, 30)
    # Erasing past the checkpoint, or everything, shows too.
    raw.execute("DELETE FROM access_log WHERE seq <= 35")
    assert_erasure_shows(recent_log, held, 35)
    raw.execute("DELETE FROM access_log")
    for mode, report in every_mode(recent_log, held):
        assert not report.intact, mode


def test_a_forged_purge_event_lets_the_rows_go_but_never_verifies(
    recent_log: AccessLog, raw: RawSql, store: Store
) -> None:
    # The database cannot check a signature: a forged purge event passes its trigger.
    # Verification checks it, with the server's key and with the auditor's.
    held = recent_log.export_checkpoints()
    forged_purge(store, 30)
    raw.execute("DELETE FROM access_log WHERE seq <= 30")
    assert_erasure_shows(recent_log, held, 30)


def test_the_service_purges_nothing_inside_retention(
    recent_log: AccessLog, store: Store, clock: FixedClock
) -> None:
    held = recent_log.export_checkpoints()
    clock.advance(timedelta(days=1825))
    assert recent_log.purge() == 0
    assert len(store.access_log.scan(0, 1000)) == ENTRIES
    for mode, report in every_mode(recent_log, held):
        assert report.intact, mode


# --- attack 8: SIGTERM -----------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server_env(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """The environment of a server whose data directory (and database) is ready, and whose
    access log has entries that no checkpoint signed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATEKEEPER_")}
    env["PLATEKEEPER_DATA_DIR"] = str(tmp_path)
    # Neither bound is reached while the test runs: only the shutdown can sign.
    env["PLATEKEEPER_AUDIT__CHECKPOINT_INTERVAL_S"] = "3600"
    env["PLATEKEEPER_AUDIT__CHECKPOINT_EVERY_ENTRIES"] = "100000"
    if request.param == "postgres":
        env["PLATEKEEPER_STORE__TYPE"] = "postgres"
        env["PLATEKEEPER_STORE__DSN"] = request.getfixturevalue("postgres_schema_dsn")
    for key in [k for k in os.environ if k.startswith("PLATEKEEPER_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        if key.startswith("PLATEKEEPER_"):
            monkeypatch.setenv(key, value)
    upgrade = subprocess.run(
        [sys.executable, "-m", "platekeeper", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    write_complete_policy(tmp_path)
    settings = load_settings(data_dir=tmp_path)
    services = build_services(settings)
    try:
        log = open_access_log(services.store, settings, FixedClock())
        for index in range(1, 6):
            log.record(make_event(index))
        assert log.checkpoint() is not None
        for index in range(6, 9):
            log.record(make_event(index))
    finally:
        services.close()
    return env


def test_sigterm_signs_a_checkpoint_at_the_head(server_env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "platekeeper", "serve", "--port", str(port)],
        env=server_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/v1/health")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "serve did not start"
                assert process.poll() is None, process.communicate()
                time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    settings = load_settings(data_dir=tmp_path)
    services = build_services(settings)
    try:
        head = services.store.access_log.head()
        last = services.store.access_log.last_checkpoint()
        assert head is not None
        assert last is not None
        assert last.seq == head.seq >= 8, "the entries since the last checkpoint stay unsigned"
        assert services.access_log.verify().intact
    finally:
        services.close()
