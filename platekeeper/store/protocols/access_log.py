"""The hash-chained access log and its checkpoints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from platekeeper.domain.access import (
    AccessEvent,
    AccessOutcome,
    AccessRecord,
    ChainPoint,
    Checkpoint,
)


@dataclass(frozen=True, slots=True)
class AccessFilter:
    """Which access-log entries to list. Every bound is optional; results are newest first.

    ``agency_id`` keeps the entries of people of that agency (``domain.scope.AgencyScope``
    decides which a caller may ask for). ``plate`` matches the ``plate`` query element exactly,
    as the access recorded it; it is for the server's own use (signals, reports), never offered
    to auditors (docs/access-log.md, "What auditors see").
    ``offset`` skips that many of the newest matches: a page of ``limit`` entries.
    """

    agency_id: str | None = None
    username: str | None = None
    action: str | None = None
    outcome: AccessOutcome | None = None
    case_number: str | None = None
    purpose_code: str | None = None
    plate: str | None = None
    at_from: datetime | None = None
    at_before: datetime | None = None
    limit: int = 100
    offset: int = 0


class AccessLogRepository(Protocol):
    """The access log's chained entries, its signed checkpoints and its anchor.

    Entries are only appended; the one way out is ``purge_before``, which stops at a checkpoint.
    """

    def append(self, event: AccessEvent) -> AccessRecord:
        """Seal ``event`` after the head and store it, in one transaction that no other append
        (from any process) can interleave with."""
        ...

    def head(self) -> ChainPoint | None:
        """The last entry, or the anchor when retention took every entry; None when empty."""
        ...

    def anchor(self) -> ChainPoint | None:
        """The last entry removed by retention; verification starts after it."""
        ...

    def scan(self, after_seq: int, limit: int) -> list[AccessRecord]:
        """Up to ``limit`` entries after ``after_seq`` in stored order, for streaming."""
        ...

    def find(self, query: AccessFilter) -> list[AccessRecord]: ...
    def add_checkpoint(self, checkpoint: Checkpoint) -> bool:
        """Store ``checkpoint``; False if it repeats one or lies behind the last stored one."""
        ...

    def checkpoints(self) -> list[Checkpoint]:
        """Every stored checkpoint, by sequence number."""
        ...

    def last_checkpoint(self) -> Checkpoint | None: ...
    def purge_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Remove entries older than ``cutoff`` up to the last checkpointed entry that still has
        its signed hash, and make that entry the anchor; return how many (would) go."""
        ...
