"""Made-up plates: real formats, never the same plate twice, and honest OCR confusions."""

from __future__ import annotations

import random
import re

from platekeeper.demo.plates import (
    CONFUSABLE_PAIRS,
    compact,
    confusable_variants,
    is_european,
    new_plate,
)

CONFUSABLE = {frozenset(pair) for pair in CONFUSABLE_PAIRS}


def differs_by_confusables(reading: str, other: str) -> bool:
    changed = [frozenset((a, b)) for a, b in zip(reading, other, strict=True) if a != b]
    return bool(changed) and all(pair in CONFUSABLE for pair in changed)


def test_confusable_variants_swap_only_confusable_characters() -> None:
    variants = confusable_variants("8ABC125", random.Random(2), limit=3)

    assert len(variants) == 3
    assert len(set(variants)) == 3
    assert all(differs_by_confusables("8ABC125", variant) for variant in variants)
    assert confusable_variants("XYW", random.Random(2)) == []


def test_compact_keeps_letters_and_digits() -> None:
    assert compact("B AB 1234") == "BAB1234"
    assert compact("AB-123-CD") == "AB123CD"


def test_new_plates_are_unique_and_mostly_californian() -> None:
    rng, taken = random.Random(8), set[str]()
    plates = [new_plate(rng, taken) for _ in range(1000)]

    assert len({shown for shown, _ in plates}) == 1000
    assert taken == {shown for shown, _ in plates}
    californian = [shown for shown, region in plates if region == "us-ca"]
    assert len(californian) > 750
    assert all(re.fullmatch(r"[1-9][A-HJ-NP-Z]{3}[0-9]{3}", shown) for shown in californian)


def test_eu_regions_are_told_from_us_states() -> None:
    assert is_european("de")
    assert not is_european("us-ca")
