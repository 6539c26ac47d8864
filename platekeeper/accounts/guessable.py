"""Whether a password is one an attacker tries first (NIST SP 800-63B 3.1.1.2).

NIST asks a verifier to refuse passwords known to be common, expected or breached, and those
built on words of the context (the service's name, the username), and to impose no composition
rules. People meet a length rule by dressing up a word: ``Summer2026!!``, ``Password123456``,
``Welcome1Welcome1``, ``P@ssw0rd2026!``. So a password is judged by its *core*: lower case, one
copy of a repeated part, digits, symbols and spaces taken off both ends, common look-alike
substitutions undone. A core that is on the shipped list (``data/common-passwords.txt``), that is
short or made of few characters, or that is little more than a context word, is refused. A
passphrase of ordinary words keeps its whole length as its core and passes.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

MIN_CORE_LENGTH = 8
"""What is left of a password once its padding is off must be at least this long..."""
MIN_DISTINCT = 5
"""...and have at least this many different characters."""
BLOCKLIST_FILE = "data/common-passwords.txt"
SERVICE_WORDS = ("platekeeper", "plate", "keeper", "alpr", "police", "sheriff", "cjis")
"""Words of this service and its trade, which people reach for when asked for a password."""
LISTED = "it is a common or breached password, give or take digits, symbols or a repeat"
_MIN_CONTEXT_WORD = 3
_PADDING = string.digits + string.punctuation + string.whitespace
# Look-alikes people substitute for letters; '1' and '!' stand for 'i' or 'l', so both are tried.
_LOOK_ALIKES = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a"}
_LOOK_ALIKES |= {"$": "s", "+": "t"}
_AS_I = str.maketrans(_LOOK_ALIKES | {"1": "i", "!": "i", "|": "i"})
_AS_L = str.maketrans(_LOOK_ALIKES | {"1": "l", "!": "l", "|": "l"})
# A part said again, with or without digits or symbols between: welcome1welcome, summer!summer.
_REPEAT = re.compile(r"^(.+?)(?:[\d\W_]*\1)+$", re.DOTALL)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class ContextWord:
    """A word a password must not be built on, and what it is, as the refusal names it."""

    text: str
    what: str


def cores(password: str) -> frozenset[str]:
    """The forms a password reduces to once its padding, repetition and look-alikes are undone."""
    lowered = _one_copy(password.lower().strip(_PADDING)).strip(_PADDING)
    return frozenset(_one_copy(lowered.translate(t)).strip(_PADDING) for t in (_AS_I, _AS_L))


def weakness(password: str, context: Iterable[ContextWord] = ()) -> str | None:
    """Why ``password`` is easy to guess, in words for the person choosing it; None if it is not."""
    words = [word for word in _normalised(context) if len(word.text) >= _MIN_CONTEXT_WORD]
    listed = blocklist()
    for core in sorted(cores(password)):
        if core in listed:
            return LISTED
        if too_plain(core):
            return "most of it is digits, symbols or repetition around a short word"
        built_on = _built_on(core, words)
        if built_on:
            return f"it is built on {' and '.join(built_on)}"
    return None


def _built_on(core: str, words: list[ContextWord]) -> list[str]:
    """What the core is built on, if it is little more than context words; else nothing."""
    rest, found = core, []
    for word in sorted(words, key=lambda word: -len(word.text)):
        if word.text in rest:
            rest = rest.replace(word.text, " ")
            found.append(word.what)
    return list(dict.fromkeys(found)) if found and too_plain(rest.strip(_PADDING)) else []


def too_plain(core: str) -> bool:
    return len(core) < MIN_CORE_LENGTH or len(set(core)) < MIN_DISTINCT


def context_words(
    username: str, display_name: str, agency_id: str, agency_name: str | None
) -> tuple[ContextWord, ...]:
    """The words of the context: this service, the agency, the account and its holder."""
    found = [ContextWord(word, "a word of this service") for word in SERVICE_WORDS]
    found += _parts(agency_id, "the agency's id") + _parts(agency_name or "", "the agency's name")
    found += _parts(username, "the username") + _parts(display_name, "the person's name")
    return tuple(found)


@functools.cache
def blocklist() -> frozenset[str]:
    """The cores of common and breached passwords and of common words and names (``BLOCKLIST_FILE``
    says where they come from)."""
    text = resources.files(__package__).joinpath(BLOCKLIST_FILE).read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _one_copy(text: str) -> str:
    """``welcome1welcome`` is ``welcome``: repeating a word does not make it harder to guess.
    ``text`` starts with no digit or symbol, so the pattern cannot backtrack without end."""
    repeated = _REPEAT.match(text)
    return text if repeated is None else repeated.group(1)


def _parts(text: str, what: str) -> list[ContextWord]:
    lowered = text.lower()
    words = [*_WORD.findall(lowered), "".join(_WORD.findall(lowered))]
    return [ContextWord(word, what) for word in dict.fromkeys(words) if word]


def _normalised(context: Iterable[ContextWord]) -> list[ContextWord]:
    """Context words as cores see them (``p0lice`` in a password is ``police``)."""
    found = []
    for word in context:
        for table in (_AS_I, _AS_L):
            found.append(ContextWord(word.text.lower().translate(table), word.what))
    return list(dict.fromkeys(found))
