"""Trains the plate detector shipped as ``platekeeper/recognition/models/platenet_detector.onnx``.

    .venv/bin/python -m training.train_detector --epochs 40 --export \
        platekeeper/recognition/models/platenet_detector.onnx

Data: ``../shared/data/detector`` (Open Images photos, CC BY; its own "valid" split is kept
apart and only measured). Runs on the CPU; every epoch is checkpointed in ``--out``, and a run
started again with the same ``--out`` goes on from the last checkpoint, so a killed run loses at
most one epoch (go on with the same ``--epochs``: the learning-rate schedule spans them). The
best epoch on the validation split (by F1 of plate boxes at IoU 0.5) is
what ``--export`` writes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor
from torch.nn import functional

from platekeeper.recognition.geometry import box_quad, iou
from platekeeper.recognition.plate_detector import PixelBox, plate_boxes, to_input
from platekeeper.recognition.protocols import Quad
from training.detector_data import VALIDATION, Augmenter, Photo, Sample, read_folder
from training.detector_model import PlateNet

log = logging.getLogger("train_detector")

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "detector"
DEFAULT_DATA = (SHARED / "openimages-plates", SHARED / "openimages-plates-extra")
MATCH_IOU = 0.5


@dataclass(frozen=True, slots=True)
class Scores:
    recall: float
    precision: float

    @property
    def f1(self) -> float:
        total = self.recall + self.precision
        return 2 * self.recall * self.precision / total if total else 0.0


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.set_num_threads(args.threads)
    for folder in args.data:
        if not (folder / "labels.csv").is_file():
            raise SystemExit(
                f"{folder} has no labels.csv: pass --data folders of photos with boxes"
            )
    train = [p for folder in args.data for p in read_folder(folder, "train")]
    if not train:
        raise SystemExit("no training photos: every photo of --data is in the validation split")
    valid = [p for folder in args.data for p in read_folder(folder, VALIDATION)]
    log.info("%d training photos, %d validation photos", len(train), len(valid))
    run = _Run(args, train, valid)
    run.fit()
    if args.export is not None:
        export(run.best_model(), args.export)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, nargs="+", default=list(DEFAULT_DATA))
    parser.add_argument("--out", type=Path, default=Path("training/runs/detector"))
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--max-steps", type=int, help="stop after this many steps (a smoke run)")
    parser.add_argument("--batch", type=int, default=12)
    parser.add_argument("--size", type=int, default=320, help="training crop side, pixels")
    parser.add_argument("--side", type=int, default=640, help="long side the detector runs at")
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--export", type=Path, help="write the best epoch here as ONNX")
    return parser


class _Run:
    """One training run, resumable from the checkpoint in ``args.out``."""

    def __init__(self, args: argparse.Namespace, train: list[Photo], valid: list[Photo]) -> None:
        self.args = args
        self.train = train
        self.valid = valid
        self.steps_per_epoch = max(1, len(train) // args.batch)
        torch.manual_seed(args.seed)
        self.model = PlateNet()
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=args.lr, weight_decay=1e-4)
        # One step more than the run takes: OneCycleLR refuses to step past its last.
        self.schedule = torch.optim.lr_scheduler.OneCycleLR(
            self.optimizer,
            max_lr=args.lr,
            total_steps=args.epochs * self.steps_per_epoch + 1,
            pct_start=0.1,
        )
        self.rng = random.Random(args.seed)  # noqa: S311 - augmentation, not secrets
        self.epoch = 0
        self.best_f1 = -1.0
        args.out.mkdir(parents=True, exist_ok=True)
        self._resume()

    @property
    def _last(self) -> Path:
        return Path(self.args.out) / "last.pt"

    @property
    def _best(self) -> Path:
        return Path(self.args.out) / "best.pt"

    def _resume(self) -> None:
        if not self._last.is_file():
            return
        state = torch.load(self._last, weights_only=False)
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.schedule.load_state_dict(state["schedule"])
        self.rng.setstate(state["rng"])
        torch.set_rng_state(state["torch_rng"])
        self.epoch = state["epoch"]
        self.best_f1 = state["best_f1"]
        log.info("resumed after epoch %d (best F1 %.3f)", self.epoch, self.best_f1)

    def fit(self) -> None:
        augmenter = Augmenter(self.args.size, self.args.side, self.rng)
        steps = 0
        while self.epoch < self.args.epochs:
            started = time.monotonic()
            self.model.train()
            losses = []
            for _ in range(self.steps_per_epoch):
                batch = [
                    augmenter.sample(self.rng.choice(self.train)) for _ in range(self.args.batch)
                ]
                losses.append(self._step(batch))
                steps += 1
                if self.args.max_steps is not None and steps >= self.args.max_steps:
                    break
            self.epoch += 1
            scores = evaluate(self.model, self.valid, self.args.side)
            log.info(
                "epoch %d: loss %.4f, validation recall %.3f precision %.3f F1 %.3f (%.0f s)",
                self.epoch,
                float(np.mean(losses)),
                scores.recall,
                scores.precision,
                scores.f1,
                time.monotonic() - started,
            )
            if scores.f1 > self.best_f1:
                self.best_f1 = scores.f1
                torch.save({"model": self.model.state_dict(), "epoch": self.epoch}, self._best)
            self._checkpoint()
            if self.args.max_steps is not None and steps >= self.args.max_steps:
                return

    def _step(self, batch: list[Sample]) -> float:
        images = torch.from_numpy(np.stack([s.image for s in batch]))
        target = torch.from_numpy(np.stack([s.target for s in batch]))
        weight = torch.from_numpy(np.stack([s.weight for s in batch]))
        loss = detector_loss(self.model.logits(images), target, weight)
        self.optimizer.zero_grad()
        torch.autograd.backward(loss)
        self.optimizer.step()
        self.schedule.step()
        return float(loss.item())

    def _checkpoint(self) -> None:
        state = {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "schedule": self.schedule.state_dict(),
            "rng": self.rng.getstate(),
            "torch_rng": torch.get_rng_state(),
            "epoch": self.epoch,
            "best_f1": self.best_f1,
        }
        partial = self._last.with_suffix(".partial")
        torch.save(state, partial)
        partial.replace(self._last)

    def best_model(self) -> PlateNet:
        model = PlateNet()
        model.load_state_dict(torch.load(self._best, weights_only=False)["model"])
        return model.eval()


def detector_loss(logits: Tensor, target: Tensor, weight: Tensor) -> Tensor:
    """Weighted cross-entropy over every cell plus a Dice term, which keeps rare plates heard."""
    cross = functional.binary_cross_entropy_with_logits(logits, target, weight=weight)
    probability = torch.sigmoid(logits) * weight
    overlap = (probability * target).sum()
    dice = 1 - (2 * overlap + 1) / (probability.sum() + target.sum() + 1)
    return cross + dice


@torch.no_grad()
def evaluate(model: PlateNet, photos: list[Photo], side: int, threshold: float = 0.5) -> Scores:
    """Recall and precision of plate boxes (IoU >= 0.5) as the runtime decodes them."""
    model.eval()
    found = truths = matched_truths = matched_found = 0
    for photo in photos:
        batch, scale = to_input(photo.image, side)
        probability = model(torch.from_numpy(batch)).numpy()[0, 0]
        boxes = [
            _quad(b, scale) for b in plate_boxes(probability, threshold) if b.score >= threshold
        ]
        labelled = [box_quad(x, y, x + w, y + h) for x, y, w, h in photo.boxes]
        found += len(boxes)
        truths += len(labelled)
        matched_truths += sum(any(iou(t, b) >= MATCH_IOU for b in boxes) for t in labelled)
        matched_found += sum(any(iou(t, b) >= MATCH_IOU for t in labelled) for b in boxes)
    return Scores(matched_truths / max(1, truths), matched_found / max(1, found))


def _quad(box: PixelBox, scale: float) -> Quad:
    return box_quad(box.left / scale, box.top / scale, box.right / scale, box.bottom / scale)


def export(model: PlateNet, path: Path) -> str:
    """Writes ``model`` as ONNX at ``path`` and returns the file's SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    example = torch.zeros(1, 3, 480, 640)
    # The TorchScript exporter is deprecated but needs nothing beyond torch, and its output
    # (plain convolutions, resizes and a sigmoid) is what ONNX Runtime runs fastest.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        _export(model, example, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    log.info("wrote %s (SHA-256 %s)", path, digest)
    print(json.dumps({"model": str(path), "sha256": digest}))
    return digest


def _export(model: PlateNet, example: Tensor, path: Path) -> None:
    torch.onnx.export(
        model,
        (example,),
        str(path),
        input_names=["image"],
        output_names=["plate_probability"],
        dynamic_axes={"image": {2: "height", 3: "width"}, "plate_probability": {2: "h", 3: "w"}},
        opset_version=17,
        dynamo=False,
    )


if __name__ == "__main__":
    main()
