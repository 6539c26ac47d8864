"""The reader's training script: labelled crops, cached features, resuming, a reader that runs."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from platekeeper.recognition.decoding import best_path
from platekeeper.recognition.geometry import box_quad
from platekeeper.recognition.pipeline import LineReading
from platekeeper.recognition.ppocr import CtcReader
from platekeeper.recognition.protocols import ALPHABET
from tests.training.detector_set import write_csv, write_detector_set
from training.found_lines import closest_line, crop_key, edits
from training.label_plates import candidates, mistakes, read_labels
from training.plate_lines import drawn_line, found_line, varied_crop
from training.train_reader import main

TEXTS = ("7ABC123", "KLM4821", "5XYZ907")


@pytest.fixture
def detector_set(tmp_path: Path) -> Path:
    """Three photos with a plate each, the last in the validation split."""
    return write_detector_set(tmp_path / "photos", TEXTS, size=(480, 320), plate_width=200)


@pytest.fixture
def labels(detector_set: Path, tmp_path: Path) -> Path:
    """Each crop's text, by its number as the labelling script numbers it."""
    by_photo = {f"scene{index}.jpg": text for index, text in enumerate(TEXTS)}
    path = tmp_path / "plate_texts.csv"
    numbered = [(n, by_photo[c.photo.name]) for n, c in enumerate(candidates(detector_set))]
    write_csv(path, ["number", "text"], numbered)
    return path


def _train(
    data: Path,
    labels: Path,
    out: Path,
    *,
    epochs: int,
    export: Path | None = None,
    layers: str = "neck",
) -> None:
    args = ["--data", str(data), "--labels", str(labels), "--out", str(out), "--layers", layers]
    args += ["--drawn", "24", "--drawn-valid", "4", "--real-repeats", "2", "--threads", "1"]
    args += ["--epochs", str(epochs)]
    main(args + (["--export", str(export)] if export else []))


@pytest.mark.parametrize("layers", ["neck", "last"])
def test_training_caches_features_resumes_and_exports_a_reader_of_plate_characters(
    detector_set: Path, labels: Path, tmp_path: Path, layers: str
) -> None:
    out, model = tmp_path / "run", tmp_path / "reader.onnx"

    _train(detector_set, labels, out, epochs=1, layers=layers)
    assert torch.load(out / "last.pt", weights_only=True)["epoch"] == 1
    cached = sorted(p.name for p in out.glob("features-*.npz"))
    assert cached == ["features-train.npz", "features-valid-drawn.npz", "features-valid-real.npz"]
    with np.load(out / "features-train.npz") as train:
        assert len(train["texts"]) == 24 + 2 * 2  # drawn, then two varied copies of each real
    found = json.loads((out / "found-lines.json").read_text())
    assert set(found) == {crop_key(c) for c in candidates(detector_set)}
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("features-*.npz")}

    _train(detector_set, labels, out, epochs=2, export=model, layers=layers)
    assert torch.load(out / "last.pt", weights_only=True)["epoch"] == 2
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("features-*.npz")} == stamps
    assert json.loads((out / "found-lines.json").read_text()) == found

    exported = onnx.load(str(model))
    meta = {p.key: p.value for p in exported.metadata_props}
    assert meta["character"].split("\n") == list(ALPHABET)
    crop = np.asarray(candidates(detector_set)[0].image(), dtype=np.uint8)
    (output,) = CtcReader(model, threads=1).read([crop])
    assert output.probs.shape[1] == len(ALPHABET) + 1
    assert np.allclose(output.probs.sum(axis=1), 1.0, atol=1e-4)


def test_a_run_with_other_data_options_refuses_the_cached_features(
    detector_set: Path, labels: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    _train(detector_set, labels, out, epochs=1)
    args = ["--data", str(detector_set), "--labels", str(labels), "--out", str(out)]

    with pytest.raises(SystemExit, match="holds features of other data"):
        main([*args, "--drawn", "25", "--drawn-valid", "4", "--real-repeats", "2"])


def test_a_found_share_outside_0_to_1_is_refused_with_what_to_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["--out", str(tmp_path / "run"), "--found-share", "70"])

    assert "70 is not a share: give one from 0 to 1, as 0.7" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_a_data_folder_without_boxes_is_refused_with_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"no labels\.csv: pass --data"):
        main(["--data", str(tmp_path), "--out", str(tmp_path / "run")])


def test_the_labels_check_names_unknown_crops_and_characters(tmp_path: Path) -> None:
    path = tmp_path / "plate_texts.csv"
    write_csv(path, ["number", "text"], [(0, "abc-12"), (1, ""), (7, "7ABC123")])

    labels = read_labels(path)

    assert labels == {0: "ABC-12", 1: "", 7: "7ABC123"}
    assert mistakes(labels, count=5) == [
        "crop 7 does not exist (0..4)",
        f"crop 0: 'ABC-12' has characters outside {ALPHABET}",
    ]


def test_a_malformed_label_row_is_named_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "plate_texts.csv"
    write_csv(path, ["number", "text"], [(0, "7ABC123"), ("seven", "KLM4821")])

    with pytest.raises(SystemExit, match=r"row 3: .* is not 'number,text'; mend the row"):
        read_labels(path)


def test_drawn_lines_are_labelled_with_plate_characters_only() -> None:
    rng = random.Random(3)

    for _ in range(20):
        crop, text = drawn_line(rng)
        assert crop.dtype == np.uint8
        assert crop.ndim == 3
        assert crop.shape[2] == 3
        assert 4 <= len(text) <= 8
        assert set(text) <= set(ALPHABET)


def test_the_shipped_recogniser_reads_a_clean_drawn_line_as_labelled() -> None:
    """The labels and the drawing agree: what is drawn is what the text says."""
    rng = random.Random(11)
    reader = CtcReader(threads=1)
    read = 0
    for _ in range(10):
        crop, text = drawn_line(rng)
        read += best_path(reader.read([crop])[0]).text == text
    assert read >= 6


def test_a_real_crop_is_varied_around_its_box() -> None:
    photo = np.zeros((200, 300, 3), dtype=np.uint8)
    photo[80:120, 100:200] = 230  # the plate

    crop = varied_crop(photo, (100, 80, 100, 40), random.Random(5))

    # up to 20% of the height cut off or added on each side, up to 12% of the width cut off
    assert 40 * 0.6 <= crop.shape[0] <= 40 * 1.3
    assert 100 * 0.76 <= crop.shape[1] <= 100 * 1.1
    middle = crop[crop.shape[0] // 2, crop.shape[1] // 2].mean()
    assert middle > 230 * 0.5 - 40  # the plate, at the darkest light it may be given


def test_the_line_trained_on_is_the_closest_reading_on_the_plate() -> None:
    box = (100, 80, 200, 100)  # x, y, w, h
    state = LineReading(box_quad(120, 85, 280, 105), "OREGON")
    serial = LineReading(box_quad(110, 110, 290, 150), "ABC1Z3")
    elsewhere = LineReading(box_quad(400, 110, 580, 150), "ABC123")

    assert closest_line([state, serial, elsewhere], box, "ABC123") == serial.corners
    assert closest_line([state, elsewhere], box, "ABC123") is None  # OREGON is too far off
    assert closest_line([], box, "ABC123") is None


def test_edits_count_insertions_deletions_and_substitutions() -> None:
    assert edits("ABC123", "ABC123") == 0
    assert edits("ABC123", "A8C123") == 1
    assert edits("ABC123", "BC123") == 1
    assert edits("ABC123", "ABC1234") == 1
    assert edits("KITTEN", "SITTING") == 3
    assert edits("", "ABC") == 3


def test_a_found_line_is_cut_straight_from_its_corners() -> None:
    photo = np.zeros((200, 300, 3), dtype=np.uint8)
    photo[90:110, 100:200] = 230  # the line of text
    slanted = ((100.0, 95.0), (200.0, 85.0), (200.0, 105.0), (100.0, 115.0))

    crop = found_line(photo, slanted, random.Random(5))

    assert crop.shape[0] == pytest.approx(20, abs=1)
    assert crop.shape[1] == pytest.approx(100, abs=1)
