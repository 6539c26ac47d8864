"""Second factors for the people tests make: a TOTP secret each, derived in the test from the
username (never a constant), and codes from it at the test clock's time, or at the real time
for the console's commands, which run under the real clock.

A code is accepted once, and the clock of a test stands still: where the steps a code may come
from (the current one, one before, one after) are all used, the clock moves on 30 seconds, as
it would for a person signing in again.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from platekeeper.accounts.authority import HostOperator
from platekeeper.accounts.pending import SecondFactorNeeded
from platekeeper.accounts.second_factor import SecondFactors
from platekeeper.accounts.service import AccountService
from platekeeper.domain.access import Actor
from platekeeper.domain.credentials import Principal
from platekeeper.domain.factors import FactorKind
from platekeeper.domain.people import Account
from platekeeper.services import Services
from platekeeper.store import Store
from tests.conftest import FixedClock

SEEDER = HostOperator(Actor("cli:test-factors", "-"))
_STEP = timedelta(seconds=30)


def secret_of(username: str) -> str:
    digest = hashlib.sha256(f"platekeeper test totp\x00{username}".encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def enrol(factors: SecondFactors, account: Account) -> tuple[str, ...]:
    """Enrol the person's test authenticator; their recovery codes."""
    return factors.seed_totp(SEEDER, account.id, secret_of(account.username))


def fresh_code(store: Store, clock: FixedClock, account: Account) -> str:
    """A code of the person's authenticator that has not been used yet."""
    totp = pyotp.TOTP(secret_of(account.username))
    used = max(
        (
            f.last_step or -1
            for f in store.second_factors.list(account.id)
            if f.kind is FactorKind.TOTP
        ),
        default=-1,
    )
    while totp.timecode(clock.now()) + 1 <= used:
        clock.advance(_STEP)
    step = max(totp.timecode(clock.now()) - 1, used + 1)
    return totp.generate_otp(step)


@dataclass(frozen=True)
class Authenticators:
    """The test authenticators of every person a test makes, and both steps of signing in."""

    accounts: AccountService
    factors: SecondFactors
    store: Store
    clock: FixedClock

    @classmethod
    def of(cls, services: Services) -> Authenticators:
        assert isinstance(services.clock, FixedClock), "tests sign in under a test clock"
        return cls(services.accounts, services.second_factors, services.store, services.clock)

    def enrol(self, account: Account) -> tuple[str, ...]:
        return enrol(self.factors, account)

    def code(self, account: Account) -> str:
        return fresh_code(self.store, self.clock, account)

    def pending(self, username: str, password: str, client_address: str | None = None) -> str:
        """The pending token the password step answers with."""
        with pytest.raises(SecondFactorNeeded) as needed:
            self.accounts.login(username, password, client_address)
        assert needed.value.challenge is not None
        return needed.value.challenge.token

    def sign_in(
        self, username: str, password: str, client_address: str | None = None
    ) -> tuple[Principal, str]:
        """A session, through both steps; a person with no factor yet is given their test
        authenticator first, as the people of a deployment enrol at their first sign-in."""
        self.holding(username)
        token = self.pending(username, password, client_address)
        code = self.code(self.accounts.by_username(username))
        signed_in = self.factors.complete(token, code, client_address)
        return signed_in.principal, signed_in.session_token

    def holding(self, username: str) -> Account:
        """The person, holding their test authenticator (enrolled now if they had none)."""
        account = self.accounts.by_username(username)
        if not self.store.second_factors.list(account.id):
            self.enrol(account)
        return account

    def console(self, username: str, password: str) -> Principal:
        """The console's sign-in, the code typed from the person's test authenticator."""
        self.holding(username)
        return self.factors.console_login(
            username, password, lambda account, _methods: self.code(account)
        )


@dataclass
class _ConsoleAuthenticator:
    secret: str
    recovery_codes: list[str]
    last_step: int = -1


_CONSOLE: dict[tuple[str, str], _ConsoleAuthenticator] = {}


def remember_console(
    where: str, username: str, secret: str, recovery_codes: Iterable[str], used_step: int = -1
) -> None:
    """What the person of ``username`` in the database at ``where`` holds, for console codes."""
    _CONSOLE[where, username] = _ConsoleAuthenticator(secret, list(recovery_codes), used_step)


def console_code(where: str, username: str) -> str:
    """A code for a console command of ``username`` in the database at ``where``, at the real
    time: the current step's or the next's (one of the step before might turn too old before the
    command checks it), each once. Where both are used, a recovery code stands in; with none
    left, the next step is waited for."""
    held = _CONSOLE.get((where, username))
    if held is None:  # nobody the tests enrolled there: whatever code, it opens nothing
        return pyotp.TOTP(secret_of(username)).now()
    totp = pyotp.TOTP(held.secret)
    while True:
        current = totp.timecode(datetime.now(UTC))
        step = max(current, held.last_step + 1)
        if step <= current + 1:
            held.last_step = step
            return totp.generate_otp(step)
        if held.recovery_codes:
            return held.recovery_codes.pop()
        time.sleep(0.5)


def enrol_for_console(factors: SecondFactors, account: Account, where: str) -> None:
    """Enrol the person's test authenticator, its recovery codes kept for console codes."""
    codes = enrol(factors, account)
    remember_console(where, account.username, secret_of(account.username), codes)
