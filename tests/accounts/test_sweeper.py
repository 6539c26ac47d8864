"""CJIS AC-2(3): an account nobody uses is suspended within a day by the server's daily sweep,
logged as the system's act; not by waiting a day, but by the loop's interval, one round through
the real services, and ``serve`` running the loop in a real process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from platekeeper.accounts.sweeper import SWEEP_EVERY, AccountSweeper
from platekeeper.config import Settings, load_settings
from platekeeper.domain.people import AccountStatus, Role, SuspensionReason
from platekeeper.services import Services, build_services
from platekeeper.store.protocols import AccessFilter
from tests.accounts.conftest import add_person
from tests.conftest import FixedClock, build_test_services, make_agency
from tests.policy.samples import write_complete_policy
from tests.ports import free_port

IDLE = timedelta(days=91)
"""Past the default accounts.max_idle_days (90)."""


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Iterator[Services]:
    services = build_test_services(settings, clock)
    services.store.agencies.add(make_agency())
    yield services
    services.close()


def test_the_sweep_runs_daily_well_within_the_week(services: Services) -> None:
    assert AccountSweeper(services.accounts).interval == SWEEP_EVERY == timedelta(days=1)


def test_one_round_suspends_an_idle_account_and_logs_it(
    services: Services, clock: FixedClock
) -> None:
    account = add_person(services.accounts, "idle", Role.ANALYST)
    busy = add_person(services.accounts, "busy", Role.ANALYST)
    clock.advance(IDLE)
    services.store.accounts.touch(busy.id, clock.now())
    AccountSweeper(services.accounts).tick()
    idle = services.accounts.get(account.id)
    assert (idle.status, idle.suspension_reason) == (
        AccountStatus.SUSPENDED,
        SuspensionReason.INACTIVITY,
    )
    assert services.accounts.get(busy.id).status is AccountStatus.ACTIVE
    [entry] = services.store.access_log.find(AccessFilter(action="accounts:suspend"))
    assert entry.event.actor.username == "system"
    assert entry.event.query == {"username": "idle"}
    assert "not used for too long" in entry.event.reason


@pytest.mark.slow
def test_serve_runs_the_sweep(tmp_path: Path) -> None:
    """An account left unused for 91 days is suspended by the running server, unasked."""
    settings = load_settings(data_dir=tmp_path)
    write_complete_policy(tmp_path)
    months_ago = FixedClock(datetime.now(UTC) - IDLE)
    seeded = build_test_services(settings, months_ago)
    try:
        seeded.store.agencies.add(make_agency())
        account = add_person(
            seeded.accounts, "leftover", Role.ANALYST, trained_on=months_ago.now().date()
        )
    finally:
        seeded.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATEKEEPER_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "platekeeper", "serve", "--port", str(free_port())],
        env={**env, "PLATEKEEPER_DATA_DIR": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status = AccountStatus.ACTIVE
        deadline = time.monotonic() + 30
        while status is AccountStatus.ACTIVE and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.2)
            reader = build_services(settings)
            try:
                status = reader.accounts.get(account.id).status
            finally:
                reader.close()
        assert status is AccountStatus.SUSPENDED
    finally:
        process.terminate()
        process.communicate(timeout=30)
