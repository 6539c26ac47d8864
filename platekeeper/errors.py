"""The one exception tree of PlateKeeper.

Every error a person can cause or fix is a ``PlateKeeperError`` with a stable ``code`` (used by
API problem details and by tests) and a ``hint`` that says what to do about it::

    PlateKeeperError
     ├── ConfigError          the settings file or environment is wrong
     ├── InvalidInput         input that breaks a domain rule (plate, box, time, image)
     ├── NotFound             a named thing does not exist
     ├── Conflict             a write that contradicts what is stored (an idempotency key reused)
     ├── AuthenticationFailed no valid credentials were presented
     ├── PermissionDenied     the credentials are valid but not allowed to do this
     └── StoreError           the database is unreachable or its schema is not what the code expects
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field, located by its path, e.g. ``reads.3.plate_text``."""

    location: str
    message: str


class PlateKeeperError(Exception):
    """Root of every error PlateKeeper raises on purpose."""

    code = "platekeeper_error"
    status = 500
    title = "PlateKeeper error"

    def __init__(
        self, message: str, *, hint: str | None = None, fields: Sequence[FieldError] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.fields = tuple(fields)

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class ConfigError(PlateKeeperError):
    code = "config_invalid"
    status = 500
    title = "Configuration is invalid"


class InvalidInput(PlateKeeperError):
    code = "invalid_input"
    status = 422
    title = "Input is invalid"

    def within(self, location: str) -> InvalidInput:
        """This error, its fields placed under ``location`` (or at it, if it names none)."""
        fields = [FieldError(f"{location}.{f.location}", f.message) for f in self.fields]
        return InvalidInput(
            self.message, hint=self.hint, fields=fields or [FieldError(location, self.message)]
        )


class NotFound(PlateKeeperError):
    code = "not_found"
    status = 404
    title = "Not found"


class Conflict(PlateKeeperError):
    code = "conflict"
    status = 409
    title = "Conflicts with stored data"


class AuthenticationFailed(PlateKeeperError):
    code = "unauthenticated"
    status = 401
    title = "Authentication required"


class PermissionDenied(PlateKeeperError):
    code = "forbidden"
    status = 403
    title = "Not allowed"


class StoreError(PlateKeeperError):
    code = "store_unavailable"
    status = 503
    title = "Storage is unavailable"
