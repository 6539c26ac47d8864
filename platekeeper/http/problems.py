"""Every API error is an RFC 9457 problem detail with a stable ``code``.

Clients branch on ``code``; ``detail`` and ``hint`` are for the person reading the log.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from platekeeper.errors import AuthenticationFailed, FieldError, InvalidInput, PlateKeeperError

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
INTERNAL_ERROR = "internal_error"
"""The code of a failure nobody meant: a bug, whose details stay in the server log."""
HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}
"""The codes of errors the framework raises itself (an unknown path, a wrong method), by status;
PlateKeeper's own errors carry their code (``errors.py``)."""


def problem_response(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    hint: str | None = None,
    fields: tuple[FieldError, ...] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:platekeeper:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if hint:
        body["hint"] = hint
    if fields:
        body["errors"] = [{"location": f.location, "message": f.message} for f in fields]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def from_error(error: PlateKeeperError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, AuthenticationFailed) else None
    return problem_response(
        status=error.status,
        code=error.code,
        title=error.title,
        detail=error.message,
        hint=error.hint,
        fields=error.fields,
        headers=headers,
    )


def invalid_input_from(
    error: ValidationError | RequestValidationError, prefix: str = ""
) -> InvalidInput:
    """Pydantic's errors, renamed to the paths a client sent (``reads.3.plate_text``)."""
    fields = [
        FieldError(
            ".".join(
                str(part) for part in (prefix, *error_item["loc"]) if part not in ("", "body")
            ),
            str(error_item["msg"]),
        )
        for error_item in error.errors()
    ]
    return InvalidInput(
        f"{len(fields)} problem(s) in the request; nothing was stored",
        hint="Correct the listed fields and send the request again.",
        fields=fields,
    )


class ErrorPages(Protocol):
    """Answers errors of the browser's pages as pages instead of problem details."""

    def answers(self, request: Request) -> bool: ...

    def render(self, request: Request, error: PlateKeeperError) -> Response: ...


def install_problem_handlers(app: FastAPI, pages: ErrorPages | None = None) -> None:
    def answered(request: Request, error: PlateKeeperError) -> Response:
        if pages is not None and pages.answers(request):
            return pages.render(request, error)
        return from_error(error)

    async def on_platekeeper_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PlateKeeperError)
        if exc.status >= 500:
            log.error("request failed: %s", exc.message)
        return answered(request, exc)

    async def on_request_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return answered(request, invalid_input_from(exc))

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        if pages is not None and pages.answers(request):
            return pages.render(request, _HttpError(code, exc.status_code, str(exc.detail)))
        return problem_response(
            status=exc.status_code,
            code=code,
            title=code.replace("_", " ").capitalize(),
            detail=str(exc.detail),
            headers=dict(exc.headers) if exc.headers else None,
        )

    app.add_exception_handler(PlateKeeperError, on_platekeeper_error)
    app.add_exception_handler(RequestValidationError, on_request_validation)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)


class _HttpError(PlateKeeperError):
    """A framework error (unknown page, wrong method) in the shape pages render."""

    def __init__(self, code: str, status: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.title = code.replace("_", " ").capitalize()


async def _on_unexpected(_: Request, __: Exception) -> JSONResponse:
    # Starlette logs the traceback itself once this answer is sent; the details stay in that log,
    # as they may hold data the client must not see.
    return problem_response(
        status=500,
        code=INTERNAL_ERROR,
        title="Internal error",
        detail="The server failed to finish the request. Resending it is safe: a read that was "
        "stored is reported as a duplicate.",
        hint="If it persists, the custodian finds the cause in the server log.",
    )
