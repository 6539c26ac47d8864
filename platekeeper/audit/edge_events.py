"""Accesses made on an edge agent's page, entered in the access log when the agent connects.

The agent decides each access with the same gate as the server and queues it on its disk; here
each is entered under the person's name, marked as reported by the camera (its client address
is ``edge:<camera>``, its query names the camera, the agent's own event id and its time). The
server checks what it can: the person is an account of the camera's agency and the action is
one the page performs. An event already entered (the agent resent it after losing the answer)
is not entered again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from platekeeper.domain import Camera
from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessSink, Actor
from platekeeper.domain.permissions import Permission
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import FieldError, InvalidInput
from platekeeper.store import Store

PAGE_ACTIONS = frozenset({Permission.ALERTS_VIEW.value, Permission.ALERTS_VERIFY.value})
SIGNED_IN_WITH = "api-token@edge"


@dataclass(frozen=True, slots=True)
class EdgeEvent:
    id: str
    at: datetime
    username: str
    action: str
    outcome: AccessOutcome
    reason: str
    query: Mapping[str, str] = field(default_factory=dict)
    purpose_code: str | None = None
    case_number: str | None = None


class EdgeAccessEvents:
    def __init__(self, store: Store, log: AccessSink, clock: Clock) -> None:
        self._store = store
        self._log = log
        self._clock = clock

    def enter(self, camera: Camera, events: Sequence[EdgeEvent]) -> int:
        """Enter ``events`` reported by ``camera``; how many were new. All are checked first:
        one that cannot be entered refuses the request, and nothing is entered."""
        actors = self._actors(camera, events)
        entered = 0
        for event in events:
            if self._store.edge_events.entered(event.id):
                continue
            self._log.record(self._access_event(camera, event, actors[event.username]))
            entered += self._store.edge_events.enter(event.id, camera.id, self._clock.now())
        return entered

    def _actors(self, camera: Camera, events: Sequence[EdgeEvent]) -> dict[str, Actor]:
        scope = AgencyScope.of(camera)
        actors: dict[str, Actor] = {}
        problems: list[FieldError] = []
        for index, event in enumerate(events):
            account = self._store.accounts.by_username(event.username)
            if account is None or not scope.admits(account.agency_id):
                problems.append(FieldError(f"events.{index}.username", "no such person here"))
                continue
            if event.action not in PAGE_ACTIONS:
                problems.append(FieldError(f"events.{index}.action", "not an action of the page"))
                continue
            actors[event.username] = Actor(account.username, account.agency_id, SIGNED_IN_WITH)
        if problems:
            raise InvalidInput(
                f"{len(problems)} access event(s) cannot be entered; none was",
                hint="The agent's page admits only the agency's own people.",
                fields=problems,
            )
        return actors

    def _access_event(self, camera: Camera, event: EdgeEvent, actor: Actor) -> AccessEvent:
        query = {
            **event.query,
            "edge_camera": camera.id,
            "edge_event": event.id,
            "at_agent": event.at.isoformat(),
        }
        return AccessEvent(
            at=self._clock.now(),
            actor=actor,
            action=event.action,
            outcome=event.outcome,
            reason=f"on edge agent {camera.id}: {event.reason}",
            query=query,
            purpose_code=event.purpose_code,
            case_number=event.case_number,
            client_address=f"edge:{camera.id}",
        )
