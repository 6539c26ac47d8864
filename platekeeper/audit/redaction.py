"""The access log as an auditor's screen shows it: who did what, why and with what outcome, but
never a plate.

An entry's query elements hold what was asked for; ``plate`` and ``plate_pattern`` (every
element whose name mentions a plate) hold plate text, typed by the person or read by a camera.
``without_plates`` withholds those values, and the same text wherever the entry's reason repeats
it (a refusal quotes a malformed pattern). Text a person typed elsewhere (a case number, a
hold's reason) is shown as typed.

``for_auditors`` goes further, to what an auditor is shown: read ids encode their capture time
to the millisecond and image references their capture day, so every one of them, in the
entry's lists and wherever a query element or the reason quotes one (a refused route's path, a
share's list of ids), becomes the agency's pseudonym of it (``audit/pseudonyms.py``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable

from platekeeper.audit.pseudonyms import Pseudonyms
from platekeeper.domain.access import AccessEvent

WITHHELD = "withheld"
"""What an auditor sees in place of a plate."""

_PLATE_ELEMENT = re.compile(r"plate", re.IGNORECASE)
# A UUIDv7 (version digit 7): read ids. Other ids (hits, holds, shares) are random or hashed.
_READ_ID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", re.IGNORECASE
)
# An image store key: its capture day, then the file (``2026/11/28/full-<hex>.jpg``).
_IMAGE_REF = re.compile(r"\d{4}/\d{2}/\d{2}/[\w.-]+")


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


def plates_withheld(text: str, plates: Iterable[str]) -> str:
    """``text`` with each of ``plates`` replaced by ``WITHHELD`` where it stands alone: for
    free text shown to auditors beside the log (a correction's reason)."""
    return _scrubbed(text, {plate for plate in plates if plate.strip()})


def _scrubbed(text: str, plates: set[str]) -> str:
    # Longest first, so that a plate containing another is withheld whole; only where it stands
    # alone, so that a plate "ALL" leaves "allowed" whole.
    for plate in sorted(plates, key=len, reverse=True):
        alone = rf"(?<![^\W_]){re.escape(plate)}(?![^\W_])"
        text = re.sub(alone, WITHHELD, text, flags=re.IGNORECASE)
    return text


def for_auditors(event: AccessEvent, agency_id: str | None, pseudonyms: Pseudonyms) -> AccessEvent:
    """``event`` as an auditor of ``agency_id`` sees it: ``without_plates``, and every read id
    and image reference, wherever it stands, as that agency's pseudonym of it. For showing only:
    its content no longer hashes to the entry's stored hash."""
    shown = without_plates(event)

    def read(match: re.Match[str]) -> str:
        return pseudonyms.of_read(agency_id, match.group(0).lower())

    def image(match: re.Match[str]) -> str:
        return pseudonyms.of_image(agency_id, match.group(0))

    def text(value: str) -> str:
        return _IMAGE_REF.sub(image, _READ_ID.sub(read, value))

    return dataclasses.replace(
        shown,
        query={key: text(value) for key, value in shown.query.items()},
        reason=text(shown.reason),
        read_ids=tuple(pseudonyms.of_read(agency_id, rid) for rid in shown.read_ids),
        image_refs=tuple(pseudonyms.of_image(agency_id, ref) for ref in shown.image_refs),
        purpose_code=_optional(shown.purpose_code, text),
        case_number=_optional(shown.case_number, text),
    )


def _optional(value: str | None, change: Callable[[str], str]) -> str | None:
    return None if value is None else change(value)
