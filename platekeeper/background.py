"""One background loop: a daemon thread that does a piece of work over and over until stopped.

The server's schedulers (hot-list refreshes, the retention purge, access-log checkpoints) and the
alert outbox's delivery worker each run on one. A round that raises is logged and the loop goes
on: the database may be away for a while, and the next round tries again. ``stop`` lets the
round in hand finish and joins the thread.

It imports nothing of PlateKeeper, so every layer above the domain may use it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

Round = Callable[[], float | None]
"""One round of work; it returns how many seconds to wait before the next round, or None for
the loop's interval (0 goes again at once)."""


class BackgroundLoop:
    """Runs ``work`` on a daemon thread named ``name`` every ``interval_s`` seconds until
    stopped: the first time at ``start`` or, with ``first_at_once=False``, one interval later.

    ``wakeup``, when given, is an event that others set to cut a wait short (new work has come);
    ``wake()`` sets it too. A round that raises is logged on ``log`` as ``failure`` with its
    traceback, and the loop waits its interval before the next one.
    """

    def __init__(
        self,
        name: str,
        work: Round,
        *,
        interval_s: float,
        log: logging.Logger,
        failure: str,
        first_at_once: bool = True,
        wakeup: threading.Event | None = None,
    ) -> None:
        self._name = name
        self._work = work
        self._interval_s = interval_s
        self._log = log
        self._failure = failure
        self._first_at_once = first_at_once
        self._wakeup = wakeup or threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def stopping(self) -> bool:
        """Whether ``stop`` was called: long work checks it between its steps."""
        return self._stopping.is_set()

    def start(self) -> None:
        """Start the thread; a loop already running is left alone."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float) -> bool:
        """Stop after the round in hand, waiting for it up to ``timeout_s`` seconds; whether the
        loop was running."""
        thread = self._thread
        if thread is None:
            return False
        self._stopping.set()
        self._wakeup.set()
        thread.join(timeout_s)
        self._thread = None
        return True

    def wake(self) -> None:
        """Cut the current wait short: the next round starts now."""
        self._wakeup.set()

    def run_once(self) -> float:
        """One round in the caller's thread, a failure logged; the seconds to wait after it."""
        try:
            wait_s = self._work()
        except Exception:  # the loop must outlive a bad round; the next one tries again
            self._log.exception(self._failure)
            return self._interval_s
        return self._interval_s if wait_s is None else wait_s

    def _run(self) -> None:
        wait_s = 0.0 if self._first_at_once else self._interval_s
        while True:
            # Cleared before the round, so a wake-up during it cuts the next wait short; stop()
            # sets the event after the flag, so a stop during the round is not slept through.
            if wait_s > 0 and not self._stopping.is_set():
                self._wakeup.wait(wait_s)
            if self._stopping.is_set():
                return
            self._wakeup.clear()
            wait_s = self.run_once()
