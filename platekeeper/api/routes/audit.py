"""The access log for auditors: entries, misuse signals, verification and checkpoints.

Auditors read the log but never plate data through the look-ups. Every read of the log is
itself an entry of the log (action ``audit:read``). An auditor sees their own agency's entries
and signals only, without plates, with read ids and image references as the agency's
pseudonyms (``AccessLog.shown``); there is no plate filter, since with one an auditor could
test whether a plate they choose was searched and, from what the search returned, captured.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from platekeeper.api.schemas.audit import AccessEntries, AccessEntry, Signal, Signals, Verification
from platekeeper.audit import MisuseSignal
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.permissions import Permission
from platekeeper.errors import FieldError, InvalidInput
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


def _log_reading(services: Services, caller: Caller, what: str, query: dict[str, str]) -> None:
    services.access_log.record_reading(caller.actor, what, query, caller.client_address)


@router.get(
    "/entries",
    summary="Access-log entries, newest first",
    response_model=AccessEntries,
    responses=_ERRORS,
    dependencies=requires(Permission.AUDIT_READ),
)
def entries(
    services: ServicesDep,
    caller: CallerDep,
    username: Annotated[str | None, Query(max_length=64)] = None,
    signed_in_with: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    outcome: AccessOutcome | None = None,
    case_number: Annotated[str | None, Query(max_length=64)] = None,
    plate: Annotated[str | None, Query(include_in_schema=False)] = None,
    at_from: datetime | None = None,
    at_before: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AccessEntries:
    if plate is not None:
        raise InvalidInput(
            "the access log cannot be filtered by plate",
            hint="Auditors check accesses, not whereabouts: filter by person, case or action.",
            fields=[FieldError("plate", "not a filter of the access log")],
        )
    query = AccessFilter(
        username=username,
        signed_in_with=signed_in_with,
        action=action,
        outcome=outcome,
        case_number=case_number,
        at_from=at_from,
        at_before=at_before,
        limit=limit,
    )
    elements = {
        key: str(value)
        for key, value in {
            "username": username,
            "signed_in_with": signed_in_with,
            "action": action,
            "outcome": outcome,
            "case_number": case_number,
            "at_from": at_from,
            "at_before": at_before,
        }.items()
        if value is not None
    }
    _log_reading(services, caller, "listed entries", elements)
    found = services.access_log.entries_for(caller.scope, query)
    return AccessEntries(entries=[AccessEntry.of(record) for record in found])


@router.get(
    "/signals",
    summary="Patterns of possible misuse, with the entries behind each",
    response_model=Signals,
    responses=_ERRORS,
    dependencies=requires(Permission.AUDIT_READ),
)
def signals(services: ServicesDep, caller: CallerDep, since: datetime | None = None) -> Signals:
    query = {} if since is None else {"since": since.isoformat()}
    _log_reading(services, caller, "listed misuse signals", query)
    found = services.access_log.signals(caller.scope, since)
    return Signals(signals=[_signal(services, caller, s) for s in found])


def _signal(services: Services, caller: Caller, signal: MisuseSignal) -> Signal:
    records = services.access_log.records_for(caller.scope, signal.seqs[:MAX_ENTRIES_PER_SIGNAL])
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
def verify(services: ServicesDep, caller: CallerDep) -> Verification:
    _log_reading(services, caller, "verified the log", {})
    report = services.verify_access_log()  # a log not intact raises a suspected breach
    return Verification.of(report)


@router.get(
    "/checkpoints",
    summary="The public key and every signed checkpoint, as JSON Lines to keep outside",
    response_class=Response,
    responses={200: {"content": {"application/jsonl": {}}}, **_ERRORS},
    dependencies=requires(Permission.AUDIT_READ),
)
def checkpoints(services: ServicesDep, caller: CallerDep) -> Response:
    _log_reading(services, caller, "exported checkpoints", {})
    body = services.access_log.export_checkpoints()
    headers = {"Content-Disposition": 'attachment; filename="access-log-checkpoints.jsonl"'}
    return Response(body, media_type="application/jsonl", headers=headers)
