"""Drawn plates: the shape asked for, text on them, and pasted only where the plate was."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from training import synthetic_plates
from training.synthetic_plates import paste, render, serial


@pytest.fixture
def no_font_files(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(synthetic_plates, "FONT_DIRS", (Path("/nonexistent"),))
    synthetic_plates.fonts.cache_clear()
    yield
    synthetic_plates.fonts.cache_clear()


@pytest.mark.parametrize(("aspect", "style_height"), [(2.0, 120), (4.7, 60)])
def test_a_plate_is_drawn_in_the_shape_asked_for(aspect: float, style_height: int) -> None:
    plate = render(random.Random(1), aspect)

    assert plate.height == style_height
    assert plate.width / plate.height == pytest.approx(aspect, rel=0.02)
    gray = np.asarray(plate.convert("L"))
    assert gray.min() < 80  # dark characters
    assert gray.max() > 180  # on a light plate


def test_serials_follow_their_pattern() -> None:
    text = serial("DLLL DD", random.Random(3))

    assert len(text) == 7
    assert text[0].isdigit()
    assert text[1:4].isalpha()
    assert text[4] == " "
    assert text[5:].isdigit()


def test_pasting_changes_only_the_plate_and_keeps_its_light() -> None:
    photo = np.full((200, 300, 3), 60, dtype=np.uint8)
    before = photo.copy()

    paste(photo, (100.0, 80.0, 80.0, 40.0), random.Random(2))

    changed = np.argwhere((photo != before).any(axis=2))
    assert changed.size > 0
    assert changed[:, 0].min() >= 80
    assert changed[:, 0].max() < 120
    assert changed[:, 1].min() >= 100
    assert changed[:, 1].max() < 180
    assert photo[80:120, 100:180].mean() <= 60 * 1.1 + 1  # lit like the dark plate it covers


@pytest.mark.usefixtures("no_font_files")
def test_without_font_files_pillows_own_font_draws_the_plate() -> None:
    plate = render(random.Random(4), 2.0)

    assert np.asarray(plate.convert("L")).min() < 80
