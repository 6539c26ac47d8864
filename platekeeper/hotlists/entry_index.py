"""Misread-aware matching of plate keys against hot-list entries: pure, in memory, no I/O.

A reader mistakes characters that look alike, and it drops or adds one. So a read is compared
with every entry three ways, and each match says which way it matched:

- ``EXACT``: the plate keys are equal.
- ``CONFUSABLE``: the keys are equal once each character is folded to its class in
  ``CONFUSABLE_CLASSES`` (in ``domain/plates.py``, which misread-tolerant search shares):
  ``0B8123`` and ``OBB1Z3`` both fold to ``OBBIZ3``.
- ``ONE_OFF``: the folded keys differ by one character missing, extra or different.

Which of these alert is decided by the tiers (``domain/hit_tiers.py``); ``match_readings``
matches a read's alternative readings too, exactly or by look-alikes.

Keys of ``MAX_EXACT_ONLY_LENGTH`` characters or fewer match exactly only: one character off a
two-character plate is most of the plates on the road.

The index (``EntryIndex``) is a symmetric-deletion index: every folded entry key, and each key
with one character deleted, maps to the folded keys it came from. A read then costs one probe
for its folded key and one per deletion of it (eight dict look-ups for a seven-character plate)
whatever the number of entries; a probe that finds something is verified and classified.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Generic, Protocol, TypeVar

from platekeeper.domain.hotlists import MatchKind
from platekeeper.domain.plates import FOLD_BYTES, MAX_EXACT_ONLY_LENGTH, fold_confusables

EXACT_SCORE = 1.0
CONFUSABLE_SCORE = 0.9
"""A confusable match with one folded character; each further fold costs ``FOLD_PENALTY``."""
MIN_CONFUSABLE_SCORE = 0.6
ONE_OFF_SCORE = 0.5
"""A one-off match with no folded character besides the edit; each fold costs ``FOLD_PENALTY``."""
MIN_ONE_OFF_SCORE = 0.3
FOLD_PENALTY = 0.1

_Found = str | tuple[str, ...]
"""What a probe finds: the folded key of one entry, or of several (a tuple, rarely)."""


class Keyed(Protocol):
    """What the index needs of an entry: a ``HotlistEntry``, or the store's lighter
    ``ActiveEntry`` (a million full entries cost twice the memory and time)."""

    @property
    def plate_key(self) -> str: ...


E = TypeVar("E", bound=Keyed)


def fold(plate_key: str) -> str:
    """``plate_key`` with every confusable character replaced by the first of its class."""
    return fold_confusables(plate_key)


@dataclass(frozen=True, slots=True)
class Match(Generic[E]):
    """A read's key matched ``entry`` this way, with a score in 0..1 (1 for exact)."""

    entry: E
    kind: MatchKind
    score: float
    folds: int = 0
    """How many characters differ only by look-alikes (besides a one-off's edit)."""


class EntryIndex(Generic[E]):
    """The entries given, indexed for matching. Immutable once built; build a new one on change."""

    def __init__(self, entries: Iterable[E]) -> None:
        self._short: dict[str, list[E]] = {}
        self._by_folded: dict[str, list[E]] = {}
        self._probes: dict[str, _Found] = {}
        self._count = 0
        for entry in entries:
            self._add(entry)

    def __len__(self) -> int:
        return self._count

    def entries(self) -> Iterator[E]:
        """Every entry indexed (to sample a list's plates)."""
        for same in chain(self._short.values(), self._by_folded.values()):
            yield from same

    @property
    def probe_keys(self) -> int:
        """How many keys the deletion index holds (for sizing)."""
        return len(self._probes)

    def _add(self, entry: E) -> None:
        self._count += 1
        key = entry.plate_key
        if len(key) <= MAX_EXACT_ONLY_LENGTH:
            self._short.setdefault(key, []).append(entry)
            return
        folded = fold(key)
        same = self._by_folded.get(folded)
        if same is not None:  # the folded key and its deletions are indexed already
            same.append(entry)
            return
        self._by_folded[folded] = [entry]
        probes = self._probes
        for probe in (folded, *_deletions(folded)):
            # The value is the dict's own key object of ``_by_folded``: no copy per probe.
            found = probes.setdefault(probe, folded)
            if found is folded:  # new, or a repeated deletion of this key ("AAB" -> "AB" twice)
                continue
            if isinstance(found, str):
                probes[probe] = (found, folded)
            elif folded not in found:
                probes[probe] = (*found, folded)

    def match(self, plate_key: str) -> list[Match[E]]:
        """Every entry ``plate_key`` matches, best first. Most reads match nothing: that path
        allocates the probes and nothing else."""
        if len(plate_key) <= MAX_EXACT_ONLY_LENGTH:
            return [
                Match(entry, MatchKind.EXACT, EXACT_SCORE)
                for entry in self._short.get(plate_key, ())
            ]
        folded = _fold_key(plate_key)
        probes = self._probes
        # The keys view intersected with the probes: the look-ups in one C loop, a fifth faster
        # than a look-up each on the path every read takes.
        hit = probes.keys() & {folded, *[folded[:i] + folded[i + 1 :] for i in range(len(folded))]}
        if not hit:
            return []
        found = [probes[probe] for probe in hit]
        matches = [
            match
            for candidate in _flatten(found)
            for match in self._classify(plate_key, folded, candidate)
        ]
        matches.sort(key=lambda match: -match.score)
        return matches

    def match_alike(self, plate_key: str) -> list[Match[E]]:
        """The entries ``plate_key`` matches exactly or through look-alike characters only."""
        if len(plate_key) <= MAX_EXACT_ONLY_LENGTH:
            return [
                Match(entry, MatchKind.EXACT, EXACT_SCORE)
                for entry in self._short.get(plate_key, ())
            ]
        entries = self._by_folded.get(_fold_key(plate_key))
        if entries is None:
            return []
        return [_equal_when_folded(plate_key, entry) for entry in entries]

    def _classify(self, plate_key: str, folded: str, candidate: str) -> list[Match[E]]:
        entries = self._by_folded[candidate]
        if candidate == folded:
            return [_equal_when_folded(plate_key, entry) for entry in entries]
        matches: list[Match[E]] = []
        for entry in entries:
            aligned = _aligned_without_edit(plate_key, folded, entry.plate_key, candidate)
            if aligned is not None:
                folds = _differences(*aligned)
                score = max(MIN_ONE_OFF_SCORE, ONE_OFF_SCORE - FOLD_PENALTY * folds)
                matches.append(Match(entry, MatchKind.ONE_OFF, round(score, 2), folds))
        return matches


@dataclass(frozen=True, slots=True)
class ReadingMatch(Generic[E]):
    """A match of one of a read's readings: ``reading`` 0 is its own text, 1 the reader's first
    alternative, and so on."""

    match: Match[E]
    reading: int


def match_readings(index: EntryIndex[E], readings: Sequence[str]) -> list[ReadingMatch[E]]:
    """The best match of each entry that any of ``readings`` (plate keys, the read's own first)
    matches: the highest score, then the earliest reading.

    The read's own text is matched every way; an alternative only exactly or by look-alikes,
    the ways that alert: a recogniser's alternatives are its other guesses, and one character
    off each of them would multiply the matches by chance for nothing that alerts. So an
    alternative costs one ``translate`` and one look-up."""
    own = [ReadingMatch(match, 0) for match in index.match(readings[0])] if readings else []
    alike = [
        ReadingMatch(match, reading)
        for reading, key in enumerate(readings[1:], start=1)
        for match in index.match_alike(key)
    ]
    if not alike:  # most reads: the read's own matches, best first already
        return own
    best: dict[int, ReadingMatch[E]] = {}
    for found in (*own, *alike):
        held = best.get(id(found.match.entry))
        if held is None or found.match.score > held.match.score:
            best[id(found.match.entry)] = found
    return sorted(best.values(), key=lambda found: (-found.match.score, found.reading))


def _fold_key(plate_key: str) -> str:
    """``fold_confusables`` for a plate key, ASCII by ``normalise_plate_key``: the bytes path
    without the check, one call less on the path every read takes."""
    return plate_key.encode("ascii").translate(FOLD_BYTES).decode("ascii")


def _deletions(key: str) -> list[str]:
    return [key[:i] + key[i + 1 :] for i in range(len(key))]


def _flatten(found: list[_Found]) -> set[str]:
    keys: set[str] = set()
    for hit in found:
        if isinstance(hit, str):
            keys.add(hit)
        else:
            keys.update(hit)
    return keys


def _equal_when_folded(plate_key: str, entry: E) -> Match[E]:
    folds = _differences(plate_key, entry.plate_key)
    if folds == 0:
        return Match(entry, MatchKind.EXACT, EXACT_SCORE)
    score = max(MIN_CONFUSABLE_SCORE, CONFUSABLE_SCORE - FOLD_PENALTY * (folds - 1))
    return Match(entry, MatchKind.CONFUSABLE, round(score, 2), folds)


def _differences(left: str, right: str) -> int:
    return sum(a != b for a, b in zip(left, right, strict=True))


def _aligned_without_edit(
    read_key: str, read_folded: str, entry_key: str, entry_folded: str
) -> tuple[str, str] | None:
    """The two raw keys, each without the one edit that turns one folded key into the other,
    so that what is left can be compared position by position; None if one edit does not do.

    A probe hit may be two edits apart (the same deletion at different positions), hence the
    check here rather than trust in the index.
    """
    at = _first_difference(read_folded, entry_folded)
    if len(read_folded) == len(entry_folded):  # one character different
        read_rest, entry_rest = _without(read_key, at), _without(entry_key, at)
        if _without(read_folded, at) != _without(entry_folded, at):
            return None
    elif len(read_folded) == len(entry_folded) + 1:  # one character extra in the read
        read_rest, entry_rest = _without(read_key, at), entry_key
        if _without(read_folded, at) != entry_folded:
            return None
    elif len(read_folded) + 1 == len(entry_folded):  # one character missing from the read
        read_rest, entry_rest = read_key, _without(entry_key, at)
        if read_folded != _without(entry_folded, at):
            return None
    else:
        return None
    return read_rest, entry_rest


def _first_difference(left: str, right: str) -> int:
    for at, (a, b) in enumerate(zip(left, right, strict=False)):
        if a != b:
            return at
    return min(len(left), len(right))


def _without(key: str, at: int) -> str:
    return key[:at] + key[at + 1 :]
