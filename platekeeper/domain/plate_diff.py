"""Where a read differs from the plate it matched, character by character.

A misread hit (``4NMK61O`` read, ``4NMK610`` listed) looks like an exact one in most fonts; the
person verifying it must see which characters differ before acting. The two plates are aligned
on their characters as written (separators kept, case folded), so what is shown is the read as
the camera gave it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_SEPARATORS = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class PlatePart:
    """A run of the read's characters; ``listed`` is what the listed plate has in their place
    when they differ (empty when the read has characters the listed plate lacks)."""

    text: str
    differs: bool = False
    listed: str = ""

    @property
    def said(self) -> str:
        """The difference in words, for those who do not see the highlight."""
        if not self.differs:
            return ""
        if not self.text:
            return f"differs: {self.listed} missing from the read"
        if not self.listed:
            return f"differs: {self.text} not on the listed plate"
        return f"differs: {self.listed} read as {self.text}"


def plate_differences(read_text: str, listed_text: str) -> tuple[PlatePart, ...]:
    """``read_text`` in parts, those differing from ``listed_text`` marked; one unmarked part
    when they are the same plate."""
    read, listed = read_text.upper(), listed_text.upper()
    matcher = SequenceMatcher(None, read, listed, autojunk=False)
    parts = []
    for tag, read_from, read_to, listed_from, listed_to in matcher.get_opcodes():
        text = read_text[read_from:read_to]
        instead = _SEPARATORS.sub("", listed_text[listed_from:listed_to])
        # Separators are how a plate is written, not what it is: a space more is no difference.
        if tag == "equal" or not (_SEPARATORS.sub("", text) or instead):
            parts.append(PlatePart(text))
        else:
            parts.append(PlatePart(text, True, instead))
    return tuple(parts)
