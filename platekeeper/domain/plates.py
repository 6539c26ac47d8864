"""Plate text as read versus the plate key used for matching."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from importlib import resources

from platekeeper.errors import InvalidInput

MAX_PLATE_KEY_LENGTH = 12
MAX_PLATE_TEXT_LENGTH = 32


SEPARATORS = frozenset(".·\u2212")
"""Separators beside Unicode's spaces (Zs) and dashes (Pd) that plates print: the dot and the
middle dot (``B·MW 1234``), and the minus sign that keyboards type for a hyphen."""


def normalise_plate_key(plate_text: str) -> str:
    """Return the key a plate is matched on: ASCII letters and digits only, upper case.

    The one normalisation of plate text, for reads, hot-list entries and searches alike.
    Separators (spaces, hyphens, dots) carry no identity; full-width, accented and styled forms
    fold to ASCII (NFKD); a letter of another script that looks like a Latin letter or digit
    becomes that character, by Unicode's confusables data (``plate_confusables.tsv``), so that
    the Cyrillic capitals A, VE and ES with 123 key as ``ABC123``. Anything else is refused,
    naming the character and its position: a dropped character would key a different plate.
    """
    # Most readers send the bare key already; spare them the Unicode folding.
    if plate_text.isascii() and plate_text.isalnum() and len(plate_text) <= MAX_PLATE_KEY_LENGTH:
        return plate_text.upper()
    _check_length(plate_text)
    key = "".join(_plate_characters(plate_text))
    if not key:
        raise InvalidInput(
            "plate text has no letters or digits",
            hint="Send the plate as read, for example '7ABC123'.",
        )
    if len(key) > MAX_PLATE_KEY_LENGTH:
        raise InvalidInput(
            f"plate has {len(key)} letters and digits; no plate format has more than "
            f"{MAX_PLATE_KEY_LENGTH}",
            hint="Send the characters of one plate only.",
        )
    return key


def _check_length(plate_text: str) -> None:
    if len(plate_text) > MAX_PLATE_TEXT_LENGTH:
        raise InvalidInput(
            f"plate text is {len(plate_text)} characters long; at most "
            f"{MAX_PLATE_TEXT_LENGTH} are accepted",
            hint="Send the characters of one plate only.",
        )


def _plate_characters(plate_text: str, wildcards: str = "") -> Iterator[str]:
    """The key's characters of ``plate_text``, one for each letter or digit; separators and the
    accents of a letter yield nothing; ``wildcards`` pass through; anything else is refused."""
    after_letter = False
    for position, character in enumerate(plate_text, start=1):
        for part in unicodedata.normalize("NFKD", character):
            if unicodedata.category(part).startswith("M") and after_letter:
                continue  # the accent of the letter before it: É is E
            key_char = _key_character(part, wildcards)
            if key_char is None:
                raise _refused(character, position)
            after_letter = key_char != ""
            yield key_char


def _key_character(part: str, wildcards: str) -> str | None:
    """What one folded character adds to the key: itself, its Latin look-alike, nothing for a
    separator, or None when it may not stand in a plate."""
    if part.isascii() and part.isalnum():
        return part.upper()
    if part in wildcards:
        return part
    if part in SEPARATORS or unicodedata.category(part) in ("Zs", "Pd"):
        return ""
    look_alikes = _look_alikes()
    # As typed first (Greek small nu looks like v), then its capital (Cyrillic small ve is
    # the capital VE, which looks like B): plates have one case.
    return look_alikes.get(part) or look_alikes.get(part.upper())


def _refused(character: str, position: int) -> InvalidInput:
    name = unicodedata.name(character, f"U+{ord(character):04X}")
    return InvalidInput(
        f"plate text holds {character!r} ({name}) at position {position}, which is no letter, "
        "digit or separator of a plate and looks like no Latin letter or digit",
        hint="Type the plate in Latin letters and digits; spaces and hyphens may separate them.",
    )


@functools.cache
def _look_alikes() -> dict[str, str]:
    """Letters of other scripts and the Latin letter or digit each looks like (read once)."""
    table: dict[str, str] = {}
    text = resources.files(__package__).joinpath("plate_confusables.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code_point, plate_character, _name = line.split("\t")
            table[chr(int(code_point, 16))] = plate_character
    return table


CONFUSABLE_CLASSES: tuple[str, ...] = ("O0DQ", "I1LT", "B8", "S5", "Z2", "G6")
"""Characters an OCR engine takes for one another on plates; each class folds to its first
character. Data, not code: widen a class here and hot-list matching, misread-tolerant search
and the docs follow."""

_FOLD = str.maketrans({ch: group[0] for group in CONFUSABLE_CLASSES for ch in group[1:]})
FOLD_BYTES = bytes.maketrans(  # the same, for ``bytes.translate``: six times as fast
    "".join(group[1:] for group in CONFUSABLE_CLASSES).encode("ascii"),
    "".join(group[0] * (len(group) - 1) for group in CONFUSABLE_CLASSES).encode("ascii"),
)


def fold_confusables(plate_key: str) -> str:
    """``plate_key`` (or a ``LIKE`` pattern on it) with every confusable character replaced by
    the first of its class: ``0B8123`` and ``OBB1Z3`` both fold to ``OBBIZ3``."""
    if plate_key.isascii():  # every key: bytes translate six times as fast (hot-list matching)
        return plate_key.encode("ascii").translate(FOLD_BYTES).decode("ascii")
    return plate_key.translate(_FOLD)


MAX_EXACT_ONLY_LENGTH = 3
"""Keys this short (or shorter) match exactly only, in hot-list matching and misread-tolerant
search alike: one character off a two-character plate is most of the plates on the road."""

_FOLDED_ALPHABET = "".join(sorted(set(fold_confusables("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))))


def misread_keys(plate_key: str) -> frozenset[str]:
    """Every folded key a read of ``plate_key`` may carry when the reader took look-alikes for
    one another and dropped, added or changed one character: the folded key and, for keys
    longer than ``MAX_EXACT_ONLY_LENGTH``, each folded key one edit from it that is longer than
    that too (a short plate matches exactly only). A few hundred keys for a seven-character
    plate; the plate index probes them all."""
    folded = fold_confusables(plate_key)
    if len(folded) <= MAX_EXACT_ONLY_LENGTH:
        return frozenset((folded,))
    keys = {folded}
    for at in range(len(folded) + 1):
        head, tail = folded[:at], folded[at:]
        keys.update(head + ch + tail for ch in _FOLDED_ALPHABET)
        if tail:
            keys.add(head + tail[1:])
            keys.update(head + ch + tail[1:] for ch in _FOLDED_ALPHABET)
    return frozenset(key for key in keys if len(key) > MAX_EXACT_ONLY_LENGTH)


MIN_PATTERN_LITERALS = 3
_PATTERN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*?")


def plate_pattern_to_like(pattern: str) -> str:
    """A partial plate, ``7AB*`` or ``7?BC123``, as an SQL ``LIKE`` pattern on the plate key.

    ``*`` stands for any run of characters and ``?`` for one. At least three known characters
    are needed: a pattern that matches almost every plate is a sweep, not a search.
    """
    _check_length(pattern)
    key = "".join(_plate_characters(pattern, wildcards="*?"))
    if not key or not set(key) <= _PATTERN_CHARS:
        raise InvalidInput(
            f"plate pattern {pattern!r} may hold only letters, digits, '*' and '?'",
            hint="Use '*' for any run of characters and '?' for one, e.g. '7AB*' or '7?BC123'.",
        )
    literals = sum(ch not in "*?" for ch in key)
    if literals < MIN_PATTERN_LITERALS:
        raise InvalidInput(
            f"plate pattern {pattern!r} has {literals} known characters; at least "
            f"{MIN_PATTERN_LITERALS} are needed",
            hint="Narrow the pattern with more of the characters you know.",
        )
    if len(key.replace("*", "")) > MAX_PLATE_KEY_LENGTH:
        raise InvalidInput(f"plate pattern {pattern!r} is longer than any plate")
    return key.replace("*", "%").replace("?", "_")
