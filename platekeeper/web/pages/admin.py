"""What the administration pages (hot lists, cameras, people) share.

Their forms post plainly and answer with a redirect when the change is made. When the service
refuses it, the same page is drawn again with the reason and everything that was typed, so form
values arrive as text and are converted here, each conversion naming its field when it fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from fastapi import Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.domain.zones import local_time
from platekeeper.errors import FieldError, InvalidInput, PlateKeeperError
from platekeeper.http.auth import Caller
from platekeeper.web.rendering import render

E = TypeVar("E", bound=StrEnum)


def may(caller: Caller, permission: Permission) -> bool:
    """Whether the page should offer what ``permission`` allows (the route checks it again)."""
    return permission in permissions_of(caller.roles)


def done(target: str) -> RedirectResponse:
    """After a change: the page that shows it, fetched anew (a reload posts nothing twice)."""
    return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)


def refused(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    caller: Caller,
    error: PlateKeeperError,
) -> HTMLResponse:
    """``template`` again with ``error`` shown and what was typed kept, under the error's status."""
    return render(
        request, template, {**context, "error": error}, caller=caller, status_code=error.status
    )


def text(value: str) -> str | None:
    """A typed value, or None for an empty field."""
    return value.strip() or None


def whole_number(value: str, field: str, label: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise invalid(field, f"{label} is not a whole number") from None


def decimal(value: str, field: str, label: str) -> float | None:
    if not value.strip():
        return None
    try:
        return float(value.strip())
    except ValueError:
        raise invalid(field, f"{label} is not a number") from None


def local_input(value: datetime | None, zone: str) -> str:
    """``value`` as a ``datetime-local`` input shows it, on the agency's clock in ``zone``."""
    return "" if value is None else local_time(value, zone, "%Y-%m-%dT%H:%M")


def choice(kind: type[E], value: str, field: str, label: str) -> E:
    """One of the values of ``kind``, as a ``<select>`` sent it."""
    try:
        return kind(value)
    except ValueError:
        names = ", ".join(member.value for member in kind)
        raise invalid(field, f"{label} must be one of {names}") from None


def invalid(field: str, message: str, hint: str | None = None) -> InvalidInput:
    """``message`` about the form field ``field``."""
    return InvalidInput(message, hint=hint, fields=[FieldError(field, message)])
