"""Words that point at a matter a jurisdiction forbids, however a purpose or a case is spelt.

A forbidden category is easy to dodge by filing the same matter under another one: 'ice-assist'
as a criminal investigation, 'HSI/ERO request' as a case number. ``points_at`` reads any free text
the way a person would: case, accents, hyphens, underscores and punctuation do not matter, dotted
or spaced acronyms ('I.C.E.', 'h s i') are joined, plurals are singular, and short words only
match whole ('police' and 'notice' do not hold 'ice'). Long distinctive stems also match inside
run-together words ('immigrationcheck', 'deportee').

The vocabularies are keyed by ``PurposeCategory`` value (a test keeps the keys in that list); the
module stays free of the purpose types so that ``purposes`` can use it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What points at one matter: whole words or phrases, and stems matched anywhere."""

    phrases: tuple[str, ...]
    """Matched as whole words, in order ('removal proceedings', 'ICE', '287(g)')."""
    stems: tuple[str, ...]
    """Letters matched anywhere in the text with its separators removed ('immigra')."""


VOCABULARIES: Mapping[str, Vocabulary] = {
    "immigration-enforcement": Vocabulary(
        phrases=(
            "ice",
            "cbp",
            "hsi",
            "ero",
            "dhs",
            "uscis",
            "eoir",
            "alien",
            "asylum",
            "refugee",
            "visa overstay",
            "green card",
            "migra",
            "removal proceedings",
            "removal order",
            "expedited removal",
            "enforcement and removal",
            "homeland security investigations",
            "customs and border protection",
            "illegal entry",
            "illegal reentry",
            "287 g",
        ),
        stems=(
            "immigra",
            "deport",
            "undocumented",
            "migrant",
            "noncitizen",
            "borderpatrol",
            "borderprotection",
            "overstay",
            "greencard",
            "287g",
        ),
    ),
    "reproductive-health-care": Vocabulary(
        phrases=("ivf", "family planning", "planned parenthood", "termination of pregnancy"),
        stems=(
            "abortion",
            "abortifacient",
            "reproductiv",
            "pregnan",
            "contracept",
            "miscarr",
            "mifepristone",
            "misoprostol",
        ),
    ),
}


def points_at(text: str, categories: Iterable[str]) -> tuple[str, str] | None:
    """The first of ``categories`` that ``text`` points at, with the word that gave it away."""
    words = _words(text)
    joined = "".join(words)
    for category in categories:
        vocabulary = VOCABULARIES.get(category)
        if vocabulary is None:
            continue
        found = _find(vocabulary, words, joined)
        if found is not None:
            return category, found
    return None


def _find(vocabulary: Vocabulary, words: list[str], joined: str) -> str | None:
    for phrase in vocabulary.phrases:
        if _holds_phrase(words, _words(phrase)):
            return phrase
    return next((stem for stem in vocabulary.stems if stem in joined), None)


def _words(text: str) -> list[str]:
    """Lower-case words of ``text`` without accents; runs of single letters joined (I.C.E.)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words: list[str] = []
    run = ""
    for word in re.findall(r"[a-z]+|[0-9]+", plain):
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            words.append(run)
            run = ""
        words.append(word)
    if run:
        words.append(run)
    return words


def _holds_phrase(words: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return any(
        all(_same(words[start + i], phrase[i]) for i in range(size))
        for start in range(len(words) - size + 1)
    )


def _same(word: str, wanted: str) -> bool:
    """``word`` is ``wanted`` or its plural ('aliens', 'visas', 'ices')."""
    return word in (wanted, wanted + "s", wanted + "es")
