"""Which matches alert: the tiers of a hit, decided from how it matched.

A reader's mistakes are of two kinds. It takes one character for another that looks like it
(O for 0, B for 8): the recogniser's own alternatives (``PlateRead.candidates``) often hold the
right reading, and a look-alike fold catches the rest. Or it drops, adds or garbles a character
with no likeness at all, which any one-edit comparison catches, but so does chance: against a
million entries about one random read in twenty is one character off some listed plate. So:

- an exact or look-alike match of the read, or of one of its first ``candidates`` alternative
  readings, alerts;
- a look-alike match through more than ``MAX_ALERTING_FOLDS`` folded characters does not: each
  folded position multiplies the plates that collide (the class ``I1LT`` makes four plates of
  one), and three reader mistakes in one plate are not "what a reader could have misread";
- a one-character-off match alerts only where its list says so (``OneOffPolicy``); otherwise it
  is a lower-tier hit, stored and searchable, that asks nobody to verify it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from platekeeper.domain.hotlists import HitTier, MatchKind, OneOffPolicy
from platekeeper.domain.plates import normalise_plate_key
from platekeeper.domain.reads import PlateCandidate

MAX_ALERTING_FOLDS = 2
"""Most look-alike characters an alerting match may differ by (``hotlist.py``'s benchmark shows
the chance of a random read folding onto a 1 M-entry list with and without this bound)."""


@dataclass(frozen=True, slots=True)
class TierRules:
    """The deployment's settings for tiers (``[hotlists]`` in the configuration)."""

    candidates: int = 3
    """How many of the reader's alternative readings are matched besides its own text."""
    auto_one_off_one_in: int = 10_000
    """A list set to ``auto`` alerts one character off while fewer than one random read in
    this many is expected to match it that way."""

    def one_off_alerts(self, policy: OneOffPolicy, one_off_chance: float) -> bool:
        """Whether a one-off match on a list with ``policy`` alerts, given the chance per read
        of a random read matching the list one character off."""
        if policy is OneOffPolicy.AUTO:
            return one_off_chance * self.auto_one_off_one_in < 1
        return policy is OneOffPolicy.ALERT


def tier_of(kind: MatchKind, folds: int, one_off_alerts: bool) -> HitTier:
    """The tier of a match of ``kind`` through ``folds`` look-alike characters."""
    if kind is MatchKind.ONE_OFF:
        return HitTier.ALERT if one_off_alerts else HitTier.LOWER
    return HitTier.ALERT if folds <= MAX_ALERTING_FOLDS else HitTier.LOWER


def reading_keys(plate_key: str, candidates: Sequence[PlateCandidate], count: int) -> list[str]:
    """The keys a read is matched on: its own, then those of its first ``count`` alternative
    readings (at the server and on an edge agent alike)."""
    return [plate_key, *(normalise_plate_key(c.plate_text) for c in candidates[:count])]


_ORDINALS = ("own", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


def reading_words(reading: int) -> str:
    """Which reading matched, in words: 0 is the read's own text, 1 the reader's second reading."""
    if reading == 0:
        return "the reader's own reading"
    if reading < len(_ORDINALS):
        return f"the reader's {_ORDINALS[reading]} reading"
    return f"the reader's reading number {reading + 1}"


def chance_words(chance: float, samples: int) -> str:
    """A chance per read in words: "about 1 in 2,000 reads"."""
    if chance <= 0:
        return f"fewer than 1 in {samples:,} reads"
    one_in = round(1 / chance)
    if one_in <= 1:
        return "almost every read"
    return f"about 1 in {_rounded(one_in):,} reads"


def _rounded(number: int) -> int:
    """Two significant figures: 1 in 2,137 reads is not that precise."""
    digits = len(str(number))
    if digits <= 2:
        return number
    scale: int = 10 ** (digits - 2)
    return round(number / scale) * scale
