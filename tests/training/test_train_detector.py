"""The detector's training script trains, checkpoints, resumes and exports a model that runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from platekeeper.recognition.images import load_image
from platekeeper.recognition.plate_detector import PlateNetDetector
from tests.training.detector_set import write_detector_set
from training.detector_data import read_folder, targets
from training.train_detector import main


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    """Three photos with their plate boxes, the last kept apart for validation."""
    texts = [f"AB{index}123" for index in range(3)]
    return write_detector_set(tmp_path / "photos", texts, size=(320, 240), plate_width=120)


def _train(photos: Path, out: Path, epochs: int, export: Path | None = None) -> None:
    args = ["--data", str(photos), "--out", str(out), "--epochs", str(epochs), "--max-steps", "1"]
    args += ["--batch", "2", "--size", "64", "--side", "128", "--threads", "1"]
    main(args + (["--export", str(export)] if export else []))


def test_the_validation_split_is_kept_apart(photos: Path) -> None:
    train = read_folder(photos, "train")
    valid = read_folder(photos, "valid")

    assert [p.name for p in train] == ["images/scene0.jpg", "images/scene1.jpg"]
    assert [p.name for p in valid] == ["images/scene2.jpg"]


def test_one_step_trains_checkpoints_and_exports_a_working_model(
    photos: Path, tmp_path: Path
) -> None:
    model = tmp_path / "detector.onnx"

    _train(photos, tmp_path / "run", epochs=1, export=model)

    assert torch.load(tmp_path / "run" / "last.pt", weights_only=False)["epoch"] == 1
    detector = PlateNetDetector(model, side=128, threads=1)
    probability, scale = detector.probability(load_image(photos / "images" / "scene2.jpg"))
    assert probability.shape == (96 // 4, 128 // 4)
    assert scale == pytest.approx(128 / 320)
    assert ((probability >= 0) & (probability <= 1)).all()


def test_a_second_run_goes_on_from_the_checkpoint(photos: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    _train(photos, run, epochs=2)  # stopped by --max-steps after its first epoch
    first = torch.load(run / "last.pt", weights_only=False)

    _train(photos, run, epochs=2)

    second = torch.load(run / "last.pt", weights_only=False)
    assert second["epoch"] == 2
    assert second["schedule"]["last_epoch"] > first["schedule"]["last_epoch"]


def test_targets_paint_the_inner_plate_and_ignore_its_rim() -> None:
    target, weight = targets([(40.0, 40.0, 40.0, 20.0)], 128)

    assert target[0, 12, 15] == 1.0  # the plate's centre cell
    assert weight[0, 10, 10] == 0.0  # its rim: neither answer is wrong
    assert target[0, 0, 0] == 0.0  # far away: no plate, and a wrong answer counts
    assert weight[0, 0, 0] == 1.0
    tiny, _ = targets([(60.0, 60.0, 3.0, 2.0)], 128)
    assert tiny.sum() == 1.0  # a plate smaller than a cell still paints its centre


def test_a_folder_without_boxes_is_refused_with_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"has no labels\.csv"):
        main(["--data", str(tmp_path), "--out", str(tmp_path / "run")])
