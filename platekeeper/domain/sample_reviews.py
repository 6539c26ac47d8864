"""The auditor's review of the sampled searches (R34): was each one's purpose borne out?

The compliance report draws a reproducible sample of allowed searches; an auditor then looks
at each against its case and records a verdict with a note. A search is "unreviewed" until a
verdict exists; the latest verdict on a search counts. The certification (R36) may say "no
misuse found in the sample" only when every sampled search has a verdict and none is
inconsistent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from platekeeper.errors import InvalidInput


class Verdict(StrEnum):
    CONSISTENT = "consistent"
    """The search's purpose and case match what the case file shows."""
    INCONSISTENT = "inconsistent"
    """The search does not fit its stated purpose or case: possible misuse."""
    UNDETERMINED = "undetermined"
    """The auditor could not tell (the case file is missing, say)."""


@dataclass(frozen=True, slots=True)
class SampleReview:
    id: str
    agency_id: str
    access_seq: int
    """The access-log entry reviewed (an allowed search drawn into the sample)."""
    verdict: Verdict
    note: str
    reviewed_by: str
    reviewed_at: datetime

    def __post_init__(self) -> None:
        # A verdict other than "consistent" must say why, or no one can act on it.
        if self.verdict is not Verdict.CONSISTENT and not self.note.strip():
            raise InvalidInput(
                f"a verdict {self.verdict.value!r} needs a note",
                hint="Say what did not match, or what was missing, without naming anyone.",
            )


@dataclass(frozen=True, slots=True)
class SampleStanding:
    """Where the review of a sample stands: what is still unreviewed and what is not clean."""

    sampled: tuple[int, ...]
    unreviewed: tuple[int, ...]
    inconsistent: tuple[int, ...]
    undetermined: tuple[int, ...]

    @property
    def no_misuse_found(self) -> bool:
        """Whether "no misuse found in the sample" may be certified: every sampled search
        reviewed, none found inconsistent, none left undetermined."""
        return not (self.unreviewed or self.inconsistent or self.undetermined)


def latest(reviews: Iterable[SampleReview]) -> dict[int, SampleReview]:
    """The latest review of each search."""
    found: dict[int, SampleReview] = {}
    for review in sorted(reviews, key=lambda r: (r.reviewed_at, r.id)):
        found[review.access_seq] = review
    return found


def standing(sampled: Iterable[int], reviews: Iterable[SampleReview]) -> SampleStanding:
    seqs = tuple(sorted(set(sampled)))
    verdicts = {seq: review.verdict for seq, review in latest(reviews).items()}

    def having(verdict: Verdict | None) -> tuple[int, ...]:
        return tuple(seq for seq in seqs if verdicts.get(seq) is verdict)

    return SampleStanding(
        sampled=seqs,
        unreviewed=having(None),
        inconsistent=having(Verdict.INCONSISTENT),
        undetermined=having(Verdict.UNDETERMINED),
    )
