"""Where a read differs from the listed plate it matched: the marks a person sees, and the
words a screen reader says."""

from __future__ import annotations

import pytest

from platekeeper.domain.hit_labels import code_label, hit_label, outcome_label
from platekeeper.domain.hotlists import HitOutcome, HitStatus, MatchKind, RejectionReason
from platekeeper.domain.plate_diff import plate_differences


def marked(read: str, listed: str) -> str:
    """The read with its differing characters in brackets."""
    return "".join(
        f"[{part.text}]" if part.differs else part.text for part in plate_differences(read, listed)
    )


@pytest.mark.parametrize(
    ("read", "listed", "shown", "said"),
    [
        ("4NMK61O", "4NMK610", "4NMK61[O]", ["differs: 0 read as O"]),
        ("7A8C123", "7ABC123", "7A[8]C123", ["differs: B read as 8"]),
        ("1ABC234", "IABC234", "[1]ABC234", ["differs: I read as 1"]),
        ("7ABC12", "7ABC123", "7ABC12[]", ["differs: 3 missing from the read"]),
        ("7ABC1234", "7ABC123", "7ABC123[4]", ["differs: 4 not on the listed plate"]),
    ],
)
def test_the_differing_characters_are_marked_and_said(
    read: str, listed: str, shown: str, said: list[str]
) -> None:
    assert marked(read, listed) == shown
    assert [part.said for part in plate_differences(read, listed) if part.differs] == said


@pytest.mark.parametrize(("read", "listed"), [("7ABC123", "7ABC123"), ("7abc 123", "7ABC123")])
def test_the_same_plate_written_another_way_differs_nowhere(read: str, listed: str) -> None:
    parts = plate_differences(read, listed)
    assert not any(part.differs for part in parts)
    assert "".join(part.text for part in parts) == read, "the read is shown as it was read"


def test_every_code_of_a_hit_has_words_and_none_is_shown_raw() -> None:
    for code in (*HitStatus, *RejectionReason, *HitOutcome, *MatchKind):
        words = hit_label(code)
        assert words[0].isupper(), f"{code.value}: {words}"
        assert words != code.value
    assert outcome_label("no-stop") == "No stop"
    assert outcome_label(None) == "No outcome yet"
    assert code_label("false-hit") == "False hit"
    assert code_label("none yet") == "none yet", "text that is no code is left as it is"
