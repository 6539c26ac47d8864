"""Correcting a stored misread, and the corrections for auditors.

``POST /api/v1/reads/{read_id}/corrections`` (``reads:correct``) is an access to the read like a
look-up: its body states the purpose and case, the gate decides and logs it, a refusal too.
``GET /api/v1/corrections`` (``audit:read``) lists the agency's corrections as auditors see the
log: the plate text withheld (in the reason too), the read as the agency's pseudonym.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from platekeeper.access import Basis
from platekeeper.api.schemas.incidents import (
    CorrectionAudited,
    CorrectionAuditList,
    CorrectionCreate,
    CorrectionPublic,
)
from platekeeper.audit.redaction import plates_withheld
from platekeeper.domain.permissions import Permission
from platekeeper.http.auth import CallerDep, requires
from platekeeper.http.deps import ServicesDep

router = APIRouter(prefix="/api/v1", tags=["reads"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "The role lacks the permission, or the purpose or case is missing or not allowed.",
        404: "No such read in your agency.",
        409: "The read was changed or removed meanwhile.",
        422: "The correction changes nothing, is no plate, or its reason holds personal data.",
    }.items()
}


@router.post(
    "/reads/{read_id}/corrections",
    summary="Correct a misread; the original is kept and the read is matched again",
    status_code=status.HTTP_201_CREATED,
    response_model=CorrectionPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.READS_CORRECT),
)
def correct_read(
    read_id: str, body: CorrectionCreate, services: ServicesDep, caller: CallerDep
) -> CorrectionPublic:
    correction = services.corrections.correct(
        caller.person,
        Basis(body.purpose, body.case_number),
        read_id,
        plate_text=body.plate_text,
        region=body.region,
        reason=body.reason,
    )
    return CorrectionPublic.of(correction)


@router.get(
    "/corrections",
    summary="The corrections of your agency's reads, plate text withheld",
    response_model=CorrectionAuditList,
    responses=_ERRORS,
    dependencies=requires(Permission.AUDIT_READ),
)
def list_corrections(services: ServicesDep, caller: CallerDep) -> CorrectionAuditList:
    found = services.corrections.corrections(caller.person)
    pseudonym = services.access_log.read_pseudonym
    return CorrectionAuditList(
        corrections=[
            CorrectionAudited(
                id=c.id,
                read=pseudonym(caller.scope, c.read_id),
                plate_text_changed=c.original_text != c.corrected_text,
                original_region=c.original_region,
                corrected_region=c.corrected_region,
                corrected_by=c.corrected_by,
                corrected_at=c.corrected_at,
                reason=plates_withheld(
                    c.reason, (c.original_text, c.corrected_text, c.corrected_key)
                ),
                purpose_code=c.purpose_code,
                case_number=c.case_number,
            )
            for c in found
        ]
    )
