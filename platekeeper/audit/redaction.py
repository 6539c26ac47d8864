"""The access log as an auditor's screen shows it: who did what, why and with what outcome, but
never a plate.

An entry's query elements hold what was asked for; ``plate`` and ``plate_pattern`` (every
element whose name mentions a plate) hold plate text, typed by the person or read by a camera.
``without_plates`` withholds those values, and the same text wherever the entry's reason repeats
it (a refusal quotes a malformed pattern). Read ids and image references stay: they are opaque
ids, and shown as counts. Text a person typed elsewhere (a case number, a hold's reason) is
shown as typed.
"""

from __future__ import annotations

import dataclasses
import re

from platekeeper.domain.access import AccessEvent

WITHHELD = "withheld"
"""What an auditor sees in place of a plate."""

_PLATE_ELEMENT = re.compile(r"plate", re.IGNORECASE)


def holds_plate(element: str) -> bool:
    """Whether the query element named ``element`` carries plate text."""
    return _PLATE_ELEMENT.search(element) is not None


def without_plates(event: AccessEvent) -> AccessEvent:
    """``event`` with every plate in its query and reason replaced by ``WITHHELD``.

    The result is for showing only: its content no longer hashes to the entry's stored hash.
    """
    plates = {value for key, value in event.query.items() if holds_plate(key) and value.strip()}
    query = {key: WITHHELD if holds_plate(key) else value for key, value in event.query.items()}
    return dataclasses.replace(event, query=query, reason=_scrubbed(event.reason, plates))


def _scrubbed(text: str, plates: set[str]) -> str:
    # Longest first, so that a plate containing another is withheld whole; only where it stands
    # alone, so that a plate "ALL" leaves "allowed" whole.
    for plate in sorted(plates, key=len, reverse=True):
        alone = rf"(?<![^\W_]){re.escape(plate)}(?![^\W_])"
        text = re.sub(alone, WITHHELD, text, flags=re.IGNORECASE)
    return text
