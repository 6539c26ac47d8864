"""The register of public-records (CPRA) requests for ALPR records.

Each request is recorded with its requester and the day it was received, which starts the
10-day clock (Gov. Code 7922.535); a custodian may extend it once, with the reason, and answers
with the exemptions claimed (a closed list with citations, ``domain/records_requests.py``) and
the figures released. Only aggregate figures are released, and only the transparency counts
the caller hands in (``available``): a response cannot carry a read or a plate.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date

from platekeeper.domain.access import AccessSink
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.permissions import Permission
from platekeeper.domain.records_requests import (
    Exemption,
    RecordsRequest,
    select_figures,
)
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict
from platekeeper.store import Store


class RecordsRegister:
    def __init__(self, store: Store, log: AccessSink, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._gate = AccessGate(log, clock)

    def record(
        self, who: Person, *, requester: str, description: str, received_on: date
    ) -> RecordsRequest:
        access = Access(
            who,
            Stated(),
            Permission.RECORDS_REQUESTS_MANAGE,
            {"received_on": str(received_on)},
            step="records-requests:record",
        )

        def new(_: object) -> RecordsRequest:
            return RecordsRequest(
                id=str(uuid.uuid4()),
                agency_id=who.actor.agency_id,
                requester=requester,
                description=description,
                received_on=received_on,
                recorded_by=who.actor.username,
                recorded_at=self._clock.now(),
            )

        request = self._gate.check(access, new)
        self._store.records_requests.add(request)
        self._gate.allowed(
            _access(who, "records-requests:record", request.id),
            reason=f"request recorded, response due {request.response_due}",
        )
        return request

    def extend(self, who: Person, request_id: str, reason: str) -> RecordsRequest:
        today = self._clock.now().date()
        return self._change(
            who, request_id, "records-requests:extend", lambda r: r.with_extension(reason, today)
        )

    def respond(
        self,
        who: Person,
        request_id: str,
        *,
        response: str,
        exemptions: tuple[Exemption, ...],
        figures: tuple[str, ...],
        available: Mapping[str, int],
    ) -> RecordsRequest:
        """Close the request with ``response``: the exemptions claimed and the figures of
        ``available`` (the transparency counts) that ``figures`` names."""
        today = self._clock.now().date()
        release = select_figures(available, figures)
        return self._change(
            who,
            request_id,
            "records-requests:respond",
            lambda r: r.responded(
                who.actor.username,
                today,
                response=response,
                exemptions=exemptions,
                release=release,
            ),
        )

    def withdraw(self, who: Person, request_id: str) -> RecordsRequest:
        today = self._clock.now().date()
        return self._change(
            who,
            request_id,
            "records-requests:withdraw",
            lambda r: r.withdrawn(who.actor.username, today),
        )

    def list(self, who: Person) -> list[RecordsRequest]:
        access = Access(
            who, Stated(), Permission.RECORDS_REQUESTS_MANAGE, {}, step="records-requests:list"
        )
        self._gate.check(access)
        requests = self._store.records_requests.list(AgencyScope.of(who.actor).agency_id)
        self._gate.allowed(access, reason=f"{len(requests)} requests shown")
        return requests

    def _change(
        self,
        who: Person,
        request_id: str,
        step: str,
        change: Callable[[RecordsRequest], RecordsRequest],
    ) -> RecordsRequest:
        access = _access(who, step, request_id)

        def changed(_: object) -> RecordsRequest:
            before = AgencyScope.of(who.actor).own(
                self._store.records_requests.get(request_id),
                lambda r: r.agency_id,
                f"records request {request_id} does not exist",
            )
            after = change(before)
            if not self._store.records_requests.update(after):
                raise Conflict(f"records request {request_id} was closed meanwhile")
            return after

        request = self._gate.check(access, changed)
        self._gate.allowed(access, reason=f"request {request.status.value}")
        return request


def _access(who: Person, step: str, request_id: str) -> Access:
    return Access(
        who,
        Stated(),
        Permission.RECORDS_REQUESTS_MANAGE,
        {"records_request": request_id},
        step=step,
    )
