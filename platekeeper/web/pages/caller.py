"""Who is behind a page request: always a person, never a camera's key."""

from __future__ import annotations

from platekeeper.domain.credentials import Principal
from platekeeper.errors import PermissionDenied
from platekeeper.http.auth import Caller


def person(caller: Caller) -> Principal:
    if caller.principal is None:
        raise PermissionDenied("these pages are for people", hint="Sign in at /login.")
    return caller.principal
