"""Trains a plate reader: PP-OCR's recogniser retrained for plates.

    .venv/bin/python -m training.train_reader --export training/runs/reader/plate_reader.onnx
    .venv/bin/python benchmarks/recognition.py DIR --engines ppocr-text/ppocr \
        ppocr-text/ctc-onnx --reader-path training/runs/reader/plate_reader.onnx

Not shipped: no run so far read US plates (us-dev, us-crops) as well as the general recogniser
(docs/recognition.md, "The plate reader"), so PlateKeeper goes on reading with the general one;
this script is where the next try starts.

The general recogniser's last layer scores 18,710 characters of many scripts; the new one scores
the 36 plate characters and the CTC blank, starting from the general layer's own weights for
them, so training begins at the recogniser's reading. With ``--layers neck`` (the default) the
neck below it, the sequence layers after the convolutional backbone, trains too, run in PyTorch
by ``training.onnx_torch`` and written back into the same graph. The backbone stays as it is:
its output, computed once per crop and cached in ``--out``, is all the training needs, which is
why a run takes minutes on two cores. A run started again with the same ``--out`` reuses the
cache and goes on from the last epoch.

Data: drawn plates (``training.plate_lines``) and real plates of the detector set
(``shared/data/detector``, CC BY) labelled by eye in ``training/data/plate_texts.csv``. A real
plate is cut mostly as the line the text detector finds on it (``training.found_lines``), as the
pipeline hands it to the reader, and otherwise whole. The real plates of the set's "valid" split
are kept apart and only measured, with drawn ones; the epoch with the most of them read exactly
is what ``--export`` writes.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import torch
from numpy.typing import NDArray
from onnx import numpy_helper
from torch import Tensor, nn
from torch.nn import functional

from platekeeper.recognition import EngineConfig, build_pipeline
from platekeeper.recognition.decoding import best_path
from platekeeper.recognition.geometry import warp
from platekeeper.recognition.images import load_image
from platekeeper.recognition.pipeline import CROP_HEIGHT_PX
from platekeeper.recognition.ppocr import REC_MODEL, bundled_model, prepare_batch
from platekeeper.recognition.protocols import ALPHABET, CharProbs, Quad
from training.found_lines import crop_key, found_lines
from training.label_plates import DETECTOR_DATA, LABELS, PlateCrop, candidates, read_labels
from training.onnx_torch import OnnxModule, write_weights
from training.plate_lines import Pixels, drawn_line, found_line, load_rgb, varied_crop

log = logging.getLogger("train_reader")

FEATURES = "p2o.pd_op.transpose.8.0"  # the recogniser's last features, before its last layer
BACKBONE = "p2o.pd_op.pool2d.1.0"  # the convolutional backbone's output, before the neck
WEIGHT, BIAS = "linear_8.w_0", "linear_8.b_0"
CLASSES = len(ALPHABET) + 1


@dataclass(frozen=True, slots=True)
class LineSet:
    """Cached features of labelled crops: (N, T, C) padded, each crop's T, and its text."""

    features: NDArray[np.float16]
    lengths: NDArray[np.int64]
    texts: list[str]

    def save(self, path: Path) -> None:
        partial = path.with_suffix(".partial.npz")
        np.savez(partial, features=self.features, lengths=self.lengths, texts=np.array(self.texts))
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> LineSet:
        with np.load(path) as saved:
            return cls(saved["features"], saved["lengths"], [str(t) for t in saved["texts"]])


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    recogniser = onnx.load(str(bundled_model(REC_MODEL)))
    sets = _line_sets(args, recogniser)
    run = _Run(args, sets, PlateHead(recogniser, neck=args.layers == "neck"))
    run.fit()
    if args.export is not None:
        export(recogniser, run.best_head(), args.export)
        log.info("wrote %s", args.export)
        validation = [(c, t) for c, t in _labelled(args) if c.validation]
        for name, reader in (("general recogniser", None), ("this reader", args.export)):
            first, anywhere = read_in_photos(validation, reader)
            log.info(
                "validation photos, %s: %d of %d labelled plates read first, %d anywhere",
                name,
                first,
                len(validation),
                anywhere,
            )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DETECTOR_DATA / "openimages-plates")
    parser.add_argument("--labels", type=Path, default=LABELS, help="the crops' texts (CSV)")
    parser.add_argument("--real-repeats", type=int, default=10, help="varied copies per crop")
    parser.add_argument("--out", type=Path, default=Path("training/runs/reader"))
    parser.add_argument(
        "--layers",
        choices=["neck", "last"],
        default="neck",
        help="train the neck and a new last layer, or the last layer alone",
    )
    parser.add_argument(
        "--found-share",
        type=_share,
        default=0.7,
        help="the share of a real plate's copies cut as the line the text detector found on it",
    )
    parser.add_argument("--drawn", type=int, default=4_000, help="drawn crops to train on")
    parser.add_argument("--drawn-valid", type=int, default=600)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3, help="the last layer's")
    parser.add_argument("--neck-lr", type=float, default=2e-4)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--export", type=Path, help="write the best epoch's reader here as ONNX")
    return parser


def _share(value: str) -> float:
    share = float(value)
    if not 0.0 <= share <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is not a share: give one from 0 to 1, as 0.7")
    return share


def _line_sets(args: argparse.Namespace, recogniser: onnx.ModelProto) -> dict[str, LineSet]:
    """Training, real validation and drawn validation crops, featurised once and cached."""
    labelled = _labelled(args)
    _same_data(args, len(labelled))
    lines = found_lines(labelled, args.out / "found-lines.json", args.threads)
    rng = random.Random(args.seed)  # noqa: S311 - augmentation, not secrets
    recipes: dict[str, Callable[[], Sequence[tuple[Any, str]]]] = {
        "train": lambda: _training_crops(labelled, lines, args, rng),
        "valid-real": lambda: [(_as_read(c, lines), t) for c, t in labelled if c.validation],
        "valid-drawn": lambda: [drawn_line(rng) for _ in range(args.drawn_valid)],
    }
    cut_at = BACKBONE if args.layers == "neck" else FEATURES
    session = _features_session(recogniser, cut_at, args.threads)
    sets: dict[str, LineSet] = {}
    for name, recipe in recipes.items():
        path = args.out / f"features-{name}.npz"
        if not path.exists():
            items = [(np.asarray(image, dtype=np.uint8), text) for image, text in recipe()]
            log.info("computing features of %d %s crops", len(items), name)
            featurise(session, items).save(path)
        sets[name] = LineSet.load(path)
        log.info("%s: %d crops", name, len(sets[name].texts))
    return sets


def _same_data(args: argparse.Namespace, labelled: int) -> None:
    """Refuses to go on in ``--out`` with features made from other data than asked for now."""
    made = {
        "drawn": args.drawn,
        "drawn_valid": args.drawn_valid,
        "real_repeats": args.real_repeats,
        "seed": args.seed,
        "labelled": labelled,
        "layers": args.layers,
        "found_share": args.found_share,
    }
    record = args.out / "data.json"
    if not record.exists():
        record.write_text(json.dumps(made, indent=1))
        return
    before = json.loads(record.read_text())
    if before != made:
        raise SystemExit(
            f"{args.out} holds features of other data ({before}, now {made}): "
            "pass another --out, or the same data options as before"
        )


def _labelled(args: argparse.Namespace) -> list[tuple[PlateCrop, str]]:
    if not (args.data / "labels.csv").is_file():
        raise SystemExit(f"{args.data} has no labels.csv: pass --data, a detector-set folder")
    crops = candidates(args.data)
    labelled = [(crops[n], text) for n, text in sorted(read_labels(args.labels).items()) if text]
    if not labelled:
        raise SystemExit("no labelled crops: label some with python -m training.label_plates")
    return labelled


def read_in_photos(labelled: list[tuple[PlateCrop, str]], reader: Path | None) -> tuple[int, int]:
    """How many labelled plates the whole pipeline reads in their photos: first, and at all.

    The crops' own scores say how a reader reads a plate it is handed; this says what it does
    beside the text detector and the rules that weigh its readings, as PlateKeeper runs it.
    """
    config = EngineConfig(
        reader_type="ppocr" if reader is None else "ctc-onnx",
        reader_path=reader,
        region="auto",
        threads=2,
    )
    pipeline = build_pipeline(config)
    texts: defaultdict[Path, list[str]] = defaultdict(list)
    for crop, text in labelled:
        texts[crop.photo].append(text)
    first = anywhere = 0
    for photo, wanted in texts.items():
        plates = [p.text for p in pipeline.recognise(load_image(photo)).plates]
        first += sum(1 for text in wanted if plates[:1] == [text])
        anywhere += sum(1 for text in wanted if text in plates)
    return first, anywhere


def _training_crops(
    labelled: list[tuple[PlateCrop, str]],
    lines: dict[str, Quad],
    args: argparse.Namespace,
    rng: random.Random,
) -> list[tuple[Pixels, str]]:
    """Drawn lines, and each real plate varied ``--real-repeats`` times: as the line the text
    detector found on it (``--found-share`` of the copies), else whole."""
    items = [drawn_line(rng) for _ in range(args.drawn)]
    for crop, text in labelled:
        if crop.validation:
            continue
        photo = load_rgb(str(crop.photo))
        line = lines.get(crop_key(crop))
        for _ in range(args.real_repeats):
            if line is not None and rng.random() < args.found_share:
                items.append((found_line(photo, line, rng), text))
            else:
                items.append((varied_crop(photo, crop.box, rng), text))
    rng.shuffle(items)
    return items


def _as_read(crop: PlateCrop, lines: dict[str, Quad]) -> Pixels:
    """A validation plate as the pipeline hands it to the reader: its found line, else whole."""
    line = lines.get(crop_key(crop))
    if line is None:
        return np.asarray(crop.image(margin=0.05), dtype=np.uint8)
    return warp(load_rgb(str(crop.photo)), line, CROP_HEIGHT_PX)


def _features_session(
    recogniser: onnx.ModelProto, cut_at: str, threads: int
) -> ort.InferenceSession:
    inputs = [recogniser.graph.input[0].name]
    cut = onnx.utils.Extractor(recogniser).extract_model(inputs, [cut_at])
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    return ort.InferenceSession(cut.SerializeToString(), options)


def featurise(session: ort.InferenceSession, items: list[tuple[Pixels, str]]) -> LineSet:
    """The recogniser's features of each crop, batched as the runtime batches them."""
    ratios = [c.shape[1] / max(1, c.shape[0]) for c, _ in items]
    order = sorted(range(len(items)), key=lambda i: ratios[i])
    outputs: list[NDArray[np.float32]] = [np.zeros((0, 0), np.float32)] * len(items)
    name = session.get_inputs()[0].name
    for start in range(0, len(order), 16):
        chunk = order[start : start + 16]
        batch, _ = prepare_batch([items[i][0] for i in chunk])
        features = session.run(None, {name: batch})[0]
        if features.ndim == 4:  # the backbone's (N, C, 1, T): as (N, T, C) like the rest
            features = features[:, :, 0, :].transpose(0, 2, 1)
        for index, row in zip(chunk, features, strict=True):
            outputs[index] = row
    longest = max(o.shape[0] for o in outputs)
    padded = np.zeros((len(items), longest, outputs[0].shape[1]), dtype=np.float16)
    for index, row in enumerate(outputs):
        # A shorter crop goes on as its own padding did: its last step, repeated.
        padded[index, : row.shape[0]] = row
        padded[index, row.shape[0] :] = row[-1]
    lengths = np.array([o.shape[0] for o in outputs], dtype=np.int64)
    return LineSet(padded, lengths, [text for _, text in items])


def _initial_layer(recogniser: onnx.ModelProto) -> nn.Linear:
    """The recogniser's last layer cut down to blank + ``ALPHABET``."""
    weights = {i.name: numpy_helper.to_array(i) for i in recogniser.graph.initializer}
    meta = {p.key: p.value for p in recogniser.metadata_props}
    characters = meta["character"].split("\n")
    columns = [0] + [characters.index(c) + 1 for c in ALPHABET]
    layer = nn.Linear(weights[WEIGHT].shape[0], CLASSES)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(weights[WEIGHT][:, columns].T.copy()))
        layer.bias.copy_(torch.from_numpy(weights[BIAS][columns].copy()))
    return layer


class PlateHead(nn.Module):
    """What is trained: the new last layer, and with ``--layers neck`` the recogniser's neck
    (its sequence layers after the convolutional backbone) below it, from their own weights.

    Takes the cached features (N, T, C) of the layer below and gives logits (N, T, classes).
    """

    def __init__(self, recogniser: onnx.ModelProto, neck: bool) -> None:
        super().__init__()
        self.neck = OnnxModule(recogniser, FEATURES, start=BACKBONE).eval() if neck else None
        self.last = _initial_layer(recogniser)

    def forward(self, features: Tensor) -> Tensor:
        if self.neck is not None:
            features = self.neck(features.permute(0, 2, 1).unsqueeze(2))
        logits: Tensor = self.last(features)
        return logits


class _Run:
    """The training: resumable, keeping the best epoch on the validation crops."""

    def __init__(self, args: argparse.Namespace, sets: dict[str, LineSet], head: PlateHead):
        self.args, self.sets, self.head = args, sets, head
        groups = [{"params": head.last.parameters(), "lr": args.lr}]
        if head.neck is not None:
            groups.append({"params": head.neck.parameters(), "lr": args.neck_lr})
        self.optimizer = torch.optim.AdamW(groups, weight_decay=1e-4)
        self.epoch, self.best = 0, -1.0
        last = args.out / "last.pt"
        if last.exists():
            state = torch.load(last, weights_only=True)
            self.head.load_state_dict(state["layer"])
            self.optimizer.load_state_dict(state["optimizer"])
            self.epoch, self.best = int(state["epoch"]), float(state["best"])
            log.info("going on from epoch %d", self.epoch)
        elif not (args.out / "best.pt").exists():
            torch.save({"layer": self.head.state_dict(), "score": -1.0}, args.out / "best.pt")

    def fit(self) -> None:
        train = self.sets["train"]
        generator = torch.Generator().manual_seed(self.args.seed)
        for _ in range(self.epoch):  # the same shuffles as an unbroken run
            torch.randperm(len(train.texts), generator=generator)
        if self.epoch == 0:
            log.info("before training: %s", self._measure())
        while self.epoch < self.args.epochs:
            order = torch.randperm(len(train.texts), generator=generator).tolist()
            losses = [
                self._step(train, order[i : i + self.args.batch])
                for i in range(0, len(order), self.args.batch)
            ]
            self.epoch += 1
            scores = self._measure()
            score = scores["valid-real"] + scores["valid-drawn"] / 100
            if score > self.best:
                self.best = score
                torch.save({"layer": self.head.state_dict(), "score": score}, self._path("best"))
            torch.save(
                {
                    "layer": self.head.state_dict(),
                    "optimizer": self.optimizer.state_dict(),
                    "epoch": self.epoch,
                    "best": self.best,
                },
                self._path("last"),
            )
            log.info("epoch %d: loss %.3f, %s", self.epoch, float(np.mean(losses)), scores)

    def _path(self, name: str) -> Path:
        return Path(self.args.out) / f"{name}.pt"

    def _step(self, lines: LineSet, indices: list[int]) -> float:
        features, lengths = _batch(lines, indices)
        targets = [torch.tensor([ALPHABET.index(c) + 1 for c in lines.texts[i]]) for i in indices]
        log_probs = functional.log_softmax(self.head(features), dim=2).transpose(0, 1)
        loss = functional.ctc_loss(
            log_probs,
            torch.cat(targets),
            lengths,
            torch.tensor([len(t) for t in targets]),
            blank=0,
            zero_infinity=True,
        )
        self.optimizer.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        self.optimizer.step()
        return float(loss.item())

    def _measure(self) -> dict[str, float]:
        return {name: exact(self.head, self.sets[name]) for name in ("valid-real", "valid-drawn")}

    def best_head(self) -> PlateHead:
        self.head.load_state_dict(torch.load(self._path("best"), weights_only=True)["layer"])
        return self.head


def _batch(lines: LineSet, indices: list[int]) -> tuple[Tensor, Tensor]:
    lengths = torch.from_numpy(lines.lengths[indices])
    longest = int(lengths.max())
    features = torch.from_numpy(lines.features[indices, :longest].astype(np.float32))
    return features, lengths


def exact(layer: nn.Module, lines: LineSet) -> float:
    """Per cent of ``lines`` whose best path is their text exactly."""
    right = 0
    with torch.no_grad():
        for start in range(0, len(lines.texts), 256):
            indices = list(range(start, min(start + 256, len(lines.texts))))
            features, lengths = _batch(lines, indices)
            probs = functional.softmax(layer(features), dim=2).numpy()
            for row, index in enumerate(indices):
                reading = best_path(CharProbs(probs[row, : int(lengths[row])]))
                right += reading.text == lines.texts[index]
    return 100.0 * right / max(1, len(lines.texts))


def export(recogniser: onnx.ModelProto, head: PlateHead, path: Path) -> None:
    """The recogniser with ``head``'s weights, naming its characters as PaddleOCR does."""
    model = onnx.ModelProto()
    model.CopyFrom(recogniser)
    weights = head.neck.trained_weights() if head.neck is not None else {}
    weights[WEIGHT] = head.last.weight.detach().numpy().T
    weights[BIAS] = head.last.bias.detach().numpy()
    write_weights(model, weights)
    model.graph.output[0].type.tensor_type.shape.dim[2].dim_value = CLASSES
    del model.metadata_props[:]
    entry = model.metadata_props.add()
    entry.key, entry.value = "character", "\n".join(ALPHABET)
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    onnx.save(model, str(partial))
    partial.replace(path)


if __name__ == "__main__":
    main()
