"""Misread-aware matching of plate keys against hot-list entries: pure, in memory, no I/O.

A reader mistakes characters that look alike, and it drops or adds one. So a read is compared
with every entry three ways, and each match says which way it matched:

- ``EXACT``: the plate keys are equal.
- ``CONFUSABLE``: the keys are equal once each character is folded to its class in
  ``CONFUSABLE_CLASSES`` (in ``domain/plates.py``, which misread-tolerant search shares):
  ``0B8123`` and ``OBB1Z3`` both fold to ``OBBIZ3``.
- ``ONE_OFF``: the folded keys differ by one character missing, extra or different.

Which of these alert is decided by the tiers (``domain/hit_tiers.py``);
``EntryIndex.match_readings`` matches a read's alternative readings too, exactly or by look-alikes.

Keys of ``MAX_EXACT_ONLY_LENGTH`` characters or fewer match exactly only: one character off a
two-character plate is most of the plates on the road.

The index (``EntryIndex``) is a symmetric-deletion index: every folded entry key, and each key
with one character deleted, maps to the folded keys it came from. A read then costs one probe
for its folded key, one per deletion of it and one per alternative reading (eleven look-ups in
one intersection for a seven-character plate with three alternatives) whatever the number of
entries; a probe that finds something is verified and classified.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence, Set
from dataclasses import dataclass
from functools import cache
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
            return self._short_matches(plate_key)
        folded = _fold_key(plate_key)
        deletions = _deletions(folded)
        # The keys view intersected with the probes: the look-ups in one C loop, a fifth faster
        # than a look-up each on the path every read takes; given a list, not a set, as a set
        # would be built only to be walked once.
        hit = self._probes.keys() & [folded, *deletions]
        if not hit:
            return []
        equal, one_off = self._within_one_edit(folded, deletions, hit)
        return self._own_matches(plate_key, folded, equal, one_off)

    def match_alike(self, plate_key: str) -> list[Match[E]]:
        """The entries ``plate_key`` matches exactly or through look-alike characters only."""
        if len(plate_key) <= MAX_EXACT_ONLY_LENGTH:
            return self._short_matches(plate_key)
        entries = self._by_folded.get(_fold_key(plate_key), ())
        return [_equal_when_folded(plate_key, entry) for entry in entries]

    def match_readings(self, readings: Sequence[str]) -> list[ReadingMatch[E]]:
        """The best match of each entry that any of ``readings`` (plate keys, the read's own
        first) matches: the highest score, then the earliest reading.

        The read's own text is matched every way; an alternative only exactly or by look-alikes,
        the ways that alert: a recogniser's alternatives are its other guesses, and one character
        off each of them would multiply the matches by chance for nothing that alerts.

        Most reads match nothing, and that path is one fold of all the readings together and one
        intersection of the probes with the own key, its deletions and the alternatives' folded
        keys (an entry's folded key is a probe too): no Python call per alternative, no object
        built beyond the probes."""
        if not readings:
            return []
        if min(map(len, readings)) <= MAX_EXACT_ONLY_LENGTH:  # rare: a short key matches apart
            return self._each_reading(readings)
        folded = _fold_keys(readings)
        own = folded[0]
        deletions = _deletions(own)
        hit = self._probes.keys() & [*folded, *deletions]  # as in ``match``
        if not hit:
            return []
        equal, one_off = self._within_one_edit(own, deletions, hit)
        alike = [reading for reading in range(1, len(readings)) if folded[reading] in hit]
        if not (equal or one_off or alike):  # most hits: deletions at other positions
            return []
        own_matches = self._own_matches(readings[0], own, equal, one_off)
        found = [ReadingMatch(match, 0) for match in own_matches]
        for reading in alike:  # an entry's folded key, or only a deletion of a longer one
            entries = self._by_folded.get(folded[reading], ())
            key = readings[reading]
            found.extend(ReadingMatch(_equal_when_folded(key, e), reading) for e in entries)
        return _best_per_entry(found)

    def _each_reading(self, readings: Sequence[str]) -> list[ReadingMatch[E]]:
        """``match_readings`` one reading at a time, for readings short keys are among."""
        own = [ReadingMatch(match, 0) for match in self.match(readings[0])]
        alike = [
            ReadingMatch(match, reading)
            for reading, key in enumerate(readings[1:], start=1)
            for match in self.match_alike(key)
        ]
        return _best_per_entry([*own, *alike])

    def _short_matches(self, plate_key: str) -> list[Match[E]]:
        return [Match(e, MatchKind.EXACT, EXACT_SCORE) for e in self._short.get(plate_key, ())]

    def _within_one_edit(
        self, folded: str, deletions: Sequence[str], hit: Set[str]
    ) -> tuple[bool, set[str]]:
        """Whether an entry's folded key is the read's ``folded`` key, and the folded keys one
        edit from it, among the probes ``hit`` of it and its ``deletions`` (by position).

        A deletion probe finds keys one edit away, and also keys that lost a character at
        another position (two edits: "7ABC" and "7BAC" both give "7BC"), most of what it finds
        in a large list; knowing the position of the read's deletion, one slice comparison
        tells them apart before anything is built."""
        probes = self._probes
        equal = False
        one_off: set[str] = set()
        if folded in hit:
            for key in _keys(probes[folded]):
                if key == folded:
                    equal = True
                else:  # a key one longer, with the character the read missed
                    one_off.add(key)
        for at, probe in enumerate(deletions):
            if probe in hit:
                for key in _keys(probes[probe]):
                    # The probe itself (the read has a character extra), or a key as long as
                    # the read's that differs from it at ``at`` only.
                    if len(key) < len(folded) or (
                        key != folded and key[:at] + key[at + 1 :] == probe
                    ):
                        one_off.add(key)
        return equal, one_off

    def _own_matches(
        self, plate_key: str, folded: str, equal: bool, one_off: set[str]
    ) -> list[Match[E]]:
        """The matches of a read's own key: the entries of its ``folded`` key if ``equal``, and
        those of the ``one_off`` folded keys, best first."""
        entries = self._by_folded[folded] if equal else ()
        matches = [_equal_when_folded(plate_key, entry) for entry in entries]
        for key in one_off:
            matches.extend(self._one_off(plate_key, folded, key))
        matches.sort(key=lambda match: -match.score)
        return matches

    def _one_off(self, plate_key: str, folded: str, candidate: str) -> list[Match[E]]:
        matches: list[Match[E]] = []
        for entry in self._by_folded[candidate]:
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


def _best_per_entry(found: list[ReadingMatch[E]]) -> list[ReadingMatch[E]]:
    """The best of ``found`` per entry, best first: the highest score, then the earliest
    reading. ``found`` holds the own reading's matches first, best first already."""
    if all(each.reading == 0 for each in found):  # most matched reads: nothing to merge
        return found
    best: dict[int, ReadingMatch[E]] = {}
    for each in found:
        held = best.get(id(each.match.entry))
        if held is None or each.match.score > held.match.score:
            best[id(each.match.entry)] = each
    return sorted(best.values(), key=lambda each: (-each.match.score, each.reading))


def _fold_key(plate_key: str) -> str:
    """``fold_confusables`` for a plate key, ASCII by ``normalise_plate_key``: the bytes path
    without the check, one call less on the path every read takes."""
    return plate_key.encode("ascii").translate(FOLD_BYTES).decode("ascii")


def _deletions(key: str) -> list[str]:
    return [key[head] + key[tail] for head, tail in _cuts(len(key))]


@cache
def _cuts(length: int) -> tuple[tuple[slice, slice], ...]:
    """The slices that leave out each character of a key of ``length`` in turn: made once per
    length, not twice per deletion of every read (a fifth of what a deletion costs)."""
    return tuple((slice(None, at), slice(at + 1, None)) for at in range(length))


def _fold_keys(plate_keys: Sequence[str]) -> list[str]:
    """``_fold_key`` of each of ``plate_keys`` in one translation: a plate key holds letters
    and digits only, so a space cannot occur in one."""
    joined = " ".join(plate_keys).encode("ascii")
    return joined.translate(FOLD_BYTES).decode("ascii").split(" ")


def _keys(found: _Found) -> tuple[str, ...]:
    return (found,) if isinstance(found, str) else found


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

    ``EntryIndex`` passes only keys one edit apart; the check stays, as the alignment needs
    the edit's kind and position anyway.
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
