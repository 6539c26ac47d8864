"""CJIS AC-7 at the console: a locked username signs in at the console no more than on the web,
and ``platekeeper user unlock`` releases it, by a custodian only, logged."""

from __future__ import annotations

from pathlib import Path

import pytest

from platekeeper.config import load_settings
from platekeeper.errors import AuthenticationFailed
from platekeeper.services import build_services
from platekeeper.store.protocols import AccessFilter
from tests.cli.test_cli import assert_user_error
from tests.cli.test_users import PASSWORD, add_user, data_dir, empty_dir, ok, run

__all__ = ["data_dir", "empty_dir"]  # fixtures: a database with its first custodian, boss


def lock_out(data_dir: Path, username: str) -> None:
    services = build_services(load_settings(data_dir=data_dir))
    try:
        for _ in range(services.settings.accounts.lockout_failures):
            with pytest.raises(AuthenticationFailed):
                services.accounts.console_login(username, "not the password at all")
    finally:
        services.close()


@pytest.mark.slow
def test_a_custodian_releases_a_locked_username_at_the_console(data_dir: Path) -> None:
    add_user(data_dir, "jdoe", "custodian")
    lock_out(data_dir, "jdoe")
    assert_user_error(run(data_dir, "user", "list", as_user="jdoe"), "locked", "custodian")
    assert "sign-in locked" in ok(data_dir, "user", "list")
    assert "released" in ok(data_dir, "user", "unlock", "jdoe")
    # Released: jdoe's password is accepted again (and, set by boss, must be replaced first).
    assert_user_error(run(data_dir, "user", "list", as_user="jdoe"), "set by someone else")
    services = build_services(load_settings(data_dir=data_dir))
    try:
        [entry] = services.store.access_log.find(AccessFilter(action="accounts:unlock"))
    finally:
        services.close()
    assert (entry.event.actor.username, entry.event.query) == ("boss", {"username": "jdoe"})
    assert entry.event.client_address == "console"
    # A locked custodian cannot sign in to release their own lock.
    lock_out(data_dir, "boss")
    assert_user_error(run(data_dir, "user", "unlock", "boss", password=PASSWORD), "locked")
