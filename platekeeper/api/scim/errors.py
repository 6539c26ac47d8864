"""SCIM's own error shape (RFC 7644 section 3.12), which the directory's client reads, in place
of the API's problem details: every error of a SCIM route is answered this way."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from platekeeper.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PlateKeeperError,
)

SCIM_MEDIA_TYPE = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


class ScimError(InvalidInput):
    """Input SCIM names a ``scimType`` for: invalidSyntax, invalidFilter, invalidPath,
    invalidValue, mutability, uniqueness, tooMany."""

    def __init__(self, scim_type: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.scim_type = scim_type
        self.status = status


def scim_response(document: object, status: int = 200, **headers: str) -> Response:
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return Response(body, status, headers or None, media_type=SCIM_MEDIA_TYPE)


def error_response(exc: PlateKeeperError) -> Response:
    status, scim_type = _status_and_type(exc)
    detail = f"{exc.message} {exc.hint}" if exc.hint else exc.message
    document: dict[str, object] = {
        "schemas": [ERROR_SCHEMA],
        "status": str(status),
        "detail": detail,
    }
    if scim_type is not None:
        document["scimType"] = scim_type
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return scim_response(document, status, **headers)


def _status_and_type(exc: PlateKeeperError) -> tuple[int, str | None]:
    if isinstance(exc, ScimError):
        return exc.status, exc.scim_type
    if isinstance(exc, InvalidInput):
        return 400, "invalidValue"
    if isinstance(exc, Conflict):
        return 409, "uniqueness"
    for kind, status in ((AuthenticationFailed, 401), (PermissionDenied, 403), (NotFound, 404)):
        if isinstance(exc, kind):
            return status, None
    return exc.status, None


class ScimRoute(APIRoute):
    """A route whose errors, its guard's included, are answered as SCIM errors."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def scim_handler(request: Request) -> Response:
            try:
                return await handle(request)
            except PlateKeeperError as exc:
                return error_response(exc)
            except RequestValidationError:
                return error_response(ScimError("invalidSyntax", "the request is not valid"))

        return scim_handler
