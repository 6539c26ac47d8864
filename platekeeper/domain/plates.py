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
