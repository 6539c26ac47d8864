"""The agency that owns cameras, reads and the duties that come with them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from platekeeper.domain.time import require_utc
from platekeeper.domain.zones import UTC_ZONE, require_zone, zone_for_state
from platekeeper.errors import InvalidInput

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_STATE = re.compile(r"[A-Z]{2}")


def require_slug(value: str, what: str) -> str:
    """Ids that people type (``--camera main-st-north``) are lower-case slugs."""
    if not _SLUG.fullmatch(value):
        raise InvalidInput(
            f"{what} {value!r} is not a valid id",
            hint="Use 1 to 63 lower-case letters, digits and hyphens, starting with a letter "
            "or digit.",
        )
    return value


@dataclass(frozen=True, slots=True)
class Agency:
    """A law enforcement agency operating ALPR; ``state`` is its two-letter US state or country,
    ``time_zone`` the IANA zone its people read times in (``domain/zones.py``): when not given,
    its state's, or UTC for a state without one."""

    id: str
    name: str
    state: str
    created_at: datetime
    time_zone: str = ""

    def __post_init__(self) -> None:
        require_slug(self.id, "agency id")
        if not self.name.strip():
            raise InvalidInput("agency name is empty")
        if not _STATE.fullmatch(self.state):
            raise InvalidInput(
                f"agency state {self.state!r} is not a two-letter code", hint="For example 'CA'."
            )
        object.__setattr__(self, "created_at", require_utc(self.created_at, "created_at"))
        zone = self.time_zone or zone_for_state(self.state) or UTC_ZONE
        object.__setattr__(self, "time_zone", require_zone(zone))
