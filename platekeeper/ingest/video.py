"""Ingest from video: decode with PyAV, sample frames, follow each plate, store one read per pass.

A pass is a plate followed across frames by its box (and, when the box jumps, its text). When
it has not been seen for ``max_gap_s`` it closes: its text is the vote across its frames
(confidences summed per reading), its images those of its most confident frame. A stream
(``rtsp://`` and the like) that drops is opened again with growing pauses; a file simply ends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import av
import numpy as np

from platekeeper.domain import Camera, ReadSubmission
from platekeeper.domain.time import Clock
from platekeeper.errors import InvalidInput
from platekeeper.ingest.images import Recogniser, crop_of, submissions_for
from platekeeper.ingest.service import IngestItem, IngestService
from platekeeper.recognition.geometry import iou
from platekeeper.recognition.images import encode_jpeg
from platekeeper.recognition.protocols import Image, Quad
from platekeeper.recognition.results import ImageResult, PlateResult

log = logging.getLogger(__name__)

STREAM_SCHEMES = ("rtsp://", "rtsps://", "rtmp://", "http://", "https://", "udp://", "tcp://")
MATCH_IOU = 0.1


@dataclass(frozen=True, slots=True)
class Frame:
    image: Image
    at: datetime


@dataclass(frozen=True, slots=True)
class VehiclePass:
    """One plate followed across frames: the voted text, and the best frame's reading."""

    text: str
    confidence: float
    best: PlateResult
    image: Image
    first_seen: datetime
    last_seen: datetime
    frames: int


@dataclass
class _Track:
    box: Quad
    last_seen: datetime
    first_seen: datetime
    votes: dict[str, float] = field(default_factory=dict)
    best: PlateResult | None = None
    best_image: Image | None = None
    frames: int = 0

    def add(self, plate: PlateResult, image: Image, at: datetime) -> None:
        self.box = _quad(plate)
        self.last_seen = at
        self.frames += 1
        self.votes[plate.text] = self.votes.get(plate.text, 0.0) + plate.confidence
        if self.best is None or plate.confidence > self.best.confidence:
            self.best, self.best_image = plate, image

    def close(self) -> VehiclePass:
        assert self.best is not None
        assert self.best_image is not None
        text = max(self.votes, key=lambda t: self.votes[t])
        share = self.votes[text] / sum(self.votes.values())
        return VehiclePass(
            text=text,
            confidence=min(1.0, share * self.best.confidence),
            best=self.best,
            image=self.best_image,
            first_seen=self.first_seen,
            last_seen=self.last_seen,
            frames=self.frames,
        )


def _quad(plate: PlateResult) -> Quad:
    c = plate.box.corners
    return ((c[0].x, c[0].y), (c[1].x, c[1].y), (c[2].x, c[2].y), (c[3].x, c[3].y))


class PlateTracker:
    """Follows plates from frame to frame; hands back each pass once it has ended."""

    def __init__(self, max_gap_s: float = 1.5) -> None:
        self.max_gap = timedelta(seconds=max_gap_s)
        self._open: list[_Track] = []

    def update(self, result: ImageResult, image: Image, at: datetime) -> list[VehiclePass]:
        for plate in result.plates:
            track = self._match(plate, at)
            if track is None:
                track = _Track(box=_quad(plate), last_seen=at, first_seen=at)
                self._open.append(track)
            track.add(plate, image, at)
        ended = [t for t in self._open if at - t.last_seen > self.max_gap]
        self._open = [t for t in self._open if t not in ended]
        return [t.close() for t in ended]

    def finish(self) -> list[VehiclePass]:
        ended, self._open = self._open, []
        return [t.close() for t in ended]

    def _match(self, plate: PlateResult, at: datetime) -> _Track | None:
        box = _quad(plate)
        live = [t for t in self._open if at - t.last_seen <= self.max_gap and t.last_seen < at]
        by_overlap = max(live, key=lambda t: iou(t.box, box), default=None)
        if by_overlap is not None and iou(by_overlap.box, box) >= MATCH_IOU:
            return by_overlap
        # A box that jumps (a dropped frame, a fast car) still continues a track of its text.
        return next((t for t in live if plate.text in t.votes), None)


def is_stream(source: str) -> bool:
    return source.lower().startswith(STREAM_SCHEMES)


def is_device(source: str) -> bool:
    """A USB or other V4L2 camera (``/dev/video0``): live, like a stream."""
    return source.startswith("/dev/video")


def decode_frames(
    source: str,
    sample_fps: float,
    start: datetime,
    now: Callable[[], datetime] | None = None,
) -> Iterator[Frame]:
    """Frames of ``source`` about ``sample_fps`` times a second, timed from ``start``.

    A live stream's timestamps start anywhere: give ``now`` to stamp frames as they arrive.
    """
    try:
        options = {"rtsp_transport": "tcp"} if is_stream(source) else {}
        container = av.open(source, format="v4l2" if is_device(source) else None, options=options)
    except (av.error.FFmpegError, OSError) as error:
        raise InvalidInput(
            f"cannot open video {source}: {error}",
            hint="Give a video file PyAV can decode or a stream URL that answers.",
        ) from None
    with container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        step = 1.0 / sample_fps
        next_at = 0.0
        for frame in container.decode(stream):
            offset = float(frame.time) if frame.time is not None else next_at
            if offset + 1e-6 < next_at:
                continue
            next_at = offset + step
            image = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
            yield Frame(image, now() if now else start + timedelta(seconds=offset))


def reconnecting(
    open_frames: Callable[[], Iterator[Frame]],
    *,
    sleep: Callable[[float], None] = time.sleep,
    max_backoff_s: float = 30.0,
    max_attempts: int | None = None,
) -> Iterator[Frame]:
    """Frames from ``open_frames``, opened again with doubling pauses whenever it fails or ends."""
    backoff = 1.0
    attempts = 0
    while max_attempts is None or attempts < max_attempts:
        attempts += 1
        try:
            for frame in open_frames():
                backoff = 1.0  # frames flow again: the next drop starts with a short pause
                yield frame
        except (av.error.FFmpegError, OSError, InvalidInput) as error:
            log.warning("video stream failed (%s); opening it again in %.0f s", error, backoff)
        else:
            log.warning("video stream ended; opening it again in %.0f s", backoff)
        sleep(backoff)
        backoff = min(max_backoff_s, backoff * 2)


@dataclass(frozen=True, slots=True)
class VideoIngestReport:
    frames: int
    passes: int
    stored: int


class VideoSource:
    """Feeds a video through a recogniser and a tracker into the ingest service."""

    def __init__(self, recogniser: Recogniser, ingest: IngestService, clock: Clock) -> None:
        self._recogniser = recogniser
        self._ingest = ingest
        self._clock = clock

    def run(
        self,
        camera: Camera,
        frames: Iterator[Frame],
        tracker: PlateTracker,
        progress: Callable[[int], None] = lambda frames: None,
    ) -> VideoIngestReport:
        count = passes = stored = 0
        for frame in frames:
            count += 1
            result = self._recogniser.recognise(frame.image)
            ended = tracker.update(result, frame.image, frame.at)
            passes += len(ended)
            stored += self._store(camera, ended)
            progress(count)
        ended = tracker.finish()
        return VideoIngestReport(count, passes + len(ended), stored + self._store(camera, ended))

    def _store(self, camera: Camera, passes: list[VehiclePass]) -> int:
        if not passes:
            return 0
        items = [item_for(p) for p in passes]
        return len(self._ingest.ingest(camera, items, where=lambda i: f"pass {i}"))


def item_for(vehicle: VehiclePass) -> IngestItem:
    """The read for a pass: the voted text, the best frame's box, crop and image."""
    best = ImageResult(vehicle.image.shape[1], vehicle.image.shape[0], 0.0, (vehicle.best,))
    pass_id = f"pass-{vehicle.first_seen.timestamp():.3f}-{_box_key(vehicle.best)}"
    submission = submissions_for(best, pass_id, vehicle.first_seen)[0]
    voted = ReadSubmission(
        client_read_id=submission.client_read_id,
        plate_text=vehicle.text,
        confidence=vehicle.confidence,
        captured_at=vehicle.first_seen,
        region=submission.region,
        region_confidence=submission.region_confidence,
        candidates=tuple(c for c in submission.candidates if c.plate_text != vehicle.text),
        box=submission.box,
    )
    return IngestItem(
        voted, image=encode_jpeg(vehicle.image), crop=crop_of(vehicle.image, vehicle.best)
    )


def _box_key(plate: PlateResult) -> str:
    corner = plate.box.corners[0]
    return f"{round(corner.x)}x{round(corner.y)}"
