"""Correcting a stored misread (Civil Code 1798.90.51(b)(2)(F): the usage and privacy policy
sets out how the operator keeps ALPR information accurate).

A person who looked at the image states that the camera misread the plate, or its state. The
read takes the corrected text, so matching and searches use it from then on; the correction
record keeps the original, who corrected it, when, why and for which purpose and case, so an
auditor sees every read that was changed and can tell what the camera first saw. A correction
lives as long as its read: it holds plate text too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from platekeeper.domain.plates import normalise_plate_key
from platekeeper.domain.reads import PlateRead
from platekeeper.errors import InvalidInput

_REGION = re.compile(r"[a-z]{2}(-[a-z0-9]{1,3})?")
"""A region as reads carry it: a country, or a country and its state (``us-ca``)."""


@dataclass(frozen=True, slots=True)
class ReadCorrection:
    id: str
    read_id: str
    agency_id: str
    captured_at: datetime
    """The read's capture time: it locates the read and ends the correction with it."""
    original_text: str
    original_region: str | None
    corrected_text: str
    corrected_region: str | None
    corrected_by: str
    corrected_at: datetime
    reason: str
    purpose_code: str
    case_number: str

    @property
    def corrected_key(self) -> str:
        return normalise_plate_key(self.corrected_text)

    def applied_to(self, read: PlateRead) -> PlateRead:
        """``read`` as corrected: the text, its key and the state; everything else as read."""
        return replace(
            read,
            plate_text=self.corrected_text,
            plate_key=self.corrected_key,
            region=self.corrected_region,
            region_confidence=None
            if self.corrected_region != read.region
            else read.region_confidence,
        )


def correction_of(
    read: PlateRead,
    *,
    correction_id: str,
    agency_id: str,
    plate_text: str | None,
    region: str | None,
    by: str,
    at: datetime,
    reason: str,
    purpose_code: str,
    case_number: str,
) -> ReadCorrection:
    """The correction of ``read`` to ``plate_text`` and/or ``region`` (None: unchanged).

    Refuses a correction that changes nothing, a plate text that is no plate, a state that is
    no two-letter code, and a correction without its reason."""
    if not reason.strip():
        raise InvalidInput(
            "a correction needs its reason", hint="Say what the image shows, e.g. '8 read as B'."
        )
    text = read.plate_text if plate_text is None else plate_text.strip()
    key = normalise_plate_key(text)  # refuses what is no plate, naming the character
    new_region = read.region if region is None else (region.strip().lower() or None)
    if new_region is not None and not _REGION.fullmatch(new_region):
        raise InvalidInput(
            f"state {region!r} is not a region code", hint="Use the country and state, e.g. us-ca."
        )
    if key == read.plate_key and text == read.plate_text and new_region == read.region:
        raise InvalidInput("the correction changes nothing: the read already says that")
    return ReadCorrection(
        id=correction_id,
        read_id=read.id,
        agency_id=agency_id,
        captured_at=read.captured_at,
        original_text=read.plate_text,
        original_region=read.region,
        corrected_text=text,
        corrected_region=new_region,
        corrected_by=by,
        corrected_at=at,
        reason=reason.strip(),
        purpose_code=purpose_code,
        case_number=case_number,
    )
