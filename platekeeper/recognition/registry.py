"""Engines assembled from config: a detector and a reader, each chosen by its ``type`` key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from platekeeper.errors import InvalidInput
from platekeeper.recognition.pipeline import PipelineOptions, PlatePipeline
from platekeeper.recognition.plate_detector import PlateNetDetector
from platekeeper.recognition.ppocr import CtcReader, PpOcrTextDetector
from platekeeper.recognition.protocols import ALPHABET, Detector, Reader
from platekeeper.recognition.text_on_plates import TextOnPlates
from platekeeper.recognition.yolo import YoloPlateDetector

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """What to build: the backends by type, optional model files, and how to read."""

    detector_type: str = "ppocr-text"
    detector_path: Path | None = None
    reader_type: str = "ppocr"
    reader_path: Path | None = None
    reader_alphabet: str = ALPHABET
    region: str = "us"
    topn: int = 10
    threads: int = 0
    detector_max_side: int = 1280


def _ppocr_detector(config: EngineConfig) -> Detector:
    return PpOcrTextDetector(
        config.detector_path, max_side=config.detector_max_side, threads=config.threads
    )


def _platenet_detector(config: EngineConfig) -> Detector:
    plates = PlateNetDetector(config.detector_path, threads=config.threads)
    return TextOnPlates(plates, PpOcrTextDetector(threads=config.threads))


def _yolo_detector(config: EngineConfig) -> Detector:
    return YoloPlateDetector(_required(config.detector_path, "detector"), threads=config.threads)


def _ppocr_reader(config: EngineConfig) -> Reader:
    return CtcReader(config.reader_path, threads=config.threads)


def _ctc_reader(config: EngineConfig) -> Reader:
    path = _required(config.reader_path, "reader")
    return CtcReader(path, characters=config.reader_alphabet, threads=config.threads)


def _required(path: Path | None, what: str) -> Path:
    if path is None:
        raise InvalidInput(
            f"the {what} type needs a model file",
            hint=f"Set recognition.{what}_path to the ONNX file.",
        )
    return path


DETECTORS: dict[str, Callable[[EngineConfig], Detector]] = {
    "platenet": _platenet_detector,
    "ppocr-text": _ppocr_detector,
    "yolo-onnx": _yolo_detector,
}
READERS: dict[str, Callable[[EngineConfig], Reader]] = {
    "ppocr": _ppocr_reader,
    "ctc-onnx": _ctc_reader,
}


def _pick(
    table: dict[str, Callable[[EngineConfig], T]], kind: str, what: str
) -> Callable[[EngineConfig], T]:
    try:
        return table[kind]
    except KeyError:
        raise InvalidInput(
            f"unknown {what} type {kind!r}", hint=f"Use one of: {', '.join(sorted(table))}."
        ) from None


def build_pipeline(config: EngineConfig) -> PlatePipeline:
    """The pipeline ``config`` describes; models load once per process and are shared."""
    detector = _pick(DETECTORS, config.detector_type, "detector")(config)
    reader = _pick(READERS, config.reader_type, "reader")(config)
    return PlatePipeline(detector, reader, PipelineOptions(region=config.region, topn=config.topn))
