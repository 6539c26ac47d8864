"""A background thread that signs access-log checkpoints while the server runs."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

logger = logging.getLogger(__name__)


class Checkpointing(Protocol):
    def checkpoint(self) -> object: ...


class PeriodicCheckpointer:
    """Calls ``log.checkpoint()`` every ``interval_s`` seconds, and once more at ``stop()`` so
    that the entries of the last minutes before a shutdown are signed too."""

    def __init__(self, log: Checkpointing, interval_s: float) -> None:
        self._log = log
        self._interval_s = interval_s
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._run, name="access-log-checkpointer", daemon=True
        )
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        if self._thread is None:
            return
        self._stopping.set()
        self._thread.join(timeout_s)
        self._thread = None
        self._tick()

    def _run(self) -> None:
        while not self._stopping.wait(self._interval_s):
            self._tick()

    def _tick(self) -> None:
        # A failed checkpoint (database away, damaged chain) must not end the thread: the next
        # interval tries again, and the error is in the log for the custodian.
        try:
            self._log.checkpoint()
        except Exception:
            logger.exception("access log checkpoint failed")
