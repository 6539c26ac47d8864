"""The lines PlateKeeper's text detector finds on labelled plates: what its reader is handed.

A reader trained on whole plate crops learns plates as a person looks at them, state name and
slogan included; in PlateKeeper it is handed the lines the text detector found, cut as the
pipeline cuts them (``PlatePipeline.read_lines``). So for each labelled crop this finds, once,
the line on the plate whose general reading comes closest to the crop's text, and keeps its
corners in a JSON file beside the reader's cached features. A crop on which no line comes close
enough (the detector missed the plate, or found only the state name) has none, and is trained
on whole.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from platekeeper.recognition import EngineConfig, build_pipeline
from platekeeper.recognition.geometry import bounds
from platekeeper.recognition.pipeline import LineReading
from platekeeper.recognition.protocols import Quad
from training.label_plates import PlateCrop
from training.plate_lines import load_rgb

log = logging.getLogger("found_lines")

GROW = 0.1  # a line counts as on the plate when its centre lies in the box grown by this


def found_lines(
    labelled: Sequence[tuple[PlateCrop, str]], cache: Path, threads: int = 2
) -> dict[str, Quad]:
    """Each labelled crop's closest line, by ``crop_key``; read from ``cache`` once written."""
    if cache.exists():
        saved: dict[str, list[list[float]]] = json.loads(cache.read_text())
        return {key: _quad(points) for key, points in saved.items()}
    pipeline = build_pipeline(EngineConfig(region="auto", threads=threads))
    by_photo: defaultdict[Path, list[tuple[PlateCrop, str]]] = defaultdict(list)
    for crop, text in labelled:
        by_photo[crop.photo].append((crop, text))
    log.info("finding the lines on %d labelled plates in %d photos", len(labelled), len(by_photo))
    lines: dict[str, Quad] = {}
    for photo, crops in by_photo.items():
        # The boxes are on the photo's stored pixels, so the detector must see those too.
        readings = pipeline.read_lines(load_rgb(str(photo)))
        for crop, text in crops:
            closest = closest_line(readings, crop.box, text)
            if closest is not None:
                lines[crop_key(crop)] = closest
    partial = cache.with_suffix(".partial")
    partial.write_text(json.dumps({key: [list(p) for p in quad] for key, quad in lines.items()}))
    partial.replace(cache)
    log.info("a line found on %d of %d labelled plates", len(lines), len(labelled))
    return lines


def crop_key(crop: PlateCrop) -> str:
    x, y, w, h = crop.box
    return f"{crop.photo.name}:{x},{y},{w},{h}"


def closest_line(
    readings: Sequence[LineReading], box: tuple[int, int, int, int], text: str
) -> Quad | None:
    """The line on ``box`` whose reading is fewest edits from ``text``, if within a third of it."""
    x, y, w, h = box
    left, top, right, bottom = x - GROW * w, y - GROW * h, x + (1 + GROW) * w, y + (1 + GROW) * h
    best: tuple[int, Quad] | None = None
    for reading in readings:
        line_left, line_top, line_right, line_bottom = bounds(reading.corners)
        centre_x, centre_y = (line_left + line_right) / 2, (line_top + line_bottom) / 2
        if not (left <= centre_x <= right and top <= centre_y <= bottom):
            continue
        distance = edits(reading.text, text)
        if best is None or distance < best[0]:
            best = (distance, reading.corners)
    if best is None or best[0] > max(1, len(text) // 3):
        return None
    return best[1]


def edits(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions."""
    row = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, char_b in enumerate(b, start=1):
            substitution = previous + (char_a != char_b)
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, substitution)
    return row[-1]


def _quad(points: list[list[float]]) -> Quad:
    (a, b), (c, d), (e, f), (g, h) = points
    return ((a, b), (c, d), (e, f), (g, h))
