"""The usage and privacy policy as enforced: purposes, retention per data class, sharing rules,
and what the check found. Custodians manage the policy; auditors read the same view."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from platekeeper.api.schemas.policy import (
    PolicyPublic,
)
from platekeeper.domain.permissions import Permission
from platekeeper.http.auth import requires
from platekeeper.http.deps import ServicesDep
from platekeeper.policy.effective import load_effective

router = APIRouter(prefix="/api/v1/policy", tags=["policy"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in.", "content": {"application/problem+json": {}}},
    403: {"description": "Not permitted.", "content": {"application/problem+json": {}}},
    404: {"description": "No policy file.", "content": {"application/problem+json": {}}},
}


async def _effective(services: ServicesDep) -> PolicyPublic:
    today = services.clock.now().date()
    effective = await run_in_threadpool(load_effective, services.settings, today)
    return PolicyPublic.of(effective)


@router.get("", dependencies=requires(Permission.POLICY_MANAGE), responses=_ERRORS)
async def get_policy(services: ServicesDep) -> PolicyPublic:
    """The effective policy, for the custodian who maintains it."""
    return await _effective(services)


@router.get("/review", dependencies=requires(Permission.REPORTS_READ), responses=_ERRORS)
async def review_policy(services: ServicesDep) -> PolicyPublic:
    """The same view, for auditors reviewing what the system enforces."""
    return await _effective(services)
