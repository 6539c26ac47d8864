"""Plate recognition accuracy and speed on folders of photos with a truth.csv, engines side by side.

    .venv/bin/python benchmarks/recognition.py ../shared/data/plates/us-dev \
        ../shared/data/plates/eu:eu ../shared/data/plates/us-crops
    .venv/bin/python benchmarks/recognition.py ../shared/data/plates/eu:eu --speed
    .venv/bin/python benchmarks/recognition.py DIR --compare-cmd 'alpr -c us -j {image}'

Each folder may name its region after a colon (default ``--region``). Every engine in
``--engines`` reads every folder; an engine is a detector and a reader, ``DETECTOR/READER``
(the reader ``ppocr`` if left out). The default compares today's engine, ``ppocr-text`` (text
found anywhere, then picked by rules), with ``platenet`` (PlateKeeper's plate detector, text
read only on the plates it finds). ``ctc-onnx`` reads with the model at ``--reader-path``, such
as one that ``training/train_reader.py`` wrote.

truth.csv has columns file,x,y,w,h,plate (or file,plate for crops, with no box). Exact match
compares upper-case letters and digits; "folded" also counts O as 0 and I as 1; "within one
edit" allows one insertion, deletion or substitution. Box recall counts a truth box found with
IoU >= 0.3; "wrong best" is the share of images whose best result lies off the truth's plate (a
false read, or another car's plate), "other box" the share with any result off it (truth.csv
names one plate per photo, so a second car's real plate counts here too). Times are in-process,
per image, decoding included, after one warm-up image, on ``--threads`` threads (1: one core).
``--speed`` adds the throughput of two one-thread worker processes ("both cores").
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import re
import resource
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from platekeeper.recognition import EngineConfig, ImageResult, build_pipeline, load_image
from platekeeper.recognition.geometry import box_quad, iou
from platekeeper.recognition.protocols import Quad

BOX_IOU = 0.3


@dataclass(frozen=True, slots=True)
class Truth:
    file: str
    box: Quad | None  # None for a crop that is all plate
    plate: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """One recogniser's answer for one image: best text, boxes found, and the time it took."""

    file: str
    text: str
    boxes: tuple[Quad, ...]
    ms: float


def read_truth(folder: Path) -> list[Truth]:
    with (folder / "truth.csv").open(newline="", encoding="utf-8") as handle:
        return [
            Truth(row["file"], _box(row), clean(row["plate"])) for row in csv.DictReader(handle)
        ]


def _box(row: dict[str, str]) -> Quad | None:
    if not row.get("w"):
        return None
    x, y = float(row["x"]), float(row["y"])
    return box_quad(x, y, x + float(row["w"]), y + float(row["h"]))


def clean(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def fold(text: str) -> str:
    return text.replace("O", "0").replace("I", "1")


def within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def outcome_of(file: str, result: ImageResult, ms: float) -> Outcome:
    boxes = tuple(tuple((p.x, p.y) for p in plate.box.corners) for plate in result.plates)
    text = result.best.text if result.best else ""
    return Outcome(file, text, boxes, ms)  # type: ignore[arg-type]


def run_engine(folder: Path, truths: Sequence[Truth], config: EngineConfig) -> list[Outcome]:
    pipeline = build_pipeline(config)
    pipeline.recognise(load_image(folder / truths[0].file))  # warm-up: first-run allocations
    outcomes = []
    for truth in truths:
        started = time.perf_counter()
        result = pipeline.recognise(load_image(folder / truth.file))
        outcomes.append(outcome_of(truth.file, result, (time.perf_counter() - started) * 1000))
    return outcomes


def _worker(args: tuple[Path, list[Truth], EngineConfig]) -> int:
    folder, truths, config = args
    return len(run_engine(folder, truths, config))


def throughput(folder: Path, truths: Sequence[Truth], config: EngineConfig, workers: int) -> float:
    """Images per second with ``workers`` one-thread processes sharing the images."""
    shares = [list(truths[i::workers]) for i in range(workers)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        pool.map(_worker, [(folder, shares[0][:1], config)] * workers)  # load models first
        started = time.perf_counter()
        done = sum(pool.map(_worker, [(folder, share, config) for share in shares]))
    return done / (time.perf_counter() - started)


def run_command(folder: Path, truths: Sequence[Truth], template: str) -> list[Outcome]:
    """Another recogniser, one call per image; its JSON must be in OpenALPR's ``-j`` layout."""
    outcomes = []
    for truth in truths:
        command = [
            part.replace("{image}", str(folder / truth.file)) for part in shlex.split(template)
        ]
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        ms = (time.perf_counter() - started) * 1000
        text, boxes = parse_alpr_json(completed.stdout)
        outcomes.append(Outcome(truth.file, text, boxes, ms))
    return outcomes


def parse_alpr_json(stdout: str) -> tuple[str, tuple[Quad, ...]]:
    for line in stdout.splitlines():
        if not line.startswith("{"):
            continue
        results = json.loads(line).get("results", [])
        boxes = tuple(
            tuple((float(c["x"]), float(c["y"])) for c in r["coordinates"]) for r in results
        )
        return (clean(results[0]["plate"]) if results else ""), boxes  # type: ignore[return-value]
    return "", ()


@dataclass(frozen=True, slots=True)
class Scores:
    exact: float
    folded: float
    one_edit: float
    box_recall: float | None
    wrong_best: float | None
    other_box: float | None
    median_ms: float


def score(truths: Sequence[Truth], outcomes: Sequence[Outcome]) -> Scores:
    pairs = list(zip(truths, outcomes, strict=True))
    boxed = all(t.box is not None for t in truths)

    def share(test: Callable[[Truth, Outcome], bool]) -> float:
        return 100.0 * sum(test(t, o) for t, o in pairs) / len(pairs)

    return Scores(
        exact=share(lambda t, o: o.text == t.plate),
        folded=share(lambda t, o: fold(o.text) == fold(t.plate)),
        one_edit=share(lambda t, o: within_one_edit(o.text, t.plate)),
        box_recall=share(_found) if boxed else None,
        wrong_best=share(_best_elsewhere) if boxed else None,
        other_box=share(_any_elsewhere) if boxed else None,
        median_ms=statistics.median(o.ms for o in outcomes),
    )


def _found(truth: Truth, outcome: Outcome) -> bool:
    return truth.box is not None and any(iou(b, truth.box) >= BOX_IOU for b in outcome.boxes)


def _best_elsewhere(truth: Truth, outcome: Outcome) -> bool:
    boxes = outcome.boxes[:1]
    return truth.box is not None and any(iou(b, truth.box) < BOX_IOU for b in boxes)


def _any_elsewhere(truth: Truth, outcome: Outcome) -> bool:
    return truth.box is not None and any(iou(b, truth.box) < BOX_IOU for b in outcome.boxes)


def print_table(rows: list[tuple[str, Scores]]) -> None:
    print(
        f"{'engine':<28} {'exact':>7} {'folded':>7} {'1-edit':>7} {'box':>7} {'wrong best':>10} "
        f"{'other box':>9} {'median ms':>10}"
    )
    for name, s in rows:
        print(
            f"{name:<28} {s.exact:>6.1f}% {s.folded:>6.1f}% {s.one_edit:>6.1f}% "
            f"{_percent(s.box_recall):>7} {_percent(s.wrong_best):>10} {_percent(s.other_box):>9} "
            f"{s.median_ms:>10.0f}"
        )


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.1f}%"


def peak_memory_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", help="FOLDER or FOLDER:REGION")
    parser.add_argument("--region", default="us", choices=REGIONS)
    parser.add_argument("--engines", nargs="+", default=ENGINES, help="DETECTOR[/READER] ...")
    parser.add_argument("--threads", type=int, default=1, help="threads for the timed run")
    parser.add_argument("--speed", action="store_true", help="also throughput on both cores")
    parser.add_argument("--max-side", type=int, default=1280, help="text detector input, px")
    parser.add_argument("--detector-path", type=Path, help="another text or plate detector")
    parser.add_argument("--reader-path", type=Path, help="the ctc-onnx reader's model")
    parser.add_argument("--limit", type=int, default=0, help="only the first N images")
    parser.add_argument("--misses", action="store_true", help="list the images read wrongly")
    parser.add_argument("--compare-cmd", help="another recogniser; {image} is the image path")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()[0]
    for folder, region in (_folder(spec, args.region) for spec in args.folders):
        truths = read_truth(folder)[: args.limit or None]
        rows = []
        for engine in args.engines:
            detector, _, reader = engine.partition("/")
            config = EngineConfig(
                detector_type=detector,
                reader_type=reader or "ppocr",
                region=region,
                threads=args.threads,
                detector_max_side=args.max_side,
                detector_path=args.detector_path,
                # Only a reader of one's own takes the file: ``ppocr`` is the shipped model.
                reader_path=args.reader_path if reader == "ctc-onnx" else None,
            )
            outcomes = run_engine(folder, truths, config)
            rows.append((f"{engine} ({args.threads} thread(s))", score(truths, outcomes)))
            if args.speed:
                rate = throughput(folder, truths, replace(config, threads=1), 2)
                print(f"{folder} {engine}: {rate:.2f} images/s on both cores (2 workers)")
            if args.misses:
                _print_misses(engine, truths, outcomes)
        if args.compare_cmd:
            rows.append(
                ("compare-cmd", score(truths, run_command(folder, truths, args.compare_cmd)))
            )
        print(f"{folder}: {len(truths)} images, region {region}")
        print_table(rows)
    print(f"peak memory (this process): {peak_memory_mib():.0f} MiB")
    # Other work on the same cores slows every figure above: say how busy the machine was.
    print(f"load average (1 min) before: {load_before:.1f}, after: {os.getloadavg()[0]:.1f}")
    return 0


REGIONS = ["us", "eu", "br", "auto"]
ENGINES = ["ppocr-text/ppocr", "platenet/ppocr"]


def _folder(spec: str, default_region: str) -> tuple[Path, str]:
    path, _, region = spec.rpartition(":") if spec.rsplit(":", 1)[-1] in REGIONS else (spec, "", "")
    return Path(path), region or default_region


def _print_misses(engine: str, truths: Sequence[Truth], outcomes: Sequence[Outcome]) -> None:
    for truth, outcome in zip(truths, outcomes, strict=True):
        if outcome.text != truth.plate:
            print(f"  {engine} miss {truth.file}: want {truth.plate} got {outcome.text or '-'}")


if __name__ == "__main__":
    sys.exit(main())
