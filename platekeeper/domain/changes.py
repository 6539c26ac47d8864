"""Changes that write themselves to the access log: refused with the reason, or done with what
they did. The services that change things (hot lists, cameras) share this one way of logging."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessSink, Actor
from platekeeper.domain.time import Clock
from platekeeper.errors import PlateKeeperError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LoggedChange:
    """One change as the access log records it: who, which action, about what."""

    actor: Actor
    action: str
    query: Mapping[str, str] = field(default_factory=dict)
    client_address: str | None = None
    case_number: str | None = None


class ChangeLog:
    def __init__(self, sink: AccessSink, clock: Clock) -> None:
        self._sink = sink
        self._clock = clock

    def refusals(self, change: LoggedChange, act: Callable[[], T]) -> T:
        """``act()``; if it raises a ``PlateKeeperError``, that refusal is logged first."""
        try:
            return act()
        except PlateKeeperError as exc:
            self.record(change, AccessOutcome.DENIED, exc.message)
            raise

    def logged(self, change: LoggedChange, act: Callable[[], T], describe: Callable[[T], str]) -> T:
        """``act()``, logged as refused or as done, described by ``describe`` of its result."""
        result = self.refusals(change, act)
        self.record(change, AccessOutcome.ALLOWED, describe(result))
        return result

    def record(self, change: LoggedChange, outcome: AccessOutcome, reason: str) -> None:
        self._sink.record(
            AccessEvent(
                at=self._clock.now(),
                actor=change.actor,
                action=change.action,
                outcome=outcome,
                reason=reason,
                query=change.query,
                case_number=change.case_number,
                client_address=change.client_address,
            )
        )
