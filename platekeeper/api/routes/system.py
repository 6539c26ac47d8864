"""Liveness and schema state, for load balancers and operators."""

from __future__ import annotations

from fastapi import APIRouter

from platekeeper import __version__
from platekeeper.api.schemas.system import Health
from platekeeper.http.auth import public
from platekeeper.http.deps import ServicesDep
from platekeeper.services import require_current_schema

router = APIRouter(prefix="/api/v1", tags=["system"])


@router.get(
    "/health",
    summary="Is the service up and its schema current?",
    response_model=Health,
    responses={
        503: {
            "description": "The store is unreachable or its schema is not current.",
            "content": {"application/problem+json": {}},
        }
    },
    dependencies=public(),
)
def health(services: ServicesDep) -> Health:
    require_current_schema(services.store)
    version = services.store.schema_version()
    return Health(
        status="ok",
        version=__version__,
        schema_version=version,
        store=services.settings.store.type,
    )
