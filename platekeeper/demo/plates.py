"""Made-up plates in real formats, and the ways OCR misreads them.

Regions are written as ``ReadSubmission.region`` carries them: ISO 3166-2 for US states
(``us-ca``), ISO 3166-1 for countries (``de``), lower case.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable

# Several states leave out I, O and Q, which read as 1 and 0; so do the demo's plates, which makes
# any I or O in a read an OCR confusion, as in life.
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_DIGITS = "0123456789"
_GERMAN_DISTRICTS = ("B", "M", "HH", "K", "F", "S", "D", "HB")


def _pick(rng: random.Random, alphabet: str, count: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(count))


def _california(rng: random.Random) -> str:
    return rng.choice("123456789") + _pick(rng, _LETTERS, 3) + _pick(rng, _DIGITS, 3)


def _texas_or_new_york(rng: random.Random) -> str:
    return f"{_pick(rng, _LETTERS, 3)}-{_pick(rng, _DIGITS, 4)}"


def _oregon(rng: random.Random) -> str:
    return f"{_pick(rng, _DIGITS, 3)} {_pick(rng, _LETTERS, 3)}"


def _germany(rng: random.Random) -> str:
    serial = str(rng.randint(1, 9999))
    return f"{rng.choice(_GERMAN_DISTRICTS)} {_pick(rng, _LETTERS, rng.randint(1, 2))} {serial}"


def _france(rng: random.Random) -> str:
    return f"{_pick(rng, _LETTERS, 2)}-{_pick(rng, _DIGITS, 3)}-{_pick(rng, _LETTERS, 2)}"


def _netherlands(rng: random.Random) -> str:
    return f"{_pick(rng, _LETTERS, 2)}-{_pick(rng, _DIGITS, 3)}-{_pick(rng, _LETTERS, 1)}"


_FORMATS: dict[str, Callable[[random.Random], str]] = {
    "us-ca": _california,
    "us-or": _oregon,
    "us-tx": _texas_or_new_york,
    "us-ny": _texas_or_new_york,
    "de": _germany,
    "fr": _france,
    "nl": _netherlands,
}
# Around Sacramento nearly every plate is Californian; neighbours and visitors make up the rest.
_REGION_WEIGHTS = {"us-ca": 86, "us-or": 4, "us-tx": 3, "us-ny": 3, "de": 2, "fr": 1, "nl": 1}


def new_plate(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """A plate not in ``taken``, as printed, and its region; ``taken`` gains it."""
    regions, weights = zip(*_REGION_WEIGHTS.items(), strict=True)
    while True:
        region = rng.choices(regions, weights)[0]
        shown = _FORMATS[region](rng)
        if shown not in taken:
            taken.add(shown)
            return shown, region


def is_european(region: str) -> bool:
    """Whether plates of ``region`` are the long, narrow EU kind."""
    return not region.startswith("us-")


CONFUSABLE_PAIRS = ("O0", "I1", "B8", "S5", "Z2", "G6")
"""Characters that OCR takes for one another."""
_CONFUSABLE = {pair[0]: pair[1] for pair in CONFUSABLE_PAIRS} | {
    pair[1]: pair[0] for pair in CONFUSABLE_PAIRS
}


def confusable_variants(plate_text: str, rng: random.Random, limit: int = 3) -> list[str]:
    """Up to ``limit`` different readings of ``plate_text`` that swap confusable characters."""
    positions = [index for index, char in enumerate(plate_text) if char in _CONFUSABLE]
    rng.shuffle(positions)
    choices: list[tuple[int, ...]] = [(position,) for position in positions]
    choices += list(itertools.pairwise(positions))
    variants: list[str] = []
    for swap in choices[:limit]:
        chars = list(plate_text)
        for position in swap:
            chars[position] = _CONFUSABLE[chars[position]]
        variants.append("".join(chars))
    return variants


def compact(plate_shown: str) -> str:
    """The characters a reader reports for a plate: no spaces or hyphens."""
    return "".join(char for char in plate_shown if char.isalnum())
