"""Moves committed pages from the write-ahead log into the database file, off the writer's path.

SQLite's automatic checkpoint runs inside the commit that crosses the threshold, so the writer
(and the camera waiting on it) pays for copying pages. Here a thread of its own does that work
with a PASSIVE checkpoint, which never blocks readers or the writer; on a machine with a second
core, ingest goes on meanwhile.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

IDLE_CHECK_S = 5.0


class Checkpointer:
    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connection = connect()
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
                self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error as exc:
                log.warning("checkpoint failed, retrying later: %s", exc)
