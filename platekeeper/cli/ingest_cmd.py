"""``platekeeper ingest images|video``: recognise plates and store the reads, with their images."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from platekeeper.cli.console import err, out
from platekeeper.cli.context import open_current, state
from platekeeper.cli.recognize import Region, engine_config
from platekeeper.domain import Camera
from platekeeper.domain.time import require_capture_time
from platekeeper.errors import InvalidInput, NotFound
from platekeeper.ingest.images import ImageFileSource
from platekeeper.ingest.video import (
    PlateTracker,
    VideoSource,
    decode_frames,
    is_stream,
    reconnecting,
)
from platekeeper.recognition import build_pipeline, image_files
from platekeeper.services import Services

app = typer.Typer(
    help="Recognise plates in images or video and store the reads.", no_args_is_help=True
)


def _camera(services: Services, camera_id: str) -> Camera:
    services.ingest.collection.require_collection("ingest")
    # Before any recognition: the service refuses to store reads without a complete policy.
    services.ingest.require_policy()
    camera = services.store.cameras.get(camera_id)
    if camera is None:
        raise NotFound(
            f"camera {camera_id!r} does not exist",
            hint="Register it first with 'platekeeper camera add'.",
        )
    if not camera.status.may_ingest:
        raise InvalidInput(
            f"camera {camera_id!r} is {camera.status.value} and may not send reads",
            hint="Set it active with 'platekeeper camera set-status'.",
        )
    return camera


@app.command("images")
def ingest_images(
    ctx: typer.Context,
    folder: Annotated[list[Path], typer.Argument(help="Image files or folders of images.")],
    camera_id: Annotated[str, typer.Option("--camera", help="Id of the camera that took them.")],
    region: Annotated[Region | None, typer.Option(help="Plate formats; default settings.")] = None,
    now: Annotated[
        bool,
        typer.Option(
            "--now",
            help="Date the reads now, not by EXIF or file time (for photos older than 30 days).",
        ),
    ] = False,
) -> None:
    """Recognise the plates in image files and store each with its crop and the full image."""
    files = image_files(folder)
    if not files:
        raise InvalidInput("no image files found", hint="Name image files or folders of them.")
    settings = state(ctx).settings()
    pipeline = build_pipeline(engine_config(settings.recognition, region.value if region else None))
    services = open_current(settings)
    try:
        camera = _camera(services, camera_id)
        source = ImageFileSource(
            pipeline, services.ingest, services.clock, services.store.reads, use_file_time=not now
        )
        with _progress() as progress:
            task = progress.add_task("images", total=len(files))
            report = source.run(camera, files, lambda path: progress.advance(task))
    finally:
        services.close()
    out.print(
        f"{report.images} images: {report.stored} reads stored, {report.repeated} already "
        f"stored, {report.without_plates} without plates, {len(report.failed)} failed."
    )
    for failure in report.failed:
        err.print(f"  {escape(failure)}", soft_wrap=True)
    if report.undated:
        err.print(
            f"{report.undated} photos carry a date outside the last "
            f"{services.ingest.limits.max_capture_age.days} days, which reads may not have. "
            "If they show plates seen now, run the same command again with --now to date "
            "their reads now; photos already stored are not stored twice.",
            soft_wrap=True,
        )
    if report.failed:
        raise typer.Exit(1)


@app.command("video")
def ingest_video(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="A video file, or a stream URL (rtsp://...).")],
    camera_id: Annotated[str, typer.Option("--camera", help="Id of the camera that filmed it.")],
    region: Annotated[Region | None, typer.Option(help="Plate formats; default settings.")] = None,
    fps: Annotated[float, typer.Option(min=0.2, max=30, help="Frames read per second.")] = 5.0,
    max_gap_s: Annotated[
        float, typer.Option(min=0.1, max=30, help="A plate unseen this long has passed.")
    ] = 1.5,
    start: Annotated[
        datetime | None,
        typer.Option(help="When a file's first frame was taken (ISO, with zone); default now."),
    ] = None,
) -> None:
    """Follow plates across frames and store one read per vehicle pass (best frame, voted text)."""
    if not is_stream(source) and not Path(source).is_file():
        raise InvalidInput(f"{source} does not exist", hint="Give a video file or a stream URL.")
    settings = state(ctx).settings()
    pipeline = build_pipeline(engine_config(settings.recognition, region.value if region else None))
    services = open_current(settings)
    try:
        camera = _camera(services, camera_id)
        began = require_capture_time(start) if start else services.clock.now()
        if is_stream(source):
            clock = services.clock
            frames = reconnecting(lambda: decode_frames(source, fps, began, now=clock.now))
        else:
            frames = decode_frames(source, fps, began)
        with _progress() as progress:
            task = progress.add_task("frames", total=None)
            report = VideoSource(pipeline, services.ingest, services.clock).run(
                camera, frames, PlateTracker(max_gap_s), lambda n: progress.advance(task)
            )
    finally:
        services.close()
    out.print(f"{report.frames} frames: {report.passes} passes, {report.stored} reads stored.")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
