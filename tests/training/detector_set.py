"""A made-up detector set: drawn scenes with one plate each, as shared/data/detector lays out."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from PIL import Image as PILImage

from tests.recognition.render import compose


def write_detector_set(
    folder: Path, texts: Sequence[str], size: tuple[int, int], plate_width: int
) -> Path:
    """One photo per text with its plate box; the last photo is in the validation split."""
    (folder / "images").mkdir(parents=True)
    rows, splits = [], []
    for index, text in enumerate(texts):
        pixels, placed = compose([text], size=size, seed=index, plate_width=plate_width)
        name = f"images/scene{index}.jpg"
        PILImage.fromarray(pixels).save(folder / name)
        left, top, right, bottom = placed[0].box
        rows.append([name, left, top, right - left, bottom - top, ""])
        last = index == len(texts) - 1
        splits.append([name, "valid" if last else "train", f"id{index}"])
    write_csv(folder / "labels.csv", ["file", "x", "y", "w", "h", "plate"], rows)
    write_csv(
        folder / "source_split.csv", ["file", "roboflow_split", "openimages_image_id"], splits
    )
    return folder


def write_csv(path: Path, header: list[str], rows: Sequence[Sequence[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
