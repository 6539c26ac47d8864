"""``platekeeper audit``, run as a custodian or auditor runs it: exit 0 intact, 1 tampered."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from platekeeper.audit import open_access_log
from platekeeper.config import load_settings
from platekeeper.domain.people import Role
from platekeeper.services import build_services
from tests.audit.conftest import make_event
from tests.cli.console import add_people, run_as
from tests.cli.test_cli import assert_user_error, run
from tests.conftest import FixedClock


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory whose log holds five entries and a checkpoint of them."""
    monkeypatch.delenv("PLATEKEEPER_CONFIG", raising=False)
    data = tmp_path / "data"
    assert run(data, "db", "upgrade").returncode == 0
    settings = load_settings(data_dir=data)
    services = build_services(settings)
    try:
        log = open_access_log(services.store, settings, FixedClock())
        for index in range(1, 6):
            log.record(make_event(index))
        assert log.checkpoint() is not None
    finally:
        services.close()
    return data


def test_verify_exits_0_when_intact(data_dir: Path) -> None:
    result = run(data_dir, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Access log intact: 5 entries (1-5) and 1 checkpoint checked."


def test_verify_exits_1_naming_the_modified_entry(data_dir: Path) -> None:
    with sqlite3.connect(data_dir / "platekeeper.sqlite3") as connection:
        connection.execute("DROP TRIGGER access_log_no_update")
        connection.execute("UPDATE access_log SET reason = 'nothing to see' WHERE seq = 3")
    result = run(data_dir, "audit", "verify")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "NOT intact: modified at entry 3" in result.stdout
    assert "entry 3 (2026-11-28 12:03:00 UTC, reads:search)" in result.stdout


def test_exported_checkpoints_and_key_verify_from_outside(data_dir: Path, tmp_path: Path) -> None:
    export = tmp_path / "checkpoints.jsonl"
    assert run(data_dir, "audit", "export-checkpoints", "--output", str(export)).returncode == 0
    key = tmp_path / "key.pem"
    public = run(data_dir, "audit", "public-key")
    assert public.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    key.write_text(public.stdout)
    args = ("audit", "verify", "--checkpoints", str(export), "--public-key", str(key))
    assert run(data_dir, *args).returncode == 0
    with sqlite3.connect(data_dir / "platekeeper.sqlite3") as connection:
        connection.execute("DROP TRIGGER access_log_checkpoints_no_delete")
        connection.execute("DROP TRIGGER access_log_delete_only_purged")
        connection.execute("DELETE FROM access_log_checkpoints")
        connection.execute("DELETE FROM access_log WHERE seq > 3")
    assert run(data_dir, "audit", "verify").returncode == 0  # nothing left inside to tell
    result = run(data_dir, *args)
    assert result.returncode == 1
    assert "truncated at entry 4" in result.stdout


def test_checkpoint_signals_and_purge(data_dir: Path) -> None:
    assert "Nothing new to sign" in run(data_dir, "audit", "checkpoint").stdout
    assert run(data_dir, "agency", "add", "demo-pd", "--name", "D", "--state", "CA").returncode == 0
    add_people(data_dir, ("audrey", "demo-pd", Role.AUDITOR))
    signals = run_as(data_dir, "audrey", "audit", "signals", "--since", "2026-01-01")
    assert signals.returncode == 0, signals.stderr
    assert "Would remove 0" in run(data_dir, "audit", "purge", "--dry-run").stdout


def test_a_missing_checkpoints_file_is_a_user_error(data_dir: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    assert_user_error(run(data_dir, "audit", "verify", "--checkpoints", str(missing)), "nope")
