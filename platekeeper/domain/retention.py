"""How long each kind of data may be kept: the rules the purge enforces.

A rule has a ceiling (``max_age``: keep no longer) and may have a floor (``min_age``: a
records-law minimum, keep at least this long). Where several sources set rules for one class,
the most restrictive ceiling wins, and a floor above the ceiling is a conflict reported to a
person, never resolved silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from platekeeper.errors import InvalidInput


class DataClass(StrEnum):
    NON_HIT_READS = "non-hit-reads"
    """Reads that matched no hot-list entry, and their images: 99.9% of what a camera sees."""
    HIT_READS = "hit-reads"
    """Reads that made a hit, and their images."""
    HOTLIST_ENTRIES = "hotlist-entries"
    ACCESS_LOG = "access-log"
    PURGE_LEDGER = "purge-ledger"


@dataclass(frozen=True, slots=True)
class RetentionRule:
    data_class: DataClass
    max_age: timedelta | None
    """Keep no longer than this; None when no source sets a ceiling."""
    source: str
    """Who set it: the policy file, or a jurisdiction profile with its citation."""
    min_age: timedelta | None = None
    """Keep at least this long (a records-law minimum); None when none applies."""

    def __post_init__(self) -> None:
        for name in ("max_age", "min_age"):
            age = getattr(self, name)
            if age is not None and age <= timedelta(0):
                raise InvalidInput(f"a retention {name} must be positive, not {age}")

    @property
    def conflict(self) -> str | None:
        """Why this rule cannot be obeyed as written, or None."""
        if self.max_age is not None and self.min_age is not None and self.min_age > self.max_age:
            return (
                f"{self.data_class.value}: a floor of {self.min_age} is longer than the ceiling "
                f"of {self.max_age} ({self.source})"
            )
        return None
