"""``platekeeper user`` and ``platekeeper token``, run as a custodian signed in at the console.

The first custodian of an empty database is made without signing in; from then on every command
signs a person in (here through PLATEKEEPER_CONSOLE_USER and PLATEKEEPER_CONSOLE_PASSWORD)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest

from platekeeper.accounts.pending import SecondFactorNeeded
from platekeeper.config import load_settings
from platekeeper.services import build_services
from tests.cli.test_cli import assert_user_error
from tests.factors import console_code, remember_console

PASSWORD = "correct horse battery"
OWN = "my own quiet passphrase"


def run(
    data_dir: Path, *args: str, stdin: str = "", as_user: str = "boss", password: str = PASSWORD
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATEKEEPER_")}
    env["PLATEKEEPER_DATA_DIR"] = str(data_dir)
    env["PLATEKEEPER_CONSOLE_USER"] = as_user
    env["PLATEKEEPER_CONSOLE_PASSWORD"] = password
    env["PLATEKEEPER_CONSOLE_CODE"] = console_code(str(data_dir), as_user)
    env["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "platekeeper", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ok(data_dir: Path, *args: str, stdin: str = "", **who: str) -> str:
    result = run(data_dir, *args, stdin=stdin, **who)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def empty_dir(tmp_path: Path) -> Path:
    ok(tmp_path, "db", "upgrade")
    ok(tmp_path, "agency", "add", "demo-pd", "--name", "Demo PD", "--state", "CA")
    return tmp_path


@pytest.fixture
def data_dir(empty_dir: Path) -> Path:
    """A database whose first custodian, boss, signs in for the commands."""
    add_user(empty_dir, "boss", "custodian")
    enrol_at_console(empty_dir, "boss")
    return empty_dir


def enrol_at_console(data_dir: Path, username: str, password: str = PASSWORD) -> list[str]:
    """Enrol an authenticator as a person with none does at the console: the secret printed
    once, then the app's first code; the recovery codes printed."""
    who = {"as_user": username, "password": password}
    begun = ok(data_dir, "user", "second-factor", "enrol", username, **who)
    secret = re.search(r"Secret: ([A-Z2-7]+)", begun)
    factor_id = re.search(r"--confirm (\S+)", begun)
    assert secret is not None, begun
    assert factor_id is not None, begun
    totp = pyotp.TOTP(secret[1])
    confirm = ("--confirm", factor_id[1], "--code", totp.now())
    done = ok(data_dir, "user", "second-factor", "enrol", username, *confirm, **who)
    codes = re.findall(r"^  ([a-z2-9]{5}-[a-z2-9]{5})$", done, re.MULTILINE)
    assert len(codes) == 10, done
    step = totp.timecode(datetime.now(UTC))
    remember_console(str(data_dir), username, secret[1], codes, used_step=step)
    return codes


def add_user(data_dir: Path, username: str, *roles: str) -> str:
    role_args = [arg for role in roles for arg in ("--role", role)]
    return ok(
        data_dir,
        *("user", "add", username, "--name", f"Jane Doe {username}", "--agency", "demo-pd"),
        *("--title", "Records Custodian", *role_args, "--training-completed", "2026-06-01"),
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )


def test_the_first_custodian_is_added_at_the_console_and_can_sign_in(empty_dir: Path) -> None:
    data_dir = empty_dir
    assert "Account jdoe added with roles auditor, custodian" in add_user(
        data_dir, "jdoe", "custodian", "auditor"
    )
    # From then on, the console acts only as a person who signs in, with a second factor: the
    # first custodian enrols one with their password, as at their first sign-in on the web.
    assert_user_error(run(data_dir, "user", "list", as_user="jdoe", password="wrong"), "wrong")
    assert_user_error(run(data_dir, "user", "list", as_user="jdoe"), "no second factor yet")
    enrol_at_console(data_dir, "jdoe")
    listing = ok(data_dir, "user", "list", as_user="jdoe")
    assert "jdoe" in listing
    assert "active" in listing
    shown = ok(data_dir, "user", "show", "jdoe", as_user="jdoe")
    assert "training:    2026-06-01 to 2027-06-01" in shown
    services = build_services(load_settings(data_dir=data_dir))
    try:
        with pytest.raises(SecondFactorNeeded) as needed:
            services.accounts.login("jdoe", PASSWORD)
        records = services.store.access_log.scan(0, 100)
    finally:
        services.close()
    assert needed.value.challenge is not None
    assert needed.value.challenge.methods == ("totp", "recovery-code")
    create = next(r.event for r in records if r.event.action == "accounts:create")
    assert create.actor.username.startswith("cli:")
    assert create.client_address == "console"


def test_user_errors_are_one_line(data_dir: Path) -> None:
    base = ("user", "add", "cam", "--name", "Cam", "--agency", "demo-pd", "--title", "Cam")
    assert_user_error(
        run(
            data_dir,
            *base,
            "--role",
            "camera",
            "--training-completed",
            "2026-06-01",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        ),
        "camera role",
    )
    assert_user_error(
        run(
            data_dir,
            *base,
            "--role",
            "analyst",
            "--training-completed",
            "2026-06-01",
            "--password-stdin",
            stdin="short\n",
        ),
        "shorter than 12",
    )
    assert_user_error(run(data_dir, "user", "show", "nobody"), "no account is named")


def test_suspend_reactivate_deactivate_and_roles(data_dir: Path) -> None:
    add_user(data_dir, "jdoe", "analyst")
    assert "suspended" in ok(data_dir, "user", "suspend", "jdoe")
    assert "suspended (by_custodian)" in ok(data_dir, "user", "show", "jdoe")
    # Reactivation needs training completed since the suspension (issue 15): today's.
    today = datetime.now(UTC).date()
    assert "active again" in ok(
        data_dir, "user", "reactivate", "jdoe", "--training-completed", today.isoformat()
    )
    assert (today + timedelta(days=365)).isoformat() in ok(data_dir, "user", "show", "jdoe")
    assert "officer, supervisor" in ok(
        data_dir, "user", "set-roles", "jdoe", "--role", "supervisor", "--role", "officer"
    )
    assert "2027-10-01" in ok(data_dir, "user", "set-training", "jdoe", "--completed", "2026-10-01")
    ok(data_dir, "user", "set-password", "jdoe", "--password-stdin", stdin="a new passphrase 2\n")
    assert "0 account(s) suspended" in ok(data_dir, "user", "sweep")
    assert "deactivated" in ok(data_dir, "user", "deactivate", "jdoe")


def test_tokens_are_printed_once_listed_and_revoked(data_dir: Path) -> None:
    add_user(data_dir, "jdoe", "analyst")
    # The password boss gave jdoe only lets jdoe choose one of their own.
    assert_user_error(
        run(data_dir, "token", "create", "jdoe", "--name", "n", "--days", "3", as_user="jdoe"),
        "set by someone else",
    )
    ok(data_dir, "user", "change-password", "jdoe", "--password-stdin", stdin=OWN + "\n")
    enrol_at_console(data_dir, "jdoe", OWN)
    jdoe = {"as_user": "jdoe", "password": OWN}
    # A token names what it is for, and reaches nothing the person's roles do not.
    nightly = ("token", "create", "jdoe", "--name", "nightly")
    assert_user_error(run(data_dir, *nightly, **jdoe), "one or more scopes")
    assert_user_error(run(data_dir, *nightly, "--scope", "audit", **jdoe), "grant nothing")
    assert_user_error(run(data_dir, *nightly, "--scope", "everything", **jdoe), "everything")
    created = ok(data_dir, *nightly, "--scope", "search", "--scope", "export", **jdoe)
    plaintext = created.split()[-1]
    assert plaintext.startswith("pkt_")
    assert "for export search" in created
    token_id = created.split()[1]
    listing = ok(data_dir, "token", "list", "jdoe")
    assert token_id in listing
    assert "export search" in listing
    assert plaintext not in listing
    assert "revoked" in ok(data_dir, "token", "revoke", token_id)
    assert_user_error(run(data_dir, "token", "revoke", token_id), "revoked already")
    assert_user_error(
        run(data_dir, *nightly, "--scope", "search", "--days", "91", **jdoe),
        "1 to 90",
    )
