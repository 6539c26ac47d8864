"""The usage and privacy policy as enforced: purposes, retention per data class, sharing rules,
and what the check found. Custodians manage the policy; auditors read the same view."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

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


def _effective(services: ServicesDep) -> PolicyPublic:
    today = services.clock.now().date()
    effective = load_effective(services.settings, today)
    return PolicyPublic.of(effective)


@router.get("", dependencies=requires(Permission.POLICY_MANAGE), responses=_ERRORS)
def get_policy(services: ServicesDep) -> PolicyPublic:
    """The effective policy, for the custodian who maintains it."""
    return _effective(services)


@router.get("/review", dependencies=requires(Permission.REPORTS_READ), responses=_ERRORS)
def review_policy(services: ServicesDep) -> PolicyPublic:
    """The same view, for auditors reviewing what the system enforces."""
    return _effective(services)
