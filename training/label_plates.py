"""Labelling plate texts by eye: numbered sheets of plate crops, and the file the texts go in.

The detector set (``shared/data/detector``) boxes plates but gives no text. The plate reader
needs real crops with their text, to train on and to choose its epoch on, so a person reads
them off sheets that this script draws::

    python -m training.label_plates sheet --start 0          # 16 crops not yet labelled
    # read them, then add one line per crop to training/data/plate_texts.csv:
    #   number,text    (text empty where the plate can't be read with certainty)
    python -m training.label_plates check                    # what is labelled, and mistakes

A crop is known by its number in ``candidates()``: plates at least ``MIN_WIDTH`` px wide, in
a fixed shuffled order, so that the first sheets sample the whole set. The labels are under
the detector set's own terms (CC BY 4.0 annotations, CC BY 2.0 images), with its attribution.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from platekeeper.recognition.protocols import ALPHABET

DETECTOR_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "detector"
LABELS = Path(__file__).resolve().parent / "data" / "plate_texts.csv"
MIN_WIDTH = 80  # narrower plates are seldom legible at the set's resolution
PER_SHEET = 16
_TILE = (320, 110)
_SEED = 19


@dataclass(frozen=True, slots=True)
class PlateCrop:
    """One labelled box of the detector set: its photo, box, and whether it is for validation."""

    photo: Path
    box: tuple[int, int, int, int]  # x, y, w, h
    validation: bool

    def image(self, margin: float = 0.1) -> Image.Image:
        x, y, w, h = self.box
        dx, dy = round(w * margin), round(h * margin)
        with Image.open(self.photo) as photo:
            return photo.convert("RGB").crop((x - dx, y - dy, x + w + dx, y + h + dy))


def candidates(root: Path = DETECTOR_DATA / "openimages-plates") -> list[PlateCrop]:
    """The crops worth labelling, numbered by their place in this list."""
    with (root / "source_split.csv").open(newline="") as handle:
        valid = {r["file"] for r in csv.DictReader(handle) if r["roboflow_split"] == "valid"}
    with (root / "labels.csv").open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if int(float(r["w"])) >= MIN_WIDTH]
    crops = [
        PlateCrop(root / r["file"], _box(r), r["file"] in valid)
        for r in sorted(rows, key=lambda r: (r["file"], float(r["x"]), float(r["y"])))
    ]
    random.Random(_SEED).shuffle(crops)  # noqa: S311 - an order to label in, not a secret
    return crops


def _box(row: dict[str, str]) -> tuple[int, int, int, int]:
    x, y, w, h = (round(float(row[key])) for key in ("x", "y", "w", "h"))
    return x, y, w, h


def read_labels(path: Path = LABELS) -> dict[int, str]:
    """Crop number to text; an empty text marks a crop looked at and found illegible."""
    if not path.exists():
        return {}
    with path.open(newline="") as handle:
        rows = [r for r in csv.reader(handle) if r and not r[0].startswith("#")]
    labels: dict[int, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != 2 or not row[0].strip().isdigit():
            raise SystemExit(f"{path}, row {line}: {row} is not 'number,text'; mend the row")
        labels[int(row[0])] = row[1].strip().upper()
    return labels


def mistakes(labels: dict[int, str], count: int) -> list[str]:
    """What is wrong with ``labels``: numbers out of range, characters no plate reader has."""
    problems = [f"crop {n} does not exist (0..{count - 1})" for n in labels if not 0 <= n < count]
    problems += [
        f"crop {n}: {text!r} has characters outside {ALPHABET}"
        for n, text in labels.items()
        if any(c not in ALPHABET for c in text)
    ]
    return problems


def sheet(
    crops: list[PlateCrop],
    start: int,
    validation_only: bool = False,
    skip: frozenset[int] = frozenset(),
) -> Image.Image:
    """``PER_SHEET`` crops from number ``start`` on, but those in ``skip``, two columns, each
    under its number."""
    tile_w, tile_h = _TILE
    rows = (PER_SHEET + 1) // 2
    canvas = Image.new("RGB", (2 * tile_w, rows * (tile_h + 18)), "white")
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(14)
    numbered = [(n, c) for n, c in enumerate(crops) if n >= start and n not in skip]
    if validation_only:
        numbered = [(n, c) for n, c in numbered if c.validation]
    for offset, (number, crop) in enumerate(numbered[:PER_SHEET]):
        left, top = (offset % 2) * tile_w, (offset // 2) * (tile_h + 18)
        image = crop.image()
        image.thumbnail((tile_w - 6, tile_h), Image.Resampling.LANCZOS)
        if image.height < tile_h // 2:  # small crops: scale up so that strokes can be told apart
            factor = min((tile_w - 6) / image.width, tile_h / image.height)
            size = (round(image.width * factor), round(image.height * factor))
            image = image.resize(size, Image.Resampling.BICUBIC)
        draw.text((left + 4, top + 1), str(number), fill="red", font=font)
        canvas.paste(image, (left + 3, top + 18))
    return canvas


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    draw = commands.add_parser("sheet", help="draw a numbered sheet of crops to read")
    draw.add_argument("--start", type=int, default=0)
    draw.add_argument("--validation", action="store_true", help="only the validation split's")
    draw.add_argument("--out", type=Path, default=Path("training/runs/sheets"))
    commands.add_parser("check", help="count the labels and list their mistakes")
    args = parser.parse_args(argv)
    crops = candidates()
    if args.command == "sheet":
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / f"sheet-{args.start:04d}.png"
        sheet(crops, args.start, args.validation, frozenset(read_labels())).save(path)
        print(f"{PER_SHEET} crops from number {args.start} of {len(crops)}: {path}")
        return
    labels = read_labels()
    for problem in mistakes(labels, len(crops)):
        print(problem)
    legible = sum(1 for text in labels.values() if text)
    print(f"{len(labels)} crops looked at, {legible} with a text, of {len(crops)}")


if __name__ == "__main__":
    main()
