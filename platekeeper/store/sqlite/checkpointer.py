"""Moves committed pages from the write-ahead log into the database file, off the writer's path.

SQLite's automatic checkpoint runs inside the commit that crosses the threshold, so the writer
(and the camera waiting on it) pays for copying pages. Here a thread of its own does that work
with a PASSIVE checkpoint, which never blocks readers or the writer; on a machine with a second
core, ingest goes on meanwhile.

Under sustained writes a passive checkpoint never reaches the end of the log, and SQLite only
starts the log over once one has: the file would grow without bound, and every page lookup with
it. So when the log passes ``RESTART_FRAMES``, the checkpointer catches up as far as it can
and then holds the writer back (it takes the store's write lock) for one RESTART checkpoint of
what is left, after which the next write starts the log from its beginning.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

IDLE_CHECK_S = 5.0
RESTART_FRAMES = 65_536
"""About 256 MiB of log with 4 KiB pages."""
CATCH_UP_FRAMES = 2_048
CATCH_UP_ROUNDS = 8


class Checkpointer:
    def __init__(
        self, connect: Callable[[], sqlite3.Connection], write_lock: threading.Lock
    ) -> None:
        self._connection = connect()
        self._write_lock = write_lock
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpointer", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """Say that a transaction committed; the next checkpoint starts soon after."""
        self._wake.set()

    def stop(self) -> None:
        """Checkpoint everything, empty the log file and end the thread."""
        self._stopping = True
        self._wake.set()
        self._thread.join()
        try:
            self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:  # another connection still reads; SQLite finishes later
            log.debug("final checkpoint deferred: %s", exc)
        self._connection.close()

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(IDLE_CHECK_S)
            self._wake.clear()
            if self._stopping:
                return
            try:
                self._checkpoint()
            except sqlite3.Error as exc:
                log.warning("checkpoint failed, retrying later: %s", exc)

    def _checkpoint(self) -> None:
        log_frames, copied = self._passive()
        if log_frames <= RESTART_FRAMES:
            return
        # Copy while the writer goes on until little is left, so that it waits only for that.
        for _ in range(CATCH_UP_ROUNDS):
            if log_frames - copied <= CATCH_UP_FRAMES:
                break
            log_frames, copied = self._passive()
        with self._write_lock:
            self._connection.execute("PRAGMA wal_checkpoint(RESTART)")

    def _passive(self) -> tuple[int, int]:
        _, log_frames, copied = self._connection.execute(
            "PRAGMA wal_checkpoint(PASSIVE)"
        ).fetchone()
        return log_frames, copied
