"""Requests for, and decisions on, searches that reach further back than the agency allows alone.

Requests and decisions are themselves written to the access log: an auditor sees who asked to
reach back, why, and who agreed.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from platekeeper.access.requests import Basis
from platekeeper.config import AccessSettings
from platekeeper.domain.access import AccessSink
from platekeeper.domain.approvals import ApprovalStatus, SearchApproval
from platekeeper.domain.gate import Access, AccessGate, Person
from platekeeper.domain.permissions import Permission
from platekeeper.domain.personal_data import refuse_personal_data
from platekeeper.domain.purposes import StatedPurpose
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.stewardship import Independence
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict, NotFound
from platekeeper.store import Store


class ApprovalDesk:
    def __init__(
        self,
        store: Store,
        log: AccessSink,
        clock: Clock,
        settings: AccessSettings,
        *,
        independence: Independence | None = None,
    ) -> None:
        self._store = store
        self._independence = independence or Independence(store.account_changes, clock)
        self._clock = clock
        self._settings = settings
        self._gate = AccessGate(log, clock, settings.catalogue())

    def request(
        self,
        who: Person,
        basis: Basis,
        captured_from: datetime,
        captured_before: datetime,
        justification: str,
    ) -> SearchApproval:
        query = {
            "captured_from": captured_from.isoformat(),
            "captured_before": captured_before.isoformat(),
        }
        access = Access(who, basis, Permission.SEARCHES_REQUEST_APPROVAL, query)

        def new_request(_: StatedPurpose | None) -> SearchApproval:
            refuse_personal_data(justification, "justification", today=self._clock.now().date())
            # The purpose is checked here, not by the gate: asking is not yet looking.
            stated = self._gate.catalogue.state(basis.purpose_code, basis.case_number)
            return SearchApproval(
                id=str(uuid.uuid4()),
                requested_by=who.actor.username,
                agency_id=who.actor.agency_id,
                purpose_code=stated.purpose.code,
                case_number=stated.case_number,
                justification=justification,
                captured_from=captured_from,
                captured_before=captured_before,
                requested_at=self._clock.now(),
            )

        approval = self._gate.check(access, new_request)
        self._store.approvals.add(approval)
        self._gate.allowed(
            Access(who, basis, access.action, {**query, "approval_id": approval.id}),
            reason="request recorded",
        )
        return approval

    def pending(self, who: Person) -> list[SearchApproval]:
        """Requests waiting for a decision, in the supervisor's own agency."""
        self._gate.check(Access(who, Basis(None, None), Permission.SEARCHES_APPROVE, {}))
        # The store is asked for the agency's requests only: another agency's never come back.
        agency_id = AgencyScope.of(who.actor).agency_id
        return self._store.approvals.list(agency_id, ApprovalStatus.PENDING)

    def decide(self, who: Person, approval_id: str, *, approve: bool) -> SearchApproval:
        approval = self._store.approvals.get(approval_id)
        if approval is not None and not AgencyScope.of(who.actor).admits(approval.agency_id):
            approval = None  # another agency's request is answered as one that does not exist
        basis = Basis(
            None if approval is None else approval.purpose_code,
            None if approval is None else approval.case_number,
        )
        query = {"approval_id": approval_id, "decision": "approve" if approve else "deny"}
        access = Access(who, basis, Permission.SEARCHES_APPROVE, query)

        def decided(_: StatedPurpose | None) -> SearchApproval:
            if approval is None:
                raise NotFound(f"approval {approval_id} does not exist")
            outcome = approval.decided(
                who.actor.username,
                approve,
                self._clock.now(),
                timedelta(hours=self._settings.approval_valid_hours),
            )
            if approve:
                self._independence.require(who.actor.username, approval.requested_by)
            if not self._store.approvals.decide(outcome):
                raise Conflict(f"approval {approval_id} was decided by someone else meanwhile")
            return outcome

        outcome = self._gate.check(access, decided)
        self._gate.allowed(access, reason=outcome.status.value)
        return outcome
