"""What ``policy check`` reports: one finding per thing missing, in conflict, or worth a look."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

TODO = "TODO"
"""The marker ``platekeeper policy init`` writes where a person must fill something in."""


class Severity(StrEnum):
    MISSING = "missing"
    """An element or key the policy must state is absent or still says TODO."""
    CONFLICT = "conflict"
    """The policy says something a profile's law forbids, or two rules cannot both hold."""
    WARNING = "warning"
    """Worth a look, but the policy is complete without it."""


@dataclass(frozen=True, slots=True)
class PolicyFinding:
    element: str
    """A-G (1798.90.51(b)(2)), ``public-comment`` (1798.90.55(a)) or ``profile:<code>``."""
    severity: Severity
    key: str
    """The policy file key at fault, e.g. ``retention.classes.non-hit-reads.max_age``."""
    message: str
    """What is wrong and what to write."""

    @property
    def blocking(self) -> bool:
        return self.severity is not Severity.WARNING


PLACEHOLDERS = frozenset(
    {
        "tbd", "tba", "tbc", "tbdl", "na", "none", "nil", "null", "unknown", "pending",
        "todo", "fixme", "xxx", "xx", "x", "placeholder", "test", "example", "sample",
        "later", "to be determined", "to be announced", "to be confirmed", "not applicable",
        "not yet", "lorem ipsum", "same", "see above", "various", "other", "etc", "whatever",
    }
)  # fmt: skip
"""Words people write to fill a field without saying anything; compared after reducing the
text to lower-case words, so 'T.B.D.', 'N/A' and '- tbc -' are all caught."""


def placeholder(text: str) -> bool:
    """Whether ``text`` says nothing: empty, only punctuation, or a stock filler."""
    words = " ".join(re.findall(r"[a-z0-9]+", text.casefold()))
    return not words or words in PLACEHOLDERS or words.replace(" ", "") in PLACEHOLDERS


def unfilled(text: str) -> bool:
    return TODO in text or placeholder(text)


def missing_text(element: str, key: str, text: str, what: str) -> list[PolicyFinding]:
    if not unfilled(text):
        return []
    if TODO in text:
        state = "still says TODO"
    elif text.strip():
        state = f"says {text.strip()!r}, which says nothing"
    else:
        state = "is missing"
    return [PolicyFinding(element, Severity.MISSING, key, f"{key} {state}: write {what}")]
