"""The agency's time zone: what people read. Instants are kept and exchanged in UTC
(``domain/time.py``); pages, exports and reports show them in the zone of the agency whose
people read them, through ``local_time`` alone, so that every screen and paper agrees.

A US agency's zone follows from its state (the zone most of the state keeps; an agency in the
rest of a split state, the west of Florida or of Kentucky say, sets its own). Other countries
have no entry: the agency names its zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platekeeper.errors import InvalidInput

UTC_ZONE = "UTC"
SHOWN = "%Y-%m-%d %H:%M:%S %Z"
"""How an instant reads by default: ``2026-12-06 04:03:00 PST``."""

_EASTERN, _CENTRAL = "America/New_York", "America/Chicago"
_MOUNTAIN, _PACIFIC = "America/Denver", "America/Los_Angeles"
STATE_ZONES: dict[str, str] = {
    **dict.fromkeys(
        ("CT", "DC", "DE", "GA", "MA", "MD", "ME", "NC", "NH", "NJ", "NY", "OH", "PA", "RI"),
        _EASTERN,
    ),
    **dict.fromkeys(("SC", "VA", "VT", "WV", "FL"), _EASTERN),
    "MI": "America/Detroit",
    "IN": "America/Indiana/Indianapolis",
    "KY": "America/Kentucky/Louisville",
    **dict.fromkeys(
        ("AL", "AR", "IA", "IL", "KS", "LA", "MN", "MO", "MS", "ND", "NE", "OK", "SD", "TN"),
        _CENTRAL,
    ),
    **dict.fromkeys(("TX", "WI"), _CENTRAL),
    **dict.fromkeys(("CO", "MT", "NM", "UT", "WY"), _MOUNTAIN),
    "ID": "America/Boise",
    "AZ": "America/Phoenix",
    **dict.fromkeys(("CA", "NV", "OR", "WA"), _PACIFIC),
    "AK": "America/Anchorage",
    "HI": "Pacific/Honolulu",
    "PR": "America/Puerto_Rico",
    "VI": "America/St_Thomas",
    "GU": "Pacific/Guam",
    "MP": "Pacific/Saipan",
    "AS": "Pacific/Pago_Pago",
}


def zone_for_state(state: str) -> str | None:
    """The main time zone of a US state or territory (two letters); None for any other."""
    return STATE_ZONES.get(state.strip().upper())


def require_zone(name: str) -> str:
    """``name`` if it is an IANA time zone this machine knows, else ``InvalidInput``."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"{name!r} is not a time zone",
            hint="Give an IANA name, for example 'America/Los_Angeles' or 'Europe/Paris'.",
        ) from None
    return name


def local_time(instant: datetime, zone: str, spec: str = SHOWN) -> str:
    """``instant`` as people of an agency in ``zone`` read it, ``spec`` as strftime's."""
    return instant.astimezone(ZoneInfo(zone)).strftime(spec)


def local_iso(instant: datetime, zone: str) -> str:
    """``instant`` on the agency's clock as ISO 8601 with its offset, for exports."""
    return local_datetime(instant, zone).isoformat(timespec="microseconds")


def local_datetime(instant: datetime, zone: str) -> datetime:
    """``instant`` on the agency's clock, for grouping by local day or hour."""
    return instant.astimezone(ZoneInfo(zone))


def instant_of(wall: datetime, zone: str, *, later: bool = False) -> datetime:
    """The UTC instant of ``wall``, a time read off the agency's clock in ``zone`` (an aware
    ``wall`` keeps its own offset). Twice a year the clock is ambiguous: an hour repeated when it
    goes back is read as its first pass, or its second when ``later`` (an end of a range, so that
    the range covers both passes); a time it skipped going forward is read as the same distance
    past the change (02:30 on a spring-forward night is 03:30), as the person meant a moment
    that did happen."""
    if wall.tzinfo is not None:
        return wall.astimezone(UTC)
    first = wall.replace(tzinfo=ZoneInfo(zone))
    # zoneinfo reads a skipped time with the offset before the change (fold 0), which lands
    # it past the change; a skipped time does not come back from UTC as it was written.
    skipped = first.astimezone(UTC).astimezone(first.tzinfo).replace(tzinfo=None) != wall
    chosen = first if skipped or not later else first.replace(fold=1)
    return chosen.astimezone(UTC)
