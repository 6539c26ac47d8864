"""The chance that a random read matches a hot list, per tier: what a list's size costs.

Measured, not assumed: synthetic reads are made in the formats of the list's own plates (each
letter of a sampled entry replaced by a random letter, each digit by a random digit, so that a
list of California plates is probed with California-shaped plates) and matched through the real
index, the one ingest matches with, by the real tier rules. A read equal to an entry is that
car, not chance, and is not counted. Formats decide the figure as much as size: the fewer the
plates a format allows, the denser a list of them lies in it.

The reads have no alternative readings: a reader's alternatives are mostly look-alike swaps of
its reading, which fold to the same key and add next to nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from platekeeper.domain.hit_tiers import MAX_ALERTING_FOLDS, chance_words
from platekeeper.domain.hotlists import MatchKind
from platekeeper.hotlists.entry_index import E, EntryIndex

DEFAULT_SAMPLES = 20_000
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"


@dataclass(frozen=True, slots=True)
class HitChance:
    """The chance per read of a random read matching the list, by how it would match."""

    look_alike: float
    """Through look-alike characters within the alerting bound: alerts."""
    look_alike_lower: float
    """Through more look-alike characters than the bound: a lower-tier hit."""
    one_off: float
    """One character off: alerts or not as the list says."""
    samples: int

    def alerting(self, one_off_alerts: bool) -> float:
        """The chance of an alert by chance, given whether the list's one-off matches alert."""
        return self.look_alike + (self.one_off if one_off_alerts else 0.0)

    def lower(self, one_off_alerts: bool) -> float:
        return self.look_alike_lower + (0.0 if one_off_alerts else self.one_off)

    def words(self, chance: float) -> str:
        return chance_words(chance, self.samples)


NO_CHANCE = HitChance(0.0, 0.0, 0.0, DEFAULT_SAMPLES)
"""An empty list's."""


@dataclass(frozen=True, slots=True)
class ListChance:
    """What a list's size costs, as its page, the API and the console show it."""

    chance: HitChance
    one_off_alerts: bool
    """Whether the list's one-off matches alert now (its setting, or under ``auto`` its size)."""

    @property
    def alerting(self) -> float:
        """The chance per read of an alert by chance."""
        return self.chance.alerting(self.one_off_alerts)

    @property
    def lower(self) -> float:
        """The chance per read of a lower-tier hit by chance."""
        return self.chance.lower(self.one_off_alerts)

    @property
    def alerting_words(self) -> str:
        return self.chance.words(self.alerting)

    @property
    def lower_words(self) -> str:
        return self.chance.words(self.lower)


def hit_chance(
    index: EntryIndex[E],
    listed: Sequence[str],
    belongs: Callable[[E], bool],
    samples: int = DEFAULT_SAMPLES,
    seed: int = 17,
) -> HitChance:
    """The chance per read of matching the entries ``belongs`` picks out of ``index`` (plate
    keys ``listed``), by tier, over ``samples`` synthetic reads shaped like ``listed``."""
    if not listed:
        return NO_CHANCE
    rng = random.Random(seed)  # noqa: S311 -- a repeatable sample, not a secret
    counts: Counter[str] = Counter()
    for _ in range(samples):
        read = _shaped_like(rng.choice(listed), rng)
        found = {_counted(m.kind, m.folds) for m in index.match(read) if belongs(m.entry)}
        counts.update(kind for kind in found if kind is not None)
    return HitChance(
        counts["look_alike"] / samples,
        counts["look_alike_lower"] / samples,
        counts["one_off"] / samples,
        samples,
    )


def _counted(kind: MatchKind, folds: int) -> str | None:
    if kind is MatchKind.EXACT:
        return None  # the listed car itself
    if kind is MatchKind.ONE_OFF:
        return "one_off"
    return "look_alike" if folds <= MAX_ALERTING_FOLDS else "look_alike_lower"


def _shaped_like(key: str, rng: random.Random) -> str:
    return "".join(
        rng.choice(_DIGITS) if ch.isdigit() else rng.choice(_LETTERS) if ch.isalpha() else ch
        for ch in key
    )
