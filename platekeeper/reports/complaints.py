"""The register of complaints about the use of the ALPR system (R36).

A custodian (``incidents:manage``) records a complaint and opens its investigation; an auditor
(``reports:read``) decides it: sustained, not sustained, or closed, with the finding. Both read
the register. Everything stays inside the person's agency (``AgencyScope``): another agency's
complaint reads as one that does not exist. A complaint may name the account complained of,
which must be an account of the agency; that person never moves or decides it. The summary and
the finding go through the personal-data check, as every free-text field does. Each act, and
each refusal, is an entry in the access log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from platekeeper.domain.access import AccessSink
from platekeeper.domain.complaints import Complaint, ComplaintSource, ComplaintStatus
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.domain.personal_data import refuse_personal_data
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict, InvalidInput
from platekeeper.store import Store

RECORD = Permission.INCIDENTS_MANAGE
DECIDE = Permission.REPORTS_READ


class ComplaintRegister:
    def __init__(self, store: Store, log: AccessSink, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._gate = AccessGate(log, clock)

    def record(
        self,
        who: Person,
        *,
        source: ComplaintSource,
        summary: str,
        received_on: date,
        subject: str | None = None,
    ) -> Complaint:
        query = {"source": source.value, "received_on": str(received_on)}
        access = Access(who, Stated(), RECORD, query, step="complaints:record")

        def new(_: object) -> Complaint:
            now = self._clock.now()
            refuse_personal_data(summary, "complaint summary", today=now.date())
            complaint = Complaint(
                id=str(uuid.uuid4()),
                agency_id=who.actor.agency_id,
                source=source,
                summary=summary.strip(),
                received_on=received_on,
                recorded_by=who.actor.username,
                recorded_at=now,
                subject=self._subject(who, subject),
            )
            self._store.complaints.add(complaint)
            return complaint

        complaint = self._gate.check(access, new)
        self._gate.allowed(
            _access(who, RECORD, "complaints:record", complaint.id),
            reason=f"complaint recorded, resolution due {complaint.resolution_due}",
        )
        return complaint

    def investigate(self, who: Person, complaint_id: str) -> Complaint:
        step = "complaints:investigate"
        by = who.actor.username
        return self._change(who, RECORD, step, complaint_id, lambda c: c.investigating(by))

    def decide(
        self, who: Person, complaint_id: str, outcome: ComplaintStatus, finding: str
    ) -> Complaint:
        today = self._clock.now().date()

        def decided(before: Complaint) -> Complaint:
            refuse_personal_data(finding, "complaint finding", today=today)
            return before.decided(who.actor.username, today, outcome, finding)

        return self._change(who, DECIDE, "complaints:decide", complaint_id, decided)

    def list(self, who: Person) -> list[Complaint]:
        permission = DECIDE if DECIDE in permissions_of(who.roles) else RECORD
        access = Access(who, Stated(), permission, {}, step="complaints:list")
        self._gate.check(access)
        found = self._store.complaints.list(AgencyScope.of(who.actor).agency_id)
        self._gate.allowed(access, reason=f"{len(found)} complaints shown")
        return found

    def _subject(self, who: Person, subject: str | None) -> str | None:
        """The account named, checked to be one of the agency's: a misspelt name would let the
        person complained of decide the complaint."""
        if subject is None or not subject.strip():
            return None
        account = self._store.accounts.by_username(subject.strip())
        if account is None or not AgencyScope.of(who.actor).admits(account.agency_id):
            raise InvalidInput(
                f"{subject!r} is not an account of your agency",
                hint="Name the account complained of exactly, or leave it out.",
            )
        return account.username

    def _change(
        self,
        who: Person,
        permission: Permission,
        step: str,
        complaint_id: str,
        change: Callable[[Complaint], Complaint],
    ) -> Complaint:
        access = _access(who, permission, step, complaint_id)

        def changed(_: object) -> Complaint:
            before = AgencyScope.of(who.actor).own(
                self._store.complaints.get(complaint_id),
                lambda c: c.agency_id,
                f"complaint {complaint_id} does not exist",
            )
            after = change(before)
            if not self._store.complaints.update(before, after):
                raise Conflict(f"complaint {complaint_id} changed meanwhile")
            return after

        complaint = self._gate.check(access, changed)
        self._gate.allowed(access, reason=f"complaint {complaint.status.value}")
        return complaint


def _access(who: Person, permission: Permission, step: str, complaint_id: str) -> Access:
    return Access(who, Stated(), permission, {"complaint": complaint_id}, step=step)
