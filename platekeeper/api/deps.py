"""Dependencies of the routes: the services, and the camera behind a request's key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from platekeeper.domain import Camera
from platekeeper.errors import AuthenticationFailed
from platekeeper.services import Services

_bearer = HTTPBearer(auto_error=False, description="The camera's ingest key.")


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def authenticated_camera(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Camera:
    if credentials is None:
        raise AuthenticationFailed(
            "this endpoint needs a camera key",
            hint="Send 'Authorization: Bearer <key>' with the key issued for the camera.",
        )
    return services.ingest.authenticate(credentials.credentials)


CameraDep = Annotated[Camera, Depends(authenticated_camera)]
