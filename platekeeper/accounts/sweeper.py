"""The daily sweep of accounts while the server runs (CJIS AC-2(3)).

An account suspends itself when it is next used after lapsing (idle ``accounts.max_idle_days``,
training expired); nobody uses an account that was left behind, so this loop suspends it within
a day, logged as the system's act, and keeps the account list honest about who can sign in.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Protocol

from platekeeper.background import BackgroundLoop
from platekeeper.domain.people import Account, SuspensionReason

logger = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(days=1)
"""CJIS disables an inactive account within a week; a daily round keeps it within a day."""


class Sweeping(Protocol):
    def sweep(self) -> list[tuple[Account, SuspensionReason]]: ...


class AccountSweeper:
    """Runs ``accounts.sweep()`` at start and every ``interval`` after; a failed round (the
    database away) is logged and the next one tries again."""

    def __init__(self, accounts: Sweeping, interval: timedelta = SWEEP_EVERY) -> None:
        self._accounts = accounts
        self.interval = interval
        self._loop = BackgroundLoop(
            "account-sweep",
            self._sweep,
            interval_s=interval.total_seconds(),
            log=logger,
            failure="account sweep failed",
        )

    def start(self) -> None:
        self._loop.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._loop.stop(timeout_s)

    def tick(self) -> None:
        """One round now, in the caller's thread; a failure is logged, not raised."""
        self._loop.run_once()

    def _sweep(self) -> None:
        for account, reason in self._accounts.sweep():
            logger.info("suspended account %s: %s", account.username, reason.value)
