"""Plate text as read versus the plate key used for matching."""

from __future__ import annotations

import unicodedata

from platekeeper.errors import InvalidInput

MAX_PLATE_KEY_LENGTH = 12
MAX_PLATE_TEXT_LENGTH = 32


def normalise_plate_key(plate_text: str) -> str:
    """Return the key a plate is matched on: ASCII letters and digits only, upper case.

    Separators (spaces, hyphens, dots, the Mercosur and EU hyphen/space variants) carry no identity,
    and full-width or accented look-alikes are folded to ASCII so that full-width ``ABC-123`` and
    ``abc 123`` are the same plate.
    """
    # Most readers send the bare key already; spare them the Unicode folding.
    if plate_text.isascii() and plate_text.isalnum() and len(plate_text) <= MAX_PLATE_KEY_LENGTH:
        return plate_text.upper()
    if not plate_text.isprintable():
        raise InvalidInput(
            "plate text holds control characters",
            hint="Send the plate as read, letters, digits and separators only.",
        )
    if len(plate_text) > MAX_PLATE_TEXT_LENGTH:
        raise InvalidInput(
            f"plate text is {len(plate_text)} characters long; at most "
            f"{MAX_PLATE_TEXT_LENGTH} are accepted",
            hint="Send the characters of one plate only.",
        )
    folded = unicodedata.normalize("NFKD", plate_text).upper()
    key = "".join(ch for ch in folded if ch.isascii() and ch.isalnum())
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


CONFUSABLE_CLASSES: tuple[str, ...] = ("O0DQ", "I1LT", "B8", "S5", "Z2", "G6")
"""Characters an OCR engine takes for one another on plates; each class folds to its first
character. Data, not code: widen a class here and hot-list matching, misread-tolerant search
and the docs follow."""

_FOLD = str.maketrans({ch: group[0] for group in CONFUSABLE_CLASSES for ch in group[1:]})


def fold_confusables(plate_key: str) -> str:
    """``plate_key`` (or a ``LIKE`` pattern on it) with every confusable character replaced by
    the first of its class: ``0B8123`` and ``OBB1Z3`` both fold to ``OBBIZ3``."""
    return plate_key.translate(_FOLD)


MIN_PATTERN_LITERALS = 3
_PATTERN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*?")


def plate_pattern_to_like(pattern: str) -> str:
    """A partial plate, ``7AB*`` or ``7?BC123``, as an SQL ``LIKE`` pattern on the plate key.

    ``*`` stands for any run of characters and ``?`` for one. At least three known characters
    are needed: a pattern that matches almost every plate is a sweep, not a search.
    """
    key = "".join(ch for ch in pattern.upper() if not ch.isspace() and ch != "-")
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
