"""Legal holds, asked for by an analyst and approved by another person, a supervisor.

Every step (request, approval, release, expiry, and every refusal) is written to the access log,
so an auditor sees who kept which reads past their limit, for which case, and who agreed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessSink, Actor
from platekeeper.domain.holds import LegalHold, PlateSpan
from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Permission, decide
from platekeeper.domain.plates import normalise_plate_key
from platekeeper.domain.purposes import CaseNumberFormat
from platekeeper.domain.stewardship import Independence
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict, InvalidInput, NotFound, PermissionDenied, PlateKeeperError
from platekeeper.store import Store

T = TypeVar("T")

EXPIRY_ACTOR = Actor("system:retention", "-")
MAX_HOLD_DAYS = 3653
"""A hold runs ten years at most; a longer case renews it."""


class Caller(Protocol):
    """Who acts: ``platekeeper.access.Requester`` fits, as does any value with these fields."""

    @property
    def actor(self) -> Actor: ...
    @property
    def roles(self) -> frozenset[Role]: ...
    @property
    def client_address(self) -> str | None: ...


class HoldService:
    def __init__(
        self,
        store: Store,
        log: AccessSink,
        clock: Clock,
        case_numbers: CaseNumberFormat,
        *,
        independence: Independence | None = None,
    ) -> None:
        self._store = store
        self._independence = independence or Independence(store.account_changes, clock)
        self._log = log
        self._clock = clock
        self._case_numbers = case_numbers

    def request(
        self,
        who: Caller,
        *,
        case_number: str,
        reason: str,
        expires_at: datetime,
        read_ids: tuple[str, ...] = (),
        plates: PlateSpan | None = None,
    ) -> LegalHold:
        query = _hold_query(None, read_ids, plates)
        now = self._clock.now()

        def new_hold() -> LegalHold:
            if not self._case_numbers.accepts(case_number):
                raise InvalidInput(
                    f"case number {case_number!r} is not in the agency's format",
                    hint=f"For example {self._case_numbers.example}.",
                )
            if expires_at > now + timedelta(days=MAX_HOLD_DAYS):
                raise InvalidInput(f"a hold may run {MAX_HOLD_DAYS} days at most")
            return LegalHold(
                id=str(uuid.uuid4()),
                agency_id=who.actor.agency_id,
                case_number=case_number,
                reason=reason,
                requested_by=who.actor.username,
                requested_at=now,
                expires_at=expires_at,
                read_ids=tuple(dict.fromkeys(read_ids)),
                plates=None if plates is None else _normalised(plates),
            )

        hold = self._decide(who, Permission.HOLDS_MANAGE, query, case_number, new_hold)
        self._store.legal_holds.add(hold)
        self._allowed(who, Permission.HOLDS_MANAGE, hold, "hold requested")
        return hold

    def approve(self, who: Caller, hold_id: str) -> LegalHold:
        def approved() -> LegalHold:
            hold = self._own(who, hold_id)
            outcome = hold.approved(who.actor.username, self._clock.now())
            self._independence.require(who.actor.username, hold.requested_by)
            if not self._store.legal_holds.approve(outcome):
                raise Conflict(f"hold {hold_id} was decided by someone else meanwhile")
            return outcome

        return self._change(who, Permission.HOLDS_APPROVE, hold_id, approved, "hold approved")

    def release(self, who: Caller, hold_id: str) -> LegalHold:
        def released() -> LegalHold:
            outcome = self._own(who, hold_id).released(who.actor.username, self._clock.now())
            if not self._store.legal_holds.close(outcome):
                raise Conflict(f"hold {hold_id} was closed by someone else meanwhile")
            return outcome

        return self._change(who, Permission.HOLDS_APPROVE, hold_id, released, "hold released")

    def expire(self) -> list[LegalHold]:
        """Record the end of every hold whose time ran out; the purge then takes its reads."""
        now = self._clock.now()
        ended = []
        # Holds "in force" a hold's longest life ago: every unclosed hold that may have run out.
        for hold in self._store.legal_holds.in_force(now - timedelta(days=MAX_HOLD_DAYS + 1)):
            if hold.expires_at <= now and self._store.legal_holds.close(hold.expired()):
                self._log.record(
                    _event(now, EXPIRY_ACTOR, None, Permission.HOLDS_APPROVE, hold, "hold expired")
                )
                ended.append(hold.expired())
        return ended

    def list(self, who: Caller) -> list[LegalHold]:
        """The holds of the caller's agency, newest first."""
        self._decide(who, Permission.HOLDS_MANAGE, {}, None, lambda: None)
        return self._store.legal_holds.list(who.actor.agency_id)

    def _own(self, who: Caller, hold_id: str) -> LegalHold:
        hold = self._store.legal_holds.get(hold_id)
        if hold is None or hold.agency_id != who.actor.agency_id:
            raise NotFound(f"hold {hold_id} does not exist")
        return hold

    def _change(
        self,
        who: Caller,
        permission: Permission,
        hold_id: str,
        apply: Callable[[], LegalHold],
        reason: str,
    ) -> LegalHold:
        hold = self._decide(who, permission, {"hold_id": hold_id}, None, apply)
        self._allowed(who, permission, hold, reason)
        return hold

    def _decide(
        self,
        who: Caller,
        permission: Permission,
        query: Mapping[str, str],
        case_number: str | None,
        then: Callable[[], T],
    ) -> T:
        """Check the permission and run ``then``; log any refusal with its reason and raise it."""
        try:
            decision = decide(who.roles, permission)
            if not decision.allowed:
                raise PermissionDenied(
                    decision.reason, hint="Ask a custodian if your work needs this permission."
                )
            return then()
        except PlateKeeperError as exc:
            self._log.record(
                AccessEvent(
                    at=self._clock.now(),
                    actor=who.actor,
                    action=permission.value,
                    outcome=AccessOutcome.DENIED,
                    reason=exc.message,
                    query=query,
                    case_number=case_number,
                    client_address=who.client_address,
                )
            )
            raise

    def _allowed(self, who: Caller, permission: Permission, hold: LegalHold, reason: str) -> None:
        granted = decide(who.roles, permission).reason
        self._log.record(
            _event(
                self._clock.now(), who.actor, who.client_address, permission, hold,
                f"{granted}; {reason}",
            )
        )  # fmt: skip


def _normalised(span: PlateSpan) -> PlateSpan:
    return PlateSpan(normalise_plate_key(span.plate_key), span.captured_from, span.captured_before)


def _hold_query(
    hold_id: str | None, read_ids: tuple[str, ...], plates: PlateSpan | None
) -> dict[str, str]:
    query = {} if hold_id is None else {"hold_id": hold_id}
    if plates is not None:
        query["plate"] = plates.plate_key
        query["captured_from"] = plates.captured_from.isoformat()
        query["captured_before"] = plates.captured_before.isoformat()
    return query


def _event(  # noqa: PLR0917 - a private helper; its call sites read plainly
    at: datetime,
    actor: Actor,
    client_address: str | None,
    permission: Permission,
    hold: LegalHold,
    reason: str,
) -> AccessEvent:
    return AccessEvent(
        at=at,
        actor=actor,
        action=permission.value,
        outcome=AccessOutcome.ALLOWED,
        reason=reason,
        query=_hold_query(hold.id, hold.read_ids, hold.plates),
        read_ids=hold.read_ids,
        case_number=hold.case_number,
        client_address=client_address,
    )
