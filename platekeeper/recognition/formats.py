"""Plate formats as data (formats.json): ranking readings and fixing confusable characters.

A format is a pattern of L (letter), D (digit) and A (either), with ``{m,n}`` repeats. A reading
that misses every format of its region only by characters that look alike (O/0, I/1, B/8, ...)
is corrected at exactly those positions, to the look-alike the reader found most likely there.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import product
from typing import Any

from platekeeper.errors import InvalidInput

REGIONS = ("us", "eu", "br")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
_CLASS = {"L": LETTERS, "D": DIGITS, "A": LETTERS + DIGITS}
_TOKEN = re.compile(r"([LDA])(?:\{(\d+)(?:,(\d+))?\})?")
MAX_FIXES = 2
# Cameras print the date (and time) into the picture: 20140508, 2014050806...
_DATE_STAMP = re.compile(r"(19|20)\d\d(0[1-9]|1[0-2])\d*")


@dataclass(frozen=True, slots=True)
class Geometry:
    """How a region's plate surrounds its line of characters, to estimate the plate's box."""

    plate_aspect: float
    text_height_share: float
    text_width_share: float


@dataclass(frozen=True, slots=True)
class Fit:
    """A reading made to fit a format: the text, where it came from, and how many fixes it took."""

    text: str
    region: str
    fixes: int


@dataclass(frozen=True, slots=True)
class FormatBook:
    """The formats of one region (or all, for ``auto``), indexed by pattern length."""

    by_length: dict[int, tuple[tuple[str, str], ...]]
    confusable: dict[str, str]
    geometry: Geometry
    not_plates: frozenset[str]
    region_words: dict[str, str]
    unused_letters: str = ""

    def matches(self, text: str) -> list[str]:
        """The sub-regions (``us-ca``, ``de``) whose formats ``text`` matches as it is."""
        return [region for pattern, region in self._of(text) if _fits(text, pattern)]

    def fit(self, text: str, choose: Callable[[int, str], str]) -> Fit | None:
        """``text`` fitted to a format by at most ``MAX_FIXES`` look-alike fixes, fewest first.

        ``choose(position, allowed)`` picks the reader's likeliest character among ``allowed``.
        """
        best: Fit | None = None
        for pattern, region in self._of(text):
            fixed = self._fix(text, pattern, choose)
            if fixed is None:
                continue
            new_text, fixes = fixed
            if best is None or fixes < best.fixes:
                best = Fit(new_text, region, fixes)
            if fixes == 0:
                break
        return best

    def prefer_digits(self, text: str, choose: Callable[[int, str], str]) -> str:
        """``text`` with the region's unused letters read as digits, where that makes sense.

        It does when the reading already holds digits, or when the digits make it fit a format;
        an all-letter reading that fits no format stays as it is (a vanity plate, a word).
        """
        if not self.unused_letters or not any(c in self.unused_letters for c in text):
            return text
        converted = "".join(
            choose(i, self.confusable[c][:1]) if c in self.unused_letters else c
            for i, c in enumerate(text)
        )
        if converted.isdigit():
            return text
        if any(c.isdigit() for c in text) or self.matches(converted):
            return converted
        return text

    def trimmed(self, text: str) -> str | None:
        """``text`` less one character at either end, if that alone makes it fit a format.

        Band letters, state graphics and frame screws are read as an extra edge character.
        """
        if self.matches(text):
            return None
        for shorter in (text[1:], text[:-1]):
            if len(shorter) >= 4 and self.matches(shorter):
                return shorter
        return None

    def is_not_plate(self, text: str) -> bool:
        """A known word (state, slogan, make) or a date stamp burnt into the picture."""
        return text in self.not_plates or _DATE_STAMP.fullmatch(text) is not None

    def _of(self, text: str) -> tuple[tuple[str, str], ...]:
        return self.by_length.get(len(text), ())

    def _fix(
        self, text: str, pattern: str, choose: Callable[[int, str], str]
    ) -> tuple[str, int] | None:
        chars = list(text)
        fixes = 0
        for position, (char, need) in enumerate(zip(text, pattern, strict=True)):
            if char in _CLASS[need]:
                continue
            allowed = "".join(
                c
                for c in self.confusable.get(char, "")
                if c in _CLASS[need] and c not in self.unused_letters
            )
            fixes += 1
            if not allowed or fixes > MAX_FIXES:
                return None
            chars[position] = choose(position, allowed)
        return "".join(chars), fixes


def _fits(text: str, pattern: str) -> bool:
    return all(char in _CLASS[need] for char, need in zip(text, pattern, strict=True))


def expand(pattern: str) -> Iterator[str]:
    """Every fixed-length pattern that ``pattern`` with its repeats stands for."""
    pieces: list[list[str]] = []
    position = 0
    for match in _TOKEN.finditer(pattern):
        if match.start() != position:
            raise ValueError(f"bad plate format {pattern!r} at {position}")
        position = match.end()
        cls, low, high = match.group(1), match.group(2), match.group(3)
        least = int(low) if low else 1
        most = int(high) if high else least
        pieces.append([cls * n for n in range(least, most + 1)])
    if position != len(pattern):
        raise ValueError(f"bad plate format {pattern!r} at {position}")
    yield from ("".join(parts) for parts in product(*pieces))


@functools.cache
def _document() -> dict[str, Any]:
    text = (resources.files("platekeeper.recognition") / "formats.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@functools.cache
def format_book(region: str) -> FormatBook:
    """The formats for ``region``: us, eu, br, or auto (all of them)."""
    document = _document()
    if region != "auto" and region not in document["regions"]:
        raise InvalidInput(
            f"unknown plate region {region!r}", hint=f"Use one of {', '.join(REGIONS)} or auto."
        )
    chosen = list(document["regions"]) if region == "auto" else [region]
    by_length: dict[int, list[tuple[str, str]]] = {}
    for name in chosen:
        for sub_region, patterns in document["regions"][name]["formats"].items():
            for pattern in patterns:
                for fixed in expand(pattern):
                    entry = (fixed, sub_region)
                    if entry not in by_length.setdefault(len(fixed), []):
                        by_length[len(fixed)].append(entry)
    shape = document["regions"][chosen[0] if region != "auto" else "us"]
    return FormatBook(
        by_length={length: tuple(entries) for length, entries in by_length.items()},
        confusable=dict(document["confusable"]),
        geometry=Geometry(
            float(shape["plate_aspect"]),
            float(shape["text_height_share"]),
            float(shape["text_width_share"]),
        ),
        not_plates=frozenset(document["not_plates"]) | frozenset(document["region_words"]),
        region_words=dict(document["region_words"]),
        unused_letters="" if region == "auto" else str(shape["unused_letters"]),
    )
