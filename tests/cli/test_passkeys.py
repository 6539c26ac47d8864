"""A person whose second factor is a passkey, at the console: the listing shows the passkey; a
passkey cannot be shown at a terminal, so a recovery code signs them in there, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from platekeeper.accounts.pending import SecondFactorNeeded
from platekeeper.config import load_settings
from platekeeper.domain.people import Role
from platekeeper.services import build_services
from tests.accounts.authenticator import SoftKey, b64url
from tests.accounts.conftest import PASSWORD, add_person
from tests.cli.console import run_as
from tests.conftest import make_agency

# The default relying party: a software key answers for it as a browser on it would.
RP_ID = "localhost"
ORIGIN = "https://localhost:8080"


def passkey_holder(data_dir: Path, username: str) -> tuple[SoftKey, tuple[str, ...]]:
    """A person who enrolled a passkey at their first sign-in; the key and recovery codes."""
    services = build_services(load_settings(data_dir=data_dir))
    try:
        services.store.upgrade()
        services.store.agencies.add(make_agency())
        today = services.clock.now().date()
        account = add_person(services.accounts, username, Role.ANALYST, trained_on=today)
        with pytest.raises(SecondFactorNeeded) as needed:
            services.accounts.login(username, PASSWORD, "192.0.2.7")
        assert needed.value.challenge is not None
        token = needed.value.challenge.token
        key = SoftKey(RP_ID, ORIGIN)
        answer = key.register(services.passkeys.enrolment_options(token))
        signed = services.passkeys.confirm_enrolment(token, answer, "yubikey", "192.0.2.7")
        assert signed.principal.account.id == account.id
        return key, signed.recovery_codes
    finally:
        services.close()


def test_the_console_lists_a_passkey_after_a_recovery_code(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    key, codes = passkey_holder(data_dir, "jdoe")
    listed = run_as(data_dir, "jdoe", "user", "second-factor", "list", "jdoe", code=codes[0])
    assert listed.returncode == 0, listed.stderr
    assert "webauthn" in listed.stdout
    assert "yubikey" in listed.stdout
    assert "9 recovery code(s) left." in listed.stdout
    assert b64url(key.credential_id) not in listed.stdout  # nothing of the key itself


def test_the_console_takes_no_code_in_place_of_a_passkey(tmp_path: Path) -> None:
    """A made-up six-digit code is no way round a passkey at the console."""
    data_dir = tmp_path / "data"
    passkey_holder(data_dir, "jdoe")
    refused = run_as(data_dir, "jdoe", "user", "second-factor", "list", "jdoe", code="123456")
    assert refused.returncode != 0
    assert refused.stdout == ""
    assert refused.stderr.startswith("error: the code is not valid.")
