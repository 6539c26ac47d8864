"""Requests for, and decisions on, searches that reach further back than the agency allows alone.

Requests and decisions are themselves written to the access log: an auditor sees who asked to
reach back, why, and who agreed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

from platekeeper.access.requests import Basis, Requester
from platekeeper.config import AccessSettings
from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessSink
from platekeeper.domain.approvals import ApprovalStatus, SearchApproval
from platekeeper.domain.permissions import Permission, decide
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict, NotFound, PermissionDenied, PlateKeeperError
from platekeeper.store import Store


class ApprovalDesk:
    def __init__(
        self, store: Store, log: AccessSink, clock: Clock, settings: AccessSettings
    ) -> None:
        self._store = store
        self._log = log
        self._clock = clock
        self._settings = settings
        self._catalogue = settings.catalogue()

    def request(
        self,
        who: Requester,
        basis: Basis,
        captured_from: datetime,
        captured_before: datetime,
        justification: str,
    ) -> SearchApproval:
        action = Permission.SEARCHES_REQUEST_APPROVAL
        query = {
            "captured_from": captured_from.isoformat(),
            "captured_before": captured_before.isoformat(),
        }
        try:
            self._require(who, action)
            stated = self._catalogue.state(basis.purpose_code, basis.case_number)
            approval = SearchApproval(
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
        except PlateKeeperError as exc:
            self._record(
                who,
                action=action,
                outcome=AccessOutcome.DENIED,
                reason=exc.message,
                query=query,
                basis=basis,
            )
            raise
        self._store.approvals.add(approval)
        self._record(
            who,
            action=action,
            outcome=AccessOutcome.ALLOWED,
            reason="request recorded",
            query={**query, "approval_id": approval.id},
            basis=basis,
        )
        return approval

    def pending(self, who: Requester) -> list[SearchApproval]:
        """Requests waiting for a decision, in the supervisor's own agency."""
        self._require_logged(who, Permission.SEARCHES_APPROVE, {})
        return [
            approval
            for approval in self._store.approvals.list(ApprovalStatus.PENDING)
            if approval.agency_id == who.actor.agency_id
        ]

    def decide(self, who: Requester, approval_id: str, *, approve: bool) -> SearchApproval:
        action = Permission.SEARCHES_APPROVE
        query = {"approval_id": approval_id, "decision": "approve" if approve else "deny"}
        approval = self._store.approvals.get(approval_id)
        basis = Basis(
            None if approval is None else approval.purpose_code,
            None if approval is None else approval.case_number,
        )
        try:
            self._require(who, action)
            if approval is None or approval.agency_id != who.actor.agency_id:
                raise NotFound(f"approval {approval_id} does not exist")
            decided = approval.decided(
                who.actor.username,
                approve,
                self._clock.now(),
                timedelta(hours=self._settings.approval_valid_hours),
            )
            if not self._store.approvals.decide(decided):
                raise Conflict(f"approval {approval_id} was decided by someone else meanwhile")
        except PlateKeeperError as exc:
            self._record(
                who,
                action=action,
                outcome=AccessOutcome.DENIED,
                reason=exc.message,
                query=query,
                basis=basis,
            )
            raise
        self._record(
            who,
            action=action,
            outcome=AccessOutcome.ALLOWED,
            reason=decided.status.value,
            query=query,
            basis=basis,
        )
        return decided

    def _require(self, who: Requester, action: Permission) -> None:
        decision = decide(who.roles, action)
        if not decision.allowed:
            raise PermissionDenied(decision.reason)

    def _require_logged(self, who: Requester, action: Permission, query: Mapping[str, str]) -> None:
        try:
            self._require(who, action)
        except PermissionDenied as exc:
            self._record(
                who,
                action=action,
                outcome=AccessOutcome.DENIED,
                reason=exc.message,
                query=query,
                basis=Basis(None, None),
            )
            raise

    def _record(
        self,
        who: Requester,
        *,
        action: Permission,
        outcome: AccessOutcome,
        reason: str,
        query: Mapping[str, str],
        basis: Basis,
    ) -> None:
        self._log.record(
            AccessEvent(
                at=self._clock.now(),
                actor=who.actor,
                action=action.value,
                outcome=outcome,
                reason=reason,
                query=query,
                purpose_code=basis.purpose_code,
                case_number=basis.case_number,
                client_address=who.client_address,
            )
        )
