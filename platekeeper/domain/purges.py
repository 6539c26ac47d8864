"""The purge ledger: one entry per purge run, the proof that retention is enforced.

An entry says when the run started and finished, whether it was a dry run, and for each data
class how many reads and images went and the capture-time range they came from. It never holds
plate data: an auditor may read every entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from platekeeper.domain.time import require_utc


@dataclass(frozen=True, slots=True)
class ClassPurge:
    """What one run did to one data class (or why it left the class alone)."""

    data_class: str
    cutoff: datetime | None
    """Reads captured at or before this instant were due; None when the class was skipped."""
    reads: int = 0
    images: int = 0
    oldest_purged: datetime | None = None
    newest_purged: datetime | None = None
    skipped: str | None = None
    """Why the class was not purged: no ceiling, a conflict between rules."""


@dataclass(frozen=True, slots=True)
class PurgeLedgerEntry:
    id: str
    started_at: datetime
    finished_at: datetime
    dry_run: bool
    classes: tuple[ClassPurge, ...]
    buckets_destroyed: tuple[str, ...] = ()
    """Image buckets (capture days, ``YYYY/MM/DD``) whose key was destroyed."""

    def __post_init__(self) -> None:
        for name in ("started_at", "finished_at"):
            object.__setattr__(self, name, require_utc(getattr(self, name), name))

    @property
    def reads(self) -> int:
        return sum(entry.reads for entry in self.classes)
