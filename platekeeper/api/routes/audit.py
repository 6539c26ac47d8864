"""The access log for auditors: entries, misuse signals, verification and checkpoints.

Auditors read the log but never plate data through the look-ups. Every read of the log is
itself an entry of the log (action ``audit:read``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from platekeeper.audit import MisuseSignal, SignalKind, VerificationReport
from platekeeper.audit.redaction import without_plates
from platekeeper.domain.access import AccessOutcome, AccessRecord
from platekeeper.domain.permissions import Permission
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services
from platekeeper.store.protocols import AccessFilter

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in.", "content": {"application/problem+json": {}}},
    403: {"description": "Not an auditor.", "content": {"application/problem+json": {}}},
}
MAX_ENTRIES_PER_SIGNAL = 50


class AccessEntry(BaseModel):
    seq: int
    at: datetime
    username: str
    agency_id: str
    action: str
    outcome: AccessOutcome
    reason: str
    query: dict[str, str]
    read_ids: list[str]
    image_refs: list[str]
    purpose: str | None
    case_number: str | None
    client_address: str | None
    prev_hash: str
    entry_hash: str

    @classmethod
    def of(cls, record: AccessRecord) -> AccessEntry:
        # Auditors check who looked and why, not which cars: plate values are withheld here as
        # on the access-log page; the hashes are those of the stored, complete entry.
        event = without_plates(record.event)
        return cls(
            seq=record.seq,
            at=event.at,
            username=event.actor.username,
            agency_id=event.actor.agency_id,
            action=event.action,
            outcome=event.outcome,
            reason=event.reason,
            query=dict(event.query),
            read_ids=list(event.read_ids),
            image_refs=list(event.image_refs),
            purpose=event.purpose_code,
            case_number=event.case_number,
            client_address=event.client_address,
            prev_hash=record.prev_hash,
            entry_hash=record.entry_hash,
        )


class AccessEntries(BaseModel):
    entries: list[AccessEntry]


class Signal(BaseModel):
    kind: SignalKind
    username: str
    summary: str
    entries: list[AccessEntry] = Field(description="The entries behind the signal, oldest first.")


class Signals(BaseModel):
    signals: list[Signal]


class Verification(BaseModel):
    intact: bool
    summary: str
    entries_checked: int
    checkpoints_checked: int
    problem_kind: str | None
    problem_seq: int | None

    @classmethod
    def of(cls, report: VerificationReport) -> Verification:
        problem = report.first_problem
        return cls(
            intact=report.intact,
            summary=report.summary(),
            entries_checked=report.entries_checked,
            checkpoints_checked=report.checkpoints_checked,
            problem_kind=None if problem is None else problem.kind.value,
            problem_seq=None if problem is None else problem.seq,
        )


def _log_reading(services: Services, caller: Caller, what: str, query: dict[str, str]) -> None:
    services.access_log.record_reading(caller.actor, what, query, caller.client_address)


@router.get(
    "/entries",
    summary="Access-log entries, newest first",
    response_model=AccessEntries,
    responses=_ERRORS,
    dependencies=requires(Permission.AUDIT_READ),
)
async def entries(
    services: ServicesDep,
    caller: CallerDep,
    username: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    outcome: AccessOutcome | None = None,
    case_number: Annotated[str | None, Query(max_length=64)] = None,
    plate: Annotated[str | None, Query(max_length=32)] = None,
    at_from: datetime | None = None,
    at_before: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AccessEntries:
    query = AccessFilter(
        username=username,
        action=action,
        outcome=outcome,
        case_number=case_number,
        plate=plate,
        at_from=at_from,
        at_before=at_before,
        limit=limit,
    )
    elements = {
        key: str(value)
        for key, value in {
            "username": username,
            "action": action,
            "outcome": outcome,
            "case_number": case_number,
            "plate": plate,
            "at_from": at_from,
            "at_before": at_before,
        }.items()
        if value is not None
    }
    await run_in_threadpool(_log_reading, services, caller, "listed entries", elements)
    found = await run_in_threadpool(services.access_log.entries, query)
    return AccessEntries(entries=[AccessEntry.of(record) for record in found])


@router.get(
    "/signals",
    summary="Patterns of possible misuse, with the entries behind each",
    response_model=Signals,
    responses=_ERRORS,
    dependencies=requires(Permission.AUDIT_READ),
)
async def signals(
    services: ServicesDep, caller: CallerDep, since: datetime | None = None
) -> Signals:
    query = {} if since is None else {"since": since.isoformat()}
    await run_in_threadpool(_log_reading, services, caller, "listed misuse signals", query)
    found = await run_in_threadpool(services.access_log.signals, since)
    return Signals(signals=[await run_in_threadpool(_signal, services, s) for s in found])


def _signal(services: Services, signal: MisuseSignal) -> Signal:
    records = services.access_log.records_at(signal.seqs[:MAX_ENTRIES_PER_SIGNAL])
    return Signal(
        kind=signal.kind,
        username=signal.username,
        summary=signal.summary,
        entries=[AccessEntry.of(record) for record in records],
    )


@router.get(
    "/verify",
    summary="Check the whole hash chain and the signed checkpoints",
    response_model=Verification,
    responses=_ERRORS,
    dependencies=requires(Permission.AUDIT_READ),
)
async def verify(services: ServicesDep, caller: CallerDep) -> Verification:
    await run_in_threadpool(_log_reading, services, caller, "verified the log", {})
    report = await run_in_threadpool(services.access_log.verify)
    return Verification.of(report)


@router.get(
    "/checkpoints",
    summary="The public key and every signed checkpoint, as JSON Lines to keep outside",
    response_class=Response,
    responses={200: {"content": {"application/jsonl": {}}}, **_ERRORS},
    dependencies=requires(Permission.AUDIT_READ),
)
async def checkpoints(services: ServicesDep, caller: CallerDep) -> Response:
    await run_in_threadpool(_log_reading, services, caller, "exported checkpoints", {})
    body = await run_in_threadpool(services.access_log.export_checkpoints)
    headers = {"Content-Disposition": 'attachment; filename="access-log-checkpoints.jsonl"'}
    return Response(body, media_type="application/jsonl", headers=headers)
