"""Reads: what a look-up asks for, what a write reports, what a purge removes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple, Protocol

from platekeeper.domain import PlateRead
from platekeeper.domain.geo import GeoArea
from platekeeper.domain.holds import Exemptions
from platekeeper.domain.retention import ReadCeilings


class StoredOutcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    """The same camera sent the same read before; the stored one is kept."""


class StoredRead(NamedTuple):
    """What became of one read. A named tuple: stores make one per read, and it is the
    cheapest immutable record to build."""

    client_read_id: str
    read_id: str
    outcome: StoredOutcome


@dataclass(frozen=True, slots=True)
class ReadCursor:
    """Where a page of results ended: the last read shown. The next page starts after it in the
    results' order (newest first, then by id), so reads stored meanwhile move no page."""

    captured_at: datetime
    read_id: str


@dataclass(frozen=True, slots=True)
class ReadQuery:
    """Which reads to return. Every bound is optional; results are newest first."""

    plate_key: str | None = None
    plate_like: str | None = None
    """A ``LIKE`` pattern on the plate key, from ``domain.plates.plate_pattern_to_like``."""
    misread_tolerant: bool = False
    """Compare ``plate_key`` and ``plate_like`` once OCR-confusable characters are folded on both
    sides (``domain.plates.fold_confusables``): ``8O5`` also finds ``B05``. A ``plate_key`` of
    more than three characters also finds keys one character changed, dropped or added
    (``domain.plates.misread_keys``), as the hot-list matcher's one-off matches do."""
    camera_id: str | None = None
    captured_from: datetime | None = None
    captured_before: datetime | None = None
    area: GeoArea | None = None
    """Reads taken inside it: by their own position, or else their fixed camera's."""
    agency_id: str | None = None
    """Only reads from the agency's cameras."""
    after: ReadCursor | None = None
    """Only reads after this one in the results' order: the next page."""
    limit: int = 100


@dataclass(frozen=True, slots=True)
class ReadStats:
    """Aggregates without plate data, safe to show to anyone."""

    read_count: int
    oldest_captured_at: datetime | None
    newest_captured_at: datetime | None


class MinuteCount(NamedTuple):
    """How many reads were captured in one minute: a count, no plate data."""

    minute: datetime
    """The minute's start, UTC."""
    reads: int


class DayReads(NamedTuple):
    """How many reads were captured in one day (UTC): a count, no plate data."""

    day: date
    reads: int


class CeilingSource(Protocol):
    """Says, when asked, which reads are past their ceiling (the retention purge's plan)."""

    def read_ceilings(self) -> ReadCeilings: ...


class ReadRepository(Protocol):
    def add(self, reads: Sequence[PlateRead]) -> list[StoredRead]:
        """Store reads all or nothing, in order.

        A read whose id is already stored with the same fingerprint is a retry: it is reported
        ``DUPLICATE``. With another fingerprint it is a ``Conflict`` and nothing of the batch is
        written. Ids come from ``platekeeper.domain.ids.read_id_for``.
        """
        ...

    def retain_within(self, source: CeilingSource) -> None:
        """From now on ``get`` and ``find`` leave out every read past its ceiling as ``source``
        says at the time of each call (held reads excepted), purged yet or not."""
        ...

    def rebuild_summaries(self) -> None:
        """Recompute the tables kept beside the reads (the plate index, the daily counts) from
        the reads themselves: after a bulk load that went around the store, or to repair."""
        ...

    def settle_summaries(self, limit: int) -> int:
        """Finish up to ``limit`` of the reads that a purge of whole days took out of sight but
        left to delete (PostgreSQL, ``day_purge``): delete them and tell the summaries (the
        plate index, the daily counts), in one transaction. Return how many: 0 when none wait."""
        ...

    def unsettled(self) -> int:
        """How many reads wait for ``settle_summaries``."""
        ...

    def get(self, read_id: str) -> PlateRead | None: ...
    def find(self, query: ReadQuery) -> list[PlateRead]: ...
    def any_captured(self, captured_from: datetime, captured_before: datetime) -> bool:
        """Whether any read at all, past its ceiling or not, was captured in the range: for the
        purge, which must know what is still stored, not what may be shown."""
        ...

    def stored_client_ids(self, camera_id: str, plate_keys: Mapping[str, str]) -> frozenset[str]:
        """Those client read ids (keys of ``plate_keys``, each read's plate key its value) that
        ``camera_id`` has a stored read under, whenever captured: for a sender whose ids name
        content rather than a moment (image files). The plate keys let the plate index find
        them."""
        ...

    def attach_image(self, read_id: str, image_ref: str) -> bool:
        """Give the stored read ``read_id`` its full image, fetched after it was stored (a
        device sent a URL); False if the read is gone (purged) or already has an image."""
        ...

    def delete_captured_before(self, cutoff: datetime) -> int:
        """Delete every read captured before ``cutoff``; return how many were deleted."""
        ...

    def stats(self) -> ReadStats: ...
    def per_minute(
        self, agency_id: str, captured_from: datetime, captured_before: datetime
    ) -> list[MinuteCount]:
        """Reads of the agency's cameras captured in ``[captured_from, captured_before)``,
        counted per minute of capture, oldest first; a minute without reads is left out."""
        ...

    def per_day(
        self,
        captured_from: datetime,
        captured_before: datetime | None = None,
        agency_id: str | None = None,
    ) -> list[DayReads]:
        """Reads captured in ``[captured_from, captured_before)`` (to the newest without an
        end), of the agency's cameras or every camera, counted per capture day (UTC), oldest
        first; a day without reads is left out. Whole days come from the daily counts kept
        beside the reads, so the cost does not grow with the reads."""
        ...

    def count_expired(
        self, captured_before: datetime, *, hit_reads: bool, exempt: Exemptions
    ) -> PurgedReads:
        """What ``delete_expired`` would delete, all batches together; ``image_refs`` is empty
        and ``images`` counts the references."""
        ...

    def purgeable_days(self, captured_before: datetime) -> list[date]:
        """The capture days (UTC) wholly before ``captured_before`` that ``delete_expired_day``
        empties a day at a time, oldest first; none where the backend purges in batches only."""
        ...

    def delete_expired_day(self, day: date, *, exempt: Exemptions) -> PurgedReads:
        """Delete the non-hit reads of the capture day ``day`` but the ``exempt`` ones, in one
        transaction, keeping the hit and held reads; the day's partition goes when nothing is
        left. Nothing is deleted (all zero) when the day stays locked by others: the batches
        of ``delete_expired`` take its reads then."""
        ...

    def delete_expired(
        self, captured_before: datetime, *, hit_reads: bool, exempt: Exemptions, limit: int
    ) -> PurgedReads:
        """Delete up to ``limit`` reads captured before ``captured_before``, oldest first, in one
        transaction: hit reads (a hit names them) or the others, never ``exempt`` ones."""
        ...

    def oldest(self, *, hit_reads: bool) -> datetime | None:
        """The capture time of the oldest stored hit read, or non-hit read."""
        ...


class PurgedReads(NamedTuple):
    """Reads a purge batch took (or would take): no plate data, only counts and times."""

    reads: int
    images: int
    oldest: datetime | None
    newest: datetime | None
    image_refs: tuple[str, ...] = ()
