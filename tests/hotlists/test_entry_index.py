"""The misread-aware entry index, on its own: pure, no store."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from platekeeper.domain.hotlists import HotlistEntry, MatchKind
from platekeeper.domain.plates import CONFUSABLE_CLASSES
from platekeeper.hotlists.entry_index import EXACT_SCORE, EntryIndex, Match, fold
from tests.conftest import NOW


def entry(plate: str, entry_id: str = "e1", state: str | None = "us-ca") -> HotlistEntry:
    return HotlistEntry(
        id=entry_id,
        list_id="stolen",
        plate_text=plate,
        state=state,
        reason="stolen vehicle",
        entered_by="sam",
        entered_at=NOW - timedelta(days=1),
        expires_at=None,
    )


def only(matches: list[Match[HotlistEntry]]) -> Match[HotlistEntry]:
    assert len(matches) == 1, matches
    return matches[0]


def test_an_exact_key_matches_exactly_with_full_score() -> None:
    match = only(EntryIndex([entry("7ABC123")]).match("7ABC123"))
    assert (match.kind, match.score) == (MatchKind.EXACT, EXACT_SCORE)


@pytest.mark.parametrize("group", CONFUSABLE_CLASSES)
def test_each_confusable_class_matches_as_confusable(group: str) -> None:
    listed = f"7X{group[0]}K12"
    index = EntryIndex([entry(listed)])
    for other in group[1:]:
        match = only(index.match(f"7X{other}K12"))
        assert match.kind is MatchKind.CONFUSABLE
        assert match.score < EXACT_SCORE


def test_confusable_scores_fall_with_each_folded_character() -> None:
    index = EntryIndex([entry("8OS5123")])
    one = only(index.match("BOS5123"))
    three = only(index.match("B0S5I23"))
    assert one.kind is three.kind is MatchKind.CONFUSABLE
    assert one.score > three.score


@pytest.mark.parametrize(
    ("read", "how"),
    [("7ABC12", "missing"), ("7ABXC123", "extra"), ("7ABX123", "different")],
)
def test_one_character_missing_extra_or_different_is_one_off(read: str, how: str) -> None:
    match = only(EntryIndex([entry("7ABC123")]).match(read))
    assert match.kind is MatchKind.ONE_OFF, how
    assert match.score < only(EntryIndex([entry("7ABC123")]).match("7A8C123")).score


def test_one_off_and_confusable_together_still_match_one_off() -> None:
    match = only(EntryIndex([entry("7ABC123")]).match("7A8C12"))
    assert match.kind is MatchKind.ONE_OFF


def test_two_characters_off_does_not_match() -> None:
    index = EntryIndex([entry("7ABC123")])
    assert index.match("7AXC1Y3") == []
    assert index.match("7ABC1") == []
    assert index.match("7ABC12345") == []
    assert index.match("A7BC123") == []  # two characters swapped is two edits


@pytest.mark.parametrize("plate", ["AB1", "X9", "7"])
def test_short_plates_match_exactly_only(plate: str) -> None:
    index = EntryIndex([entry(plate)])
    assert only(index.match(plate)).kind is MatchKind.EXACT
    folded_variant = plate.replace("1", "I").replace("9", "8").replace("7", "T")
    for read in (folded_variant, plate + "Q", plate[:-1] or "Z", "W" + plate):
        if read != plate:
            assert index.match(read) == []


def test_a_short_read_does_not_match_a_longer_entry_fuzzily() -> None:
    assert EntryIndex([entry("ABC1")]).match("ABC") == []


def test_every_entry_within_reach_matches_best_first() -> None:
    index = EntryIndex(
        [entry("7ABC123", "exact"), entry("7A8C123", "folded"), entry("7ABC12", "short")]
    )
    matches = index.match("7ABC123")
    assert [m.entry.id for m in matches] == ["exact", "folded", "short"]
    assert [m.kind for m in matches] == [MatchKind.EXACT, MatchKind.CONFUSABLE, MatchKind.ONE_OFF]


def test_entries_sharing_a_folded_key_all_match() -> None:
    index = EntryIndex([entry("0ABC123", "zero"), entry("OABC123", "oh")])
    assert {m.entry.id for m in index.match("OABC123")} == {"zero", "oh"}
    assert len(index) == 2


def test_unrelated_plates_do_not_match() -> None:
    rng = random.Random(5)
    alphabet = "ACEFHJKMNPRUVWXY34679"  # no confusable characters, so folding cannot bridge
    listed = ["".join(rng.choices(alphabet, k=7)) for _ in range(200)]
    index = EntryIndex([entry(plate, f"e{i}") for i, plate in enumerate(listed)])
    for _ in range(2000):
        read = "".join(rng.choices(alphabet, k=7))
        for match in index.match(read):
            # Whatever matched must be within one edit, so a hit is never unexplained.
            assert _edit_distance(fold(read), fold(match.entry.plate_key)) <= 1


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def test_fold_maps_each_class_to_its_first_character() -> None:
    for group in CONFUSABLE_CLASSES:
        assert fold(group) == group[0] * len(group)


def test_a_read_matching_nothing_through_any_reading_matches_nothing() -> None:
    index = EntryIndex([entry("7ABC123")])
    assert index.match_readings(["KXR4821", "KXR482L", "KXR4B21", "HXR4821"]) == []
    assert index.match_readings([]) == []


def test_a_read_whose_only_match_is_an_alternative_says_which_reading() -> None:
    index = EntryIndex([entry("7ABC123")])
    [found] = index.match_readings(["7XYZ128", "7XYZ12B", "7A8C123", "7ABC12B"])
    assert (found.match.kind, found.match.folds, found.reading) == (MatchKind.CONFUSABLE, 1, 2)


def test_an_alternative_one_character_off_does_not_match() -> None:
    # Alternatives match exactly or by look-alikes only; "7ABC12" is one off, so is "7ABX123".
    assert EntryIndex([entry("7ABC123")]).match_readings(["KXR4821", "7ABC12", "7ABX123"]) == []


def test_the_best_match_of_an_entry_wins_then_the_earliest_reading() -> None:
    index = EntryIndex([entry("7ABC123", "listed"), entry("KXR4821", "other")])
    found = index.match_readings(["7ABC128", "KXR4821", "7ABC123", "7ABC123"])
    assert [(f.match.entry.id, f.match.kind, f.reading) for f in found] == [
        ("other", MatchKind.EXACT, 1),
        ("listed", MatchKind.EXACT, 2),  # not the one-off of reading 0, nor reading 3
    ]


def test_a_short_key_among_the_readings_matches_exactly_only() -> None:
    index = EntryIndex([entry("AB1", "short"), entry("7ABC123", "long")])
    found = index.match_readings(["7ABC12", "AB1", "A81"])
    assert [(f.match.entry.id, f.match.kind, f.reading) for f in found] == [
        ("short", MatchKind.EXACT, 1),
        ("long", MatchKind.ONE_OFF, 0),
    ]


def test_every_entry_within_one_edit_matches_and_no_other() -> None:
    """Against a dense list (few characters, so most deletions collide at other positions),
    the read's own key matches exactly the entries one edit away once folded."""
    rng = random.Random(11)
    alphabet = "AB08IL"

    def plate() -> str:
        return "".join(rng.choices(alphabet, k=rng.choice([4, 5, 6])))

    listed = [entry(plate(), f"e{i}") for i in range(300)]
    index = EntryIndex(listed)
    for _ in range(500):
        read = plate()
        expected = {e.id for e in listed if _edit_distance(fold(read), fold(e.plate_key)) <= 1}
        assert {m.entry.id for m in index.match(read)} == expected, read
        # With an alternative, as at ingest: one that matches nothing, to leave the read's own.
        found = index.match_readings([read, "XXXXX"])
        assert {f.match.entry.id for f in found if f.reading == 0} == expected, read
