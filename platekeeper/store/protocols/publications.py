"""The public transparency reports as published on their schedule (R37)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class TransparencySnapshot:
    """One published transparency report: its JSON feed document, frozen as it was published.

    Aggregates only (``reports/transparency.py`` decides what may be published); never plate
    data, usernames or case numbers.
    """

    published_at: datetime
    period_from: datetime
    period_to: datetime
    report: str
    """The feed document as JSON text."""
    seq: int | None = None
    """Its number in the store; None before it is stored."""


class TransparencySnapshotRepository(Protocol):
    """The reports published, kept as the public record of what was said when."""

    def add(self, snapshot: TransparencySnapshot) -> TransparencySnapshot:
        """Store ``snapshot``; return it with its ``seq``."""
        ...

    def latest(self) -> TransparencySnapshot | None:
        """The report published last; None before any."""
        ...

    def get(self, seq: int) -> TransparencySnapshot | None: ...

    def list(self, limit: int = 100) -> list[TransparencySnapshot]:
        """Most recently published first."""
        ...
