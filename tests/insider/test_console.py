"""Attack 5: the console acted as any person without a password, deactivated ones included.

A ten-year legal hold was requested as a deactivated analyst and approved as the supervisor
from the CLI. Now the console signs a person in (password, the same lockout and standing rules
as the web), refuses suspended and deactivated accounts, logs what it does with ``console`` as
the client address, and makes without a password only the first custodian of an empty database.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from platekeeper.accounts.authority import Bootstrap
from platekeeper.accounts.pending import SecondFactorNeeded
from platekeeper.accounts.service import AccountService
from platekeeper.config import load_settings
from platekeeper.domain.access import Actor
from platekeeper.domain.credentials import CredentialKind
from platekeeper.domain.people import Role
from platekeeper.errors import AuthenticationFailed, PermissionDenied
from platekeeper.services import build_services
from tests.accounts.conftest import OPERATOR, PASSWORD, TRAINED_ON, RecordingSink, add_person
from tests.cli.console import run_as
from tests.factors import Authenticators, enrol_for_console

SUPERVISOR_PASSWORD = "the supervisor's passphrase"


def test_the_console_refuses_deactivated_and_suspended_accounts(
    accounts: AccountService,
) -> None:
    gone = add_person(accounts, "gone", Role.ANALYST)
    paused = add_person(accounts, "paused", Role.SUPERVISOR)
    accounts.deactivate(OPERATOR, gone.id)
    accounts.suspend(OPERATOR, paused.id)
    with pytest.raises(AuthenticationFailed, match="deactivated"):
        accounts.console_login("gone", PASSWORD)
    with pytest.raises(AuthenticationFailed, match="suspended"):
        accounts.console_login("paused", PASSWORD)


def test_the_console_needs_the_persons_password(accounts: AccountService) -> None:
    add_person(accounts, "sam", Role.SUPERVISOR)
    with pytest.raises(AuthenticationFailed, match="wrong username or password"):
        accounts.console_login("sam", "a guess at the password")


def test_console_acts_are_logged_as_such(
    accounts: AccountService, auth: Authenticators, sink: RecordingSink
) -> None:
    add_person(accounts, "casey", Role.CUSTODIAN)
    jdoe = add_person(accounts, "jdoe", Role.ANALYST)
    casey = auth.console("casey", PASSWORD)
    assert casey.credential_kind is CredentialKind.CONSOLE
    assert casey.signed_in_with == "password+totp"
    assert (sink.events[-1].action, sink.events[-1].client_address) == ("auth:login", "console")
    accounts.suspend(casey, jdoe.id)
    last = sink.events[-1]
    assert (last.actor.username, last.action, last.client_address) == (
        "casey",
        "accounts:suspend",
        "console",
    )


def test_the_password_less_bootstrap_works_once(
    accounts: AccountService, auth: Authenticators
) -> None:
    bootstrap = Bootstrap(Actor("cli:root", "-"))
    first = dict(
        display_name="First Custodian",
        agency_id="demo-pd",
        job_title="Records",
        training_completed_on=TRAINED_ON,
        password=PASSWORD,
    )
    accounts.create(bootstrap, username="first", roles=[Role.CUSTODIAN], **first)  # type: ignore[arg-type]
    # The first custodian's own password: no change step; they enrol a second factor.
    with pytest.raises(SecondFactorNeeded) as needed:
        accounts.login("first", PASSWORD)
    assert needed.value.challenge is not None
    assert needed.value.challenge.must_enrol
    auth.sign_in("first", PASSWORD)
    with pytest.raises(PermissionDenied, match="first custodian exists"):
        accounts.create(bootstrap, username="second", roles=[Role.SUPERVISOR], **first)  # type: ignore[arg-type]


# -- the command itself, as the attack ran it (SQLite: the console's own database) ------------


def run(
    data_dir: Path,
    *args: str,
    user: str | None = None,
    password: str | None = None,
    stdin: str = "",
) -> subprocess.CompletedProcess[str]:
    return run_as(data_dir, user, *args, password=password, stdin=stdin)


def test_a_hold_cannot_be_requested_as_a_deactivated_analyst(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    assert run(tmp_path, "agency", "add", "demo-pd", "--name", "D", "--state", "CA").returncode == 0
    services = build_services(load_settings(data_dir=tmp_path))
    try:
        gone = add_person(services.accounts, "gone", Role.ANALYST)
        sam = add_person(services.accounts, "sam", Role.SUPERVISOR, password=SUPERVISOR_PASSWORD)
        enrol_for_console(services.second_factors, sam, str(tmp_path))
        services.accounts.deactivate(OPERATOR, gone.id)
    finally:
        services.close()
    hold = [*("hold", "request", "--case-number", "2026-000123", "--reason", "keep it")]
    hold += ["--days", "3650", "--read-id", "r1"]
    # No password, a wrong one, or the right one of a deactivated account: nothing is done.
    for user, password in (("gone", None), ("gone", "a guess at it"), ("gone", PASSWORD)):
        refused = run(tmp_path, *hold, user=user, password=password)
        assert refused.returncode != 0, refused.stdout
    assert "deactivated" in run(tmp_path, *hold, user="gone", password=PASSWORD).stderr
    # The supervisor's name without the supervisor's password lists nothing either.
    assert run(tmp_path, "hold", "list", user="sam", password=PASSWORD).returncode != 0
    listed = run(tmp_path, "hold", "list", user="sam", password=SUPERVISOR_PASSWORD)
    assert listed.returncode == 0, listed.stderr
    # Accounts exist: adding one without signing in is refused.
    add = [*("user", "add", "x1", "--name", "X", "--agency", "demo-pd", "--title", "T")]
    add += ["--role", "custodian", "--training-completed", "2026-06-01", "--password-stdin"]
    assert run(tmp_path, *add, stdin=PASSWORD + "\n").returncode != 0
