"""The account events written to the access log: one per login, logout and account change."""

from __future__ import annotations

from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessSink, Actor
from platekeeper.domain.people import Account
from platekeeper.domain.time import Clock


def actor_of(account: Account, signed_in_with: str | None = None) -> Actor:
    """The account's person as the log names them; ``signed_in_with`` once they signed in."""
    return Actor(account.username, account.agency_id, signed_in_with)


class AccountEvents:
    """Writes events with the clock's time. The account an event concerns goes in its query as
    ``username``; passwords and tokens never go anywhere."""

    def __init__(self, sink: AccessSink, clock: Clock) -> None:
        self._sink = sink
        self._clock = clock

    def allowed(
        self,
        actor: Actor,
        action: str,
        reason: str,
        *,
        username: str | None = None,
        client_address: str | None = None,
    ) -> None:
        self._record(
            actor,
            action,
            AccessOutcome.ALLOWED,
            reason,
            username=username,
            client_address=client_address,
        )

    def denied(
        self,
        actor: Actor,
        action: str,
        reason: str,
        *,
        username: str | None = None,
        client_address: str | None = None,
    ) -> None:
        self._record(
            actor,
            action,
            AccessOutcome.DENIED,
            reason,
            username=username,
            client_address=client_address,
        )

    def _record(
        self,
        actor: Actor,
        action: str,
        outcome: AccessOutcome,
        reason: str,
        *,
        username: str | None,
        client_address: str | None,
    ) -> None:
        event = AccessEvent(
            at=self._clock.now(),
            actor=actor,
            action=action,
            outcome=outcome,
            reason=reason,
            query={} if username is None else {"username": username},
            client_address=client_address,
        )
        self._sink.record(event)
