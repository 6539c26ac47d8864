"""The hash-chained access log and its checkpoints."""

from __future__ import annotations

from collections.abc import Callable
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
    ``signed_in_with`` keeps the entries made by people who signed in that way (``api-token``,
    ``password``, ...), to find the accesses made without a second factor.
    ``usernames`` keeps the entries of any of these people (the auditor's "Who" typed as part
    of a name); empty, it keeps none.
    ``offset`` skips that many of the newest matches: a page of ``limit`` entries.
    """

    agency_id: str | None = None
    username: str | None = None
    usernames: tuple[str, ...] | None = None
    signed_in_with: str | None = None
    action: str | None = None
    outcome: AccessOutcome | None = None
    case_number: str | None = None
    purpose_code: str | None = None
    plate: str | None = None
    at_from: datetime | None = None
    at_before: datetime | None = None
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class PurgeRange:
    """What a purge is about to remove: entries ``first_seq``-``last_seq``, the hash they were
    chained to (``before_hash``), the hash of the last (``last_hash``, as a checkpoint signed
    before the cutoff has it), the newest time among them, and the sequence number the purge
    event itself takes (``event_seq``)."""

    first_seq: int
    last_seq: int
    before_hash: str
    last_hash: str
    newest_at: datetime
    event_seq: int


PurgeEventFor = Callable[[PurgeRange], AccessEvent]
"""Makes the signed purge event for a range; raising refuses the purge."""


class AccessLogRepository(Protocol):
    """The access log's chained entries and its signed checkpoints.

    Entries are only appended; the one way out is ``purge_before``, which stops at a checkpoint
    and leaves a purge event in the chain.
    """

    def append(self, event: AccessEvent) -> AccessRecord:
        """Seal ``event`` after the head and store it, in one transaction that no other append
        (from any process) can interleave with."""
        ...

    def head(self) -> ChainPoint | None:
        """The last entry; None when empty."""
        ...

    def scan(self, after_seq: int, limit: int) -> list[AccessRecord]:
        """Up to ``limit`` entries after ``after_seq`` in stored order, for streaming."""
        ...

    def find(self, query: AccessFilter) -> list[AccessRecord]: ...
    def count_by_purpose(self, query: AccessFilter) -> dict[str | None, int]:
        """The entries ``query`` finds, all of them whatever its limit and offset, counted by
        purpose code (None: none recorded) in the database."""
        ...

    def add_checkpoint(self, checkpoint: Checkpoint) -> bool:
        """Store ``checkpoint``; False if it repeats one or lies behind the last stored one."""
        ...

    def checkpoints(self) -> list[Checkpoint]:
        """Every stored checkpoint, by sequence number."""
        ...

    def last_checkpoint(self) -> Checkpoint | None: ...
    def purge_before(
        self, cutoff: datetime, event_for: PurgeEventFor, *, dry_run: bool = False
    ) -> int:
        """Remove the oldest entries, all older than ``cutoff``, up to the last entry that a
        checkpoint signed before ``cutoff`` vouches for with its stored hash; return how many
        (would) go.

        In the same transaction, before the delete, the event ``event_for`` makes for the range
        is appended at the head: the log names what left it. Nothing happens if it raises."""
        ...
