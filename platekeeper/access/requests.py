"""What a person asks for when they look at ALPR data: who they are, why, and what they want."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from platekeeper.domain.geo import GeoArea
from platekeeper.domain.plates import normalise_plate_key, plate_pattern_to_like
from platekeeper.domain.time import require_utc
from platekeeper.errors import FieldError, InvalidInput
from platekeeper.store import ReadCursor, ReadQuery


@dataclass(frozen=True, slots=True)
class Basis:
    """What the person states for this access; the catalogue decides whether it is enough."""

    purpose_code: str | None
    case_number: str | None
    approval_id: str | None = None


class ExportFormat(StrEnum):
    """The form in which a look-up's results leave PlateKeeper; the access log names it."""

    CSV = "csv"
    PDF = "pdf"


@dataclass(frozen=True, slots=True)
class Page:
    """Which part of a look-up's results to return, and with what.

    ``after`` is the id of the last read of the previous page (``None``: the first page): the
    service finds where that read stands itself, so a link carries no capture time and the log
    records only the read's id (which auditors see as a pseudonym, like every read id). ``size``
    is at most the agency's cap on one look-up (``None``: the cap). With ``crops`` each read
    comes with a thumbnail of its plate crop, in the same access and the same log entry: a list
    of reads shows its thumbnails without a request, and a log entry, per image.
    """

    after: str | None = None
    size: int | None = None
    crops: bool = False
    export: ExportFormat | None = None

    def query_elements(self) -> dict[str, str]:
        """What the access log records of the page beside the criteria."""
        elements = {
            "after": self.after,
            "export": None if self.export is None else self.export.value,
        }
        return {key: value for key, value in elements.items() if value is not None}


FIRST_PAGE = Page()
"""The first page of up to the cap, without crops: what the API's look-ups return by default."""


def parse_after(token: str, location: str = "after") -> str:
    """The read id a link's ``after`` names, or ``InvalidInput`` naming ``location``."""
    try:
        return str(uuid.UUID(token.strip()))
    except ValueError:
        raise _not_a_page(location) from None


def _not_a_page(location: str) -> InvalidInput:
    return InvalidInput(
        "the page to continue from cannot be found",
        hint="Follow the links to the next page rather than editing them, or start again.",
        fields=[FieldError(location, "is not a page of these results")],
    )


def not_a_page() -> InvalidInput:
    """The refusal of an ``after`` that names no read of the agency still kept."""
    return _not_a_page("after")


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    """A search of reads. At least one of plate, pattern, camera or area narrows it: a time range
    alone would sweep every car that passed."""

    plate: str | None = None
    plate_pattern: str | None = None
    camera_id: str | None = None
    area: GeoArea | None = None
    """A box or a circle; the log records it as the API takes it (``geo.parse_area``)."""
    captured_from: datetime | None = None
    captured_before: datetime | None = None
    tolerate_misreads: bool = False
    """The plate or pattern also finds reads that differ only in OCR-confusable characters."""

    def query_elements(self) -> dict[str, str]:
        """The query as the access log records it."""
        elements = {
            "plate": self.plate,
            "plate_pattern": self.plate_pattern,
            "camera_id": self.camera_id,
            "area": None if self.area is None else str(self.area),
            "captured_from": _iso(self.captured_from),
            "captured_before": _iso(self.captured_before),
            "tolerate_misreads": "yes" if self.tolerate_misreads else None,
        }
        return {key: value for key, value in elements.items() if value is not None}

    def to_query(
        self, agency_id: str | None, limit: int, after: ReadCursor | None = None
    ) -> ReadQuery:
        if not (self.plate or self.plate_pattern or self.camera_id or self.area):
            raise InvalidInput(
                "a search needs a plate, a plate pattern, a camera or an area",
                hint="Narrow the search to what the case is about.",
            )
        if self.plate and self.plate_pattern:
            raise InvalidInput("give a plate or a plate pattern, not both")
        start = (
            None if self.captured_from is None else require_utc(self.captured_from, "captured_from")
        )
        end = (
            None
            if self.captured_before is None
            else require_utc(self.captured_before, "captured_before")
        )
        if start is not None and end is not None and start >= end:
            raise InvalidInput(
                "the time range is empty", hint="captured_from must lie before captured_before."
            )
        return ReadQuery(
            plate_key=None if self.plate is None else normalise_plate_key(self.plate),
            plate_like=None
            if self.plate_pattern is None
            else plate_pattern_to_like(self.plate_pattern),
            misread_tolerant=self.tolerate_misreads,
            camera_id=self.camera_id,
            captured_from=start,
            captured_before=end,
            area=self.area,
            agency_id=agency_id,
            after=after,
            limit=limit,
        )


def _iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat()
