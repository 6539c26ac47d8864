"""Plate recognition on the CPU with shipped models: find plates in an image and read them.

``build_pipeline(EngineConfig(...))`` gives a ``PlatePipeline``; its ``recognise(image)`` returns
an ``ImageResult`` with every plate found. Detectors and readers are small protocols, so a
dedicated plate model plugs in by config.
"""

from platekeeper.recognition.images import decode_image, image_files, load_image
from platekeeper.recognition.pipeline import PipelineOptions, PlatePipeline
from platekeeper.recognition.protocols import CharProbs, Detection, Detector, Image, Reader
from platekeeper.recognition.registry import EngineConfig, build_pipeline
from platekeeper.recognition.results import Candidate, ImageResult, PlateResult

__all__ = [
    "Candidate",
    "CharProbs",
    "Detection",
    "Detector",
    "EngineConfig",
    "Image",
    "ImageResult",
    "PipelineOptions",
    "PlatePipeline",
    "PlateResult",
    "Reader",
    "build_pipeline",
    "decode_image",
    "image_files",
    "load_image",
]
