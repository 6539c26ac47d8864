"""Hot lists, their entries, and hits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

from platekeeper.domain.hotlist_exclusions import HotlistExclusion
from platekeeper.domain.hotlists import (
    Hit,
    HitOutcome,
    HitStatus,
    HitTier,
    Hotlist,
    HotlistEntry,
    OneOffPolicy,
)


class HotlistFeed(NamedTuple):
    """Where a hot list is refreshed from: a file path or an http(s) URL, the file's format and
    its column mapping (JSON, read by ``hotlists.importing``), and how the last attempt went."""

    list_id: str
    location: str
    format: str
    mapping_json: str
    attempted_at: datetime | None = None
    error: str | None = None


class ActiveEntry(NamedTuple):
    """What the matcher holds of one active entry; a tuple, as a million are loaded at once."""

    id: str
    list_id: str
    plate_key: str
    state: str | None
    expires_at: datetime | None


class HotlistRepository(Protocol):
    def add(self, hotlist: Hotlist) -> None:
        """``Conflict`` if the id is taken, ``NotFound`` if the agency does not exist."""
        ...

    def get(self, list_id: str) -> Hotlist | None: ...
    def set_feed(self, feed: HotlistFeed) -> None:
        """Make ``feed`` the list's refresh source; ``NotFound`` if there is no such list."""
        ...

    def set_one_off(self, list_id: str, policy: OneOffPolicy) -> bool:
        """Set whether the list's one-off matches alert; False if there is no such list."""
        ...

    def feed(self, list_id: str) -> HotlistFeed | None: ...
    def feeds(self) -> list[HotlistFeed]:
        """Every list's refresh source, for the scheduler."""
        ...

    def record_refresh(self, list_id: str, at: datetime, error: str | None = None) -> None:
        """An attempt at ``at``; without ``error`` it succeeded: the list is fresh from ``at``."""
        ...

    def record_exclusions(self, exclusions: Sequence[HotlistExclusion]) -> None:
        """Store what an import or refresh kept out of a list, in one transaction."""
        ...

    def exclusions(
        self, agency_id: str | None, since: datetime, until: datetime | None = None
    ) -> list[HotlistExclusion]:
        """The exclusions recorded in ``[since, until)`` (None: to this day), of ``agency_id``
        (None: of every agency), oldest first."""
        ...

    def list(self, agency_id: str | None = None) -> list[Hotlist]:
        """By name."""
        ...


class HotlistEntryRepository(Protocol):
    """Entries of hot lists. Every write raises ``version()`` in the same transaction."""

    def add(self, entries: Sequence[HotlistEntry]) -> None:
        """Store entries all or nothing (bulk: an import's rows in one statement batch).
        ``Conflict`` if an id is taken, ``NotFound`` if a list does not exist."""
        ...

    def replace(self, list_id: str, entries: Sequence[HotlistEntry]) -> None:
        """Make ``entries`` the list's entries, in one transaction: those with a stored id are
        updated (and keep their id), the others inserted, the list's remaining rows deleted."""
        ...

    def get(self, entry_id: str) -> HotlistEntry | None: ...
    def count(self, list_id: str) -> int: ...
    def identities(self, list_id: str) -> list[tuple[str, str, str | None, str | None]]:
        """``(id, plate_key, state, source_record_id)`` of each of the list's entries, so that a
        refresh can keep the ids of entries that stay."""
        ...

    def set_expiry(self, entry_id: str, expires_at: datetime | None) -> bool:
        """False if there is no such entry."""
        ...

    def remove(self, entry_id: str) -> bool:
        """False if there is no such entry."""
        ...

    def delete_past(self, now: datetime, entered_before: datetime | None) -> int:
        """Delete every entry expired at ``now`` and, with ``entered_before``, every entry
        entered before it (past the retention period); how many went."""
        ...

    def by_plate_key(self, keys: Collection[str]) -> list[HotlistEntry]:
        """Every entry, active or not, whose plate key is one of ``keys``."""
        ...

    def active(self, now: datetime) -> list[ActiveEntry]:
        """Every entry not expired at ``now``, of every list, in one query."""
        ...

    def version(self) -> int:
        """A counter raised by every change to entries or lists; reload when it moves."""
        ...

    def provenances(self) -> list[tuple[str, str | None, str | None, int]]:
        """``(list_id, source_file, message_key, entries)`` of every group of entries that
        names a source file or a message key."""
        ...

    def remove_provenance(
        self, list_id: str, source_file: str | None, message_key: str | None
    ) -> int:
        """Delete the list's entries of that source file and message key; how many went."""
        ...

    def list(self, list_id: str, limit: int = 1000, offset: int = 0) -> list[HotlistEntry]:
        """By plate key."""
        ...


@dataclass(frozen=True, slots=True)
class HitFilter:
    """Which hits to list. Every bound is optional; results are newest first."""

    status: HitStatus | None = None
    list_id: str | None = None
    list_ids: Collection[str] | None = None
    """Only hits of these lists (a person's scope: the lists of their agency they may see)."""
    since: datetime | None = None
    """Only hits made at or after this instant."""
    statuses: Collection[HitStatus] | None = None
    """Only hits in one of these statuses."""
    with_outcome: bool | None = None
    """Only hits whose outcome is recorded (true) or not yet (false)."""
    before: HitCursor | None = None
    """Only hits older than this one in the newest-first order: the next page's start."""
    tier: HitTier | None = None
    """Only hits of this tier (alerting, or lower: stored without an alert)."""
    limit: int = 100


@dataclass(frozen=True, slots=True)
class HitCursor:
    """A place in the newest-first order of hits: the last hit of a page."""

    created_at: datetime
    hit_id: str


class HitTally(NamedTuple):
    """How many hits of one list are in one status with one outcome: a count, no plate."""

    list_id: str
    status: HitStatus
    outcome: HitOutcome | None
    hits: int


class HitRepository(Protocol):
    """Hits of reads against hot-list entries: one per (read, entry), and what people made of it."""

    def add(self, hits: Sequence[Hit]) -> list[Hit]:
        """Store ``hits`` in one transaction; a hit whose (read, entry) pair is stored already is
        skipped. Returns the hits stored now, in order."""
        ...

    def tally(self, query: HitFilter) -> list[HitTally]:
        """The hits ``query`` lists, all of them whatever its limit, counted by list, status
        and outcome in the database: no hit is loaded."""
        ...

    def get(self, hit_id: str) -> Hit | None: ...
    def list(self, query: HitFilter) -> list[Hit]: ...
    def count(self, status: HitStatus, list_ids: Collection[str]) -> int:
        """How many alerting hits of the lists ``list_ids`` are in ``status`` (a lower-tier
        hit waits for nobody)."""
        ...

    def update(self, hit: Hit) -> bool:
        """Store a verification (only on a hit still pending) or an outcome (only on a hit in
        the same status with no outcome yet); False if someone else changed it meanwhile."""
        ...
