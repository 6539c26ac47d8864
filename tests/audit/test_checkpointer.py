"""The server's checkpointer: signs on its interval, once more at stop, survives failures."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from platekeeper.audit import PeriodicCheckpointer


class CountingLog:
    def __init__(self, fail: bool = False) -> None:
        self.calls = 0
        self.fail = fail
        self.called = threading.Event()
        self.listeners: list[Callable[[object], None]] = []

    def watch(self, listener: Callable[[object], None]) -> None:
        self.listeners.append(listener)

    def append(self, count: int) -> None:
        for _ in range(count):
            for listener in self.listeners:
                listener(object())

    def checkpoint(self) -> None:
        self.calls += 1
        self.called.set()
        if self.fail:
            raise RuntimeError("database away")


def test_it_signs_on_its_interval_and_at_stop() -> None:
    log = CountingLog()
    checkpointer = PeriodicCheckpointer(log, interval_s=0.01)
    checkpointer.start()
    assert log.called.wait(5)
    checkpointer.stop()
    after_stop = log.calls
    assert after_stop >= 2
    checkpointer.stop()
    assert log.calls == after_stop


def test_a_failing_checkpoint_is_logged_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    log = CountingLog(fail=True)
    checkpointer = PeriodicCheckpointer(log, interval_s=3600)
    checkpointer.start()
    checkpointer.stop()
    assert log.calls == 1
    assert "access log checkpoint failed" in caplog.text


def test_it_signs_as_soon_as_enough_entries_were_appended() -> None:
    log = CountingLog()
    checkpointer = PeriodicCheckpointer(log, interval_s=3600, every_entries=5)
    checkpointer.start()
    try:
        log.append(4)
        assert not log.called.wait(0.2)  # four is not enough, and the hour is far off
        log.append(1)
        assert log.called.wait(5)
        assert log.calls == 1
    finally:
        checkpointer.stop()
