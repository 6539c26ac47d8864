"""Legal holds, asked for by an analyst and approved by another person, a supervisor.

Every step (request, approval, release, expiry, and every refusal) is written to the access log,
so an auditor sees who kept which reads past their limit, for which case, and who agreed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TypeVar

from platekeeper.domain.access import AccessOutcome, AccessSink, Actor
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.holds import LegalHold, PlateSpan
from platekeeper.domain.permissions import Permission
from platekeeper.domain.personal_data import refuse_personal_data
from platekeeper.domain.plates import normalise_plate_key
from platekeeper.domain.purposes import CaseNumberFormat
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.stewardship import Independence
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict, InvalidInput, NotFound
from platekeeper.store import Store
from platekeeper.store.selection import SelectedRead, select_reads

T = TypeVar("T")

EXPIRY_ACTOR = Actor("system:retention", "-")
EXPIRY = Person(EXPIRY_ACTOR, frozenset())
"""Who ends a hold whose time ran out: retention itself, with no roles."""
MAX_HOLD_DAYS = 3653
"""A hold runs ten years at most; a longer case renews it."""
SELECT = "holds:select"
"""The log's name for showing the reads picked for a hold."""


Caller = Person
"""The former name of who acts on holds: a ``Person``."""


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
        self._clock = clock
        self._case_numbers = case_numbers
        # Holds ask no purpose: each carries its case number, checked against the format here.
        self._gate = AccessGate(log, clock)

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
            refuse_personal_data(reason, "hold's reason", today=now.date())
            if expires_at > now + timedelta(days=MAX_HOLD_DAYS):
                raise InvalidInput(f"a hold may run {MAX_HOLD_DAYS} days at most")
            self._require_reads(who, read_ids)
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
                access = _hold_access(EXPIRY, Permission.HOLDS_APPROVE, hold)
                self._gate.record(access, AccessOutcome.ALLOWED, "hold expired", hold.read_ids)
                ended.append(hold.expired())
        return ended

    def list(self, who: Caller) -> list[LegalHold]:
        """The holds of the caller's agency, newest first: an access in the log with the reads
        and plates it shows."""
        self._decide(who, Permission.HOLDS_MANAGE, {}, None, lambda: None)
        holds = self._store.legal_holds.list(AgencyScope.of(who.actor).agency_id)
        plates = sorted({hold.plates.plate_key for hold in holds if hold.plates is not None})
        query = {"shown": str(len(holds))} | ({"plates": ",".join(plates)} if plates else {})
        read_ids = tuple(dict.fromkeys(rid for hold in holds for rid in hold.read_ids))
        access = Access(who, Stated(), Permission.HOLDS_MANAGE, query)
        self._gate.allowed(access, read_ids, reason=f"{len(holds)} holds shown")
        return holds

    def selection(self, who: Caller, read_ids: tuple[str, ...]) -> tuple[SelectedRead, ...]:
        """The reads picked for a hold, shown before it is asked for (when and where, never a
        plate): ``NotFound`` naming every id that is no read of the caller's agency. An access
        in the log with the reads shown."""
        query = {"selected": str(len(read_ids))}

        def chosen() -> tuple[SelectedRead, ...]:
            if not read_ids:
                raise InvalidInput(
                    "no reads are selected",
                    hint="Select reads in the search results, then choose to hold them.",
                )
            picked = select_reads(self._store, AgencyScope.of(who.actor), read_ids)
            if picked.missing:
                raise NotFound(
                    f"no such reads in your agency: {', '.join(picked.missing)}",
                    hint="Nothing was held. Select the reads again in the search results.",
                )
            return picked.reads

        access = Access(who, Stated(), Permission.HOLDS_MANAGE, query, step=SELECT)
        reads = self._gate.check(access, lambda _: chosen())
        self._gate.allowed(access, tuple(read.id for read in reads), reason="reads selected")
        return reads

    def _own(self, who: Caller, hold_id: str) -> LegalHold:
        hold = self._store.legal_holds.get(hold_id)
        return AgencyScope.of(who.actor).own(hold, _hold_agency, f"hold {hold_id} does not exist")

    def _require_reads(self, who: Caller, read_ids: tuple[str, ...]) -> None:
        """``NotFound`` naming every id that is no read of the caller's agency: a read of
        another agency is named as one that does not exist, so nothing tells them apart."""
        missing = AgencyScope.of(who.actor).missing(dict.fromkeys(read_ids), self._read_agency)
        if missing:
            raise NotFound(
                f"no such reads in your agency: {', '.join(missing)}",
                hint="A hold keeps your agency's own reads; copy the ids from the search results.",
            )

    def _read_agency(self, read_id: str) -> str | None:
        read = self._store.reads.get(read_id)
        camera = None if read is None else self._store.cameras.get(read.camera_id)
        return None if camera is None else camera.agency_id

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
        """Check the permission and run ``then``; the gate logs any refusal and raises it."""
        access = Access(who, Stated(case_number=case_number), permission, query)
        return self._gate.check(access, lambda _: then())

    def _allowed(self, who: Caller, permission: Permission, hold: LegalHold, reason: str) -> None:
        self._gate.allowed(_hold_access(who, permission, hold), hold.read_ids, reason=reason)


def _hold_agency(hold: LegalHold) -> str:
    return hold.agency_id


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


def _hold_access(who: Person, permission: Permission, hold: LegalHold) -> Access:
    """A step on ``hold`` as the log records it: the hold, its reads or plates, its case."""
    query = _hold_query(hold.id, hold.read_ids, hold.plates)
    return Access(who, Stated(case_number=hold.case_number), permission, query)
