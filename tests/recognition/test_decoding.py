"""Character probabilities to text: collapsing, per-character confidence, alternatives."""

from __future__ import annotations

import numpy as np
import pytest

from platekeeper.recognition.decoding import alternatives, best_path, substitute
from platekeeper.recognition.protocols import ALPHABET, CharProbs


def rows(*columns: str | None, sure: float = 0.9) -> CharProbs:
    """One row per entry: mostly that character (None: blank), the rest spread evenly."""
    probs = np.full((len(columns), len(ALPHABET) + 1), (1 - sure) / len(ALPHABET), np.float32)
    for row, char in enumerate(columns):
        probs[row, 0 if char is None else ALPHABET.index(char) + 1] = sure
    return CharProbs(probs)


def test_best_path_collapses_repeats_and_drops_blanks() -> None:
    reading = best_path(rows("A", "A", None, "B", None, "7", "7", "7"))
    assert reading.text == "AB7"
    assert reading.spans == ((0, 2), (3, 4), (5, 8))
    assert reading.char_confidences == pytest.approx((0.9, 0.9, 0.9))


def test_a_blank_between_repeats_keeps_both() -> None:
    assert best_path(rows("1", None, "1", "1")).text == "11"


def test_slots_are_not_collapsed() -> None:
    slots = rows("1", "1", None, "A")
    assert best_path(CharProbs(slots.probs, ctc=False)).text == "11A"


def test_confidence_is_the_geometric_mean_and_zero_for_nothing() -> None:
    assert best_path(rows("A", "B")).confidence == pytest.approx(0.9)
    assert best_path(rows(None, None)).confidence == 0.0


def test_substitute_picks_the_likeliest_allowed_character_over_the_span() -> None:
    output = rows("O", "O", "7")
    output.probs[1, ALPHABET.index("0") + 1] = 0.3
    output.probs[0, ALPHABET.index("D") + 1] = 0.2
    reading = best_path(output)
    char, probability = substitute(output, reading, 0, "0D")
    assert char == "0"
    assert probability == pytest.approx(0.3)


def test_alternatives_rank_the_uncertain_character_second() -> None:
    output = rows("B", "B", None, "8")
    output.probs[3, ALPHABET.index("B") + 1] = 0.4
    output.probs[3, ALPHABET.index("8") + 1] = 0.55
    texts = [text for text, _ in alternatives(output, 3)]
    assert texts[:2] == ["B8", "BB"]


def test_alternatives_of_slots() -> None:
    output = rows("K", "4")
    output.probs[1, ALPHABET.index("A") + 1] = 0.5
    output.probs[1, ALPHABET.index("4") + 1] = 0.45
    texts = [text for text, _ in alternatives(CharProbs(output.probs, ctc=False), 2)]
    assert texts == ["KA", "K4"]
