"""``platekeeper recognize``: read the plates in images, as a table or as OpenALPR-style JSON."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from platekeeper.cli.console import out
from platekeeper.cli.context import state
from platekeeper.config import RecognitionSettings
from platekeeper.errors import InvalidInput
from platekeeper.recognition import (
    EngineConfig,
    ImageResult,
    build_pipeline,
    image_files,
    load_image,
)


class Region(StrEnum):
    us = "us"
    eu = "eu"
    br = "br"
    auto = "auto"


def engine_config(
    settings: RecognitionSettings, region: str | None = None, topn: int | None = None
) -> EngineConfig:
    """The engine the settings describe, with the command line's region and top-N on top."""
    return EngineConfig(
        detector_type=settings.detector_type,
        detector_path=settings.detector_path,
        reader_type=settings.reader_type,
        reader_path=settings.reader_path,
        reader_alphabet=settings.reader_alphabet,
        region=region or settings.region,
        topn=topn or settings.topn,
        threads=settings.threads,
        detector_max_side=settings.detector_max_side,
    )


def alpr_json(result: ImageResult, file: str, topn: int) -> dict[str, Any]:
    """``result`` in the layout of OpenALPR's ``alpr -j``, plus the file name."""
    return {
        "version": 2,
        "data_type": "alpr_results",
        "epoch_time": int(time.time() * 1000),
        "img_width": result.width,
        "img_height": result.height,
        "processing_time_ms": round(result.processing_time_ms, 3),
        "regions_of_interest": [],
        "results": [
            {
                "plate": plate.text,
                "confidence": round(plate.confidence * 100, 3),
                "matches_template": int(plate.matches_template),
                "plate_index": index,
                "region": plate.region or "",
                "region_confidence": round(plate.region_confidence * 100),
                "processing_time_ms": round(result.processing_time_ms, 3),
                "requested_topn": topn,
                "coordinates": [{"x": round(p.x), "y": round(p.y)} for p in plate.box.corners],
                "candidates": [
                    {
                        "plate": c.text,
                        "confidence": round(c.confidence * 100, 3),
                        "matches_template": int(c.matches_template),
                    }
                    for c in plate.candidates
                ],
            }
            for index, plate in enumerate(result.plates)
        ],
        "file": file,
    }


def recognize(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Image files or folders of images.")],
    region: Annotated[
        Region | None, typer.Option(help="Plate formats: us, eu, br or auto; default settings.")
    ] = None,
    topn: Annotated[
        int | None, typer.Option(min=1, max=20, help="Alternative readings per plate.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One OpenALPR-style JSON object per image (lines).")
    ] = False,
) -> None:
    """Read the plates in images, offline, with the shipped models."""
    files = image_files(paths)
    if not files:
        raise InvalidInput("no image files found", hint="Name image files or folders of them.")
    config = engine_config(
        state(ctx).settings().recognition, region.value if region else None, topn
    )
    pipeline = build_pipeline(config)
    table = Table("file", "plate", "confidence", "region", "format", "alternatives")
    for path in files:
        result = pipeline.recognise(load_image(path))
        if as_json:
            typer.echo(orjson.dumps(alpr_json(result, path.name, config.topn)).decode())
            continue
        for plate in result.plates or ():
            alternatives = ", ".join(c.text for c in plate.candidates[1:4])
            table.add_row(
                path.name,
                plate.text,
                f"{plate.confidence * 100:.1f}",
                plate.region or "",
                "yes" if plate.matches_template else "no",
                alternatives,
            )
        if not result.plates:
            table.add_row(path.name, "-", "", "", "", "")
    if not as_json:
        out.print(table)
