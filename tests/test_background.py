"""The background loop under the schedulers: timing of rounds, failures, wake-ups and stop."""

from __future__ import annotations

import logging
import threading

import pytest

from platekeeper.background import BackgroundLoop

logger = logging.getLogger(__name__)
LONG_S = 3600.0
"""An interval longer than any test: a round that comes anyway came for another reason."""


class Rounds:
    def __init__(self, fail: bool = False, wait_s: float | None = None) -> None:
        self.count = 0
        self.fail = fail
        self.wait_s = wait_s
        self.called = threading.Event()

    def __call__(self) -> float | None:
        self.count += 1
        self.called.set()
        if self.fail:
            raise RuntimeError("database away")
        return self.wait_s


def loop_of(
    rounds: Rounds, interval_s: float = LONG_S, *, first_at_once: bool = True
) -> BackgroundLoop:
    return BackgroundLoop(
        "test-loop",
        rounds,
        interval_s=interval_s,
        log=logger,
        failure="test round failed",
        first_at_once=first_at_once,
    )


def test_the_first_round_comes_at_start_then_every_interval() -> None:
    rounds = Rounds()
    loop = loop_of(rounds, interval_s=0.01)
    loop.start()
    assert rounds.called.wait(5)
    rounds.called.clear()
    assert rounds.called.wait(5), "a second round after the interval"
    assert loop.stop(5) is True


def test_the_first_round_may_wait_an_interval() -> None:
    rounds = Rounds()
    loop = loop_of(rounds, first_at_once=False)
    loop.start()
    assert loop.stop(5) is True
    assert rounds.count == 0


def test_a_failing_round_is_logged_and_the_loop_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    rounds = Rounds(fail=True)
    loop = loop_of(rounds, interval_s=0.01)
    loop.start()
    assert rounds.called.wait(5)
    rounds.called.clear()
    assert rounds.called.wait(5), "the thread outlived the failure"
    loop.stop(5)
    assert "test round failed" in caplog.text
    assert "RuntimeError: database away" in caplog.text


def test_run_once_logs_a_failure_and_answers_the_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    loop = loop_of(Rounds(fail=True), interval_s=7.0)
    assert loop.run_once() == 7.0
    assert "test round failed" in caplog.text
    assert loop_of(Rounds(wait_s=0.5)).run_once() == 0.5


def test_a_wake_up_cuts_the_wait_short() -> None:
    rounds = Rounds()
    wakeup = threading.Event()
    loop = BackgroundLoop(
        "test-loop", rounds, interval_s=LONG_S, log=logger, failure="x", wakeup=wakeup
    )
    loop.start()
    assert rounds.called.wait(5)
    rounds.called.clear()
    wakeup.set()
    assert rounds.called.wait(5), "woken by the shared event"
    rounds.called.clear()
    loop.wake()
    assert rounds.called.wait(5), "woken by wake()"
    loop.stop(5)


def test_stop_waits_for_the_round_in_hand_and_ends_the_thread() -> None:
    started = threading.Event()
    finish = threading.Event()
    seen_stopping: list[bool] = []

    def slow_round() -> None:
        started.set()
        finish.wait(5)
        seen_stopping.append(loop.stopping)

    loop = BackgroundLoop("test-loop", slow_round, interval_s=LONG_S, log=logger, failure="x")
    loop.start()
    assert started.wait(5)
    threading.Timer(0.05, finish.set).start()
    assert loop.stop(5) is True
    assert seen_stopping == [True], "the round saw the stop and was let finish"
    assert not any(thread.name == "test-loop" for thread in threading.enumerate())
    assert loop.stop(5) is False, "a stopped loop says it was not running"


def test_a_stopped_loop_starts_again() -> None:
    rounds = Rounds()
    loop = loop_of(rounds)
    loop.start()
    assert rounds.called.wait(5)
    loop.stop(5)
    rounds.called.clear()
    loop.start()
    assert rounds.called.wait(5)
    loop.stop(5)
    assert rounds.count == 2
