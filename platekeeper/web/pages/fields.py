"""What a person typed into a page's form, read as text and parsed into values.

A form is read whole as strings first, so that a refused entry can be shown again exactly as it
was typed; parsing then raises ``InvalidInput`` naming the field, as a service's refusal would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from fastapi import Request

from platekeeper.domain.zones import instant_of
from platekeeper.errors import FieldError, InvalidInput, PlateKeeperError

MAX_SELECTED = 1000
"""The most reads one selection from the search results carries to a hold or a share."""
MAX_ID_CHARS = 64
MAX_FIELD_CHARS = 20_000
"""Longer than any field a page asks for (a list of read ids is the longest)."""
_SEPARATORS = re.compile(r"[\s,;]+")
T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    """A form as typed, and what refused it: shown again, so that nothing typed is lost."""

    values: Mapping[str, str] = field(default_factory=dict)
    problem: PlateKeeperError | None = None


async def typed(request: Request, names: Iterable[str]) -> dict[str, str]:
    """The form's fields ``names``, trimmed; a missing or non-text field is ``""``."""
    form = await request.form()
    values = {}
    for name in names:
        value = form.get(name)
        text = value.strip() if isinstance(value, str) else ""
        if len(text) > MAX_FIELD_CHARS:
            raise _invalid(name, f"is longer than {MAX_FIELD_CHARS} characters")
        values[name] = text
    return values


def id_list(text: str) -> tuple[str, ...]:
    """Ids one per line, or separated by commas or spaces, each once, in the order typed."""
    return tuple(dict.fromkeys(part for part in _SEPARATORS.split(text) if part))


def selected_ids(values: Iterable[str]) -> tuple[str, ...]:
    """The read ids a search's selection sent (``?read=…&read=…``), each once, in order."""
    ids = tuple(dict.fromkeys(value.strip() for value in values if value.strip()))
    problem = None
    if len(ids) > MAX_SELECTED:
        problem = f"{len(ids)} reads are selected; {MAX_SELECTED} at most"
    elif any(len(value) > MAX_ID_CHARS for value in ids):
        problem = "the selection holds something that is not a read id"
    if problem is not None:
        hint = "Select the reads again in the search results."
        raise InvalidInput(problem, hint=hint, fields=[FieldError("read", problem)])
    return ids


def local_minute(text: str, name: str, zone: str, *, later: bool = False) -> datetime | None:
    """A ``datetime-local`` input's value (``2026-11-28T10:30``), read on the agency's clock in
    ``zone`` (``later``: the end of a range, see ``instant_of``); None if empty."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _invalid(name, "is not a date and time such as 2026-11-28T10:30") from None
    return instant_of(moment, zone, later=later)


def day(text: str, name: str) -> date | None:
    """A ``date`` input's value (``2026-11-28``); None if empty."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _invalid(name, "is not a date such as 2026-11-28") from None


def required(value: T | None, name: str) -> T:
    if value is None or value == "":
        raise _invalid(name, "is required")
    return value


def _invalid(name: str, problem: str) -> InvalidInput:
    label = name.replace("_", " ")
    return InvalidInput(f"{label} {problem}", fields=[FieldError(name, f"{label} {problem}")])
