"""Plate keys: what matching compares."""

from __future__ import annotations

import pytest

from platekeeper.domain import normalise_plate_key
from platekeeper.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("7ABC123", "7ABC123"),
        ("7abc 123", "7ABC123"),
        ("AB-123-CD", "AB123CD"),
        ("B·MW 1234", "BMW1234"),
        ("ＡＢＣ１２３", "ABC123"),  # noqa: RUF001  full-width characters as some readers emit them
        ("BRA2E19", "BRA2E19"),
    ],
)
def test_separators_case_and_width_do_not_count(text: str, key: str) -> None:
    assert normalise_plate_key(text) == key


@pytest.mark.parametrize("text", ["", " - ", "ABCDEFGHJKLMN", "X" * 40])
def test_texts_that_are_no_plate_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_plate_key(text)
