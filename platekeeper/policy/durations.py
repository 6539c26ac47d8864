"""Retention periods as people write them: '3 minutes', '21 days', '9 months', '5 years'.

Statutes count in calendar months and years, a purge in seconds. A ceiling is read short (a
month as 30 days, a year as 365) so that nothing is kept longer than the law allows in any
month; a floor is read long (31 days, 366) so that nothing is deleted before the law allows.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Literal

from platekeeper.errors import InvalidInput

Bound = Literal["ceiling", "floor"]

_PATTERN = re.compile(r"\s*([0-9]+)\s*(minute|hour|day|week|month|year)s?\s*", re.IGNORECASE)
_FIXED = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}
_CALENDAR = {
    ("month", "ceiling"): timedelta(days=30),
    ("month", "floor"): timedelta(days=31),
    ("year", "ceiling"): timedelta(days=365),
    ("year", "floor"): timedelta(days=366),
}


def parse_age(text: str, bound: Bound) -> timedelta:
    """The period ``text`` names, read as a ``bound``; ``InvalidInput`` if it names none."""
    match = _PATTERN.fullmatch(text)
    if match is None or int(match.group(1)) == 0:
        raise InvalidInput(
            f"{text!r} is not a retention period",
            hint="Write a positive whole number and a unit: '3 minutes', '21 days', '9 months'.",
        )
    count, unit = int(match.group(1)), match.group(2).lower()
    step = _FIXED.get(unit) or _CALENDAR[(unit, bound)]
    return count * step
