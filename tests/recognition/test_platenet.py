"""The shipped plate detector: the file its model card describes, wired in as ``platenet``."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import ImageDraw

from platekeeper.recognition import EngineConfig, build_pipeline
from platekeeper.recognition.plate_detector import MODEL
from platekeeper.recognition.text_on_plates import TextOnPlates
from tests.recognition.render import font, scene

CARD = MODEL.parent / "MODELS.md"


def _card_section() -> str:
    text = CARD.read_text(encoding="utf-8")
    return text[text.index(f"## `{MODEL.name}`") :]


def test_the_model_card_names_the_shipped_file_by_its_sha256() -> None:
    match = re.search(r"\| SHA-256 \| `([0-9a-f]{64})` \|", _card_section())

    assert match is not None, "the model card gives the file's SHA-256"
    assert hashlib.sha256(MODEL.read_bytes()).hexdigest() == match.group(1)


def test_the_model_card_says_how_to_reproduce_the_weights_and_whose_data_they_learnt() -> None:
    section = _card_section()

    assert "python -m training.train_detector" in section
    assert "CC BY 4.0" in section
    assert "Open Images" in section
    assert "@" not in re.sub(r"<[^>]+>", "", section), "no placeholder is left unfilled"
    assert (Path(__file__).resolve().parents[2] / "training" / "train_detector.py").is_file()


def test_platenet_is_the_plate_detector_with_text_read_on_its_plates() -> None:
    pipeline = build_pipeline(EngineConfig(detector_type="platenet", threads=1))

    assert isinstance(pipeline._detector, TextOnPlates)


@pytest.mark.parametrize("words", ["STORAGE", "FLEET 4021", "TY0TA RAV4", "UNIT 7B"])
def test_lettering_painted_on_a_vehicle_gives_no_read(words: str) -> None:
    """A truck's livery or a van's fleet number: text, but on no plate."""
    canvas = scene(960, 540, seed=7)
    draw = ImageDraw.Draw(canvas)
    draw.text((150, 190), words, fill=(240, 240, 235), font=font(96))
    image = np.asarray(canvas, dtype=np.uint8)
    text_anywhere = build_pipeline(EngineConfig(detector_type="ppocr-text", threads=1))
    plates_first = build_pipeline(EngineConfig(detector_type="platenet", threads=1))

    assert text_anywhere.recognise(image).plates, "text found anywhere is read"
    assert plates_first.recognise(image).plates == ()
