"""Video: following plates across frames, voting their text, reconnecting a dropped stream."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np

from platekeeper.domain import Camera, PlateBox, Point
from platekeeper.ingest.video import (
    Frame,
    PlateTracker,
    VideoSource,
    decode_frames,
    reconnecting,
)
from platekeeper.recognition import PlatePipeline
from platekeeper.recognition.results import Candidate, ImageResult, PlateResult
from platekeeper.services import Services
from platekeeper.store import ReadQuery
from tests.conftest import NOW

BLANK = np.zeros((4, 4, 3), np.uint8)


def plate(text: str, x: float, confidence: float = 0.9) -> PlateResult:
    corners = (Point(x, 100), Point(x + 100, 100), Point(x + 100, 150), Point(x, 150))
    return PlateResult(
        text=text,
        confidence=confidence,
        char_confidences=(confidence,) * len(text),
        candidates=(Candidate(text, confidence, True),),
        box=PlateBox(corners),
        region="us",
        region_confidence=0.5,
        matches_template=True,
    )


def frame_result(*plates: PlateResult) -> ImageResult:
    return ImageResult(640, 360, 1.0, plates)


def test_a_plate_seen_in_several_frames_is_one_pass_with_the_voted_text() -> None:
    tracker = PlateTracker(max_gap_s=0.5)
    readings = [("ABC1234", 0.9), ("ABC1284", 0.95), ("ABC1234", 0.8), ("ABC1234", 0.85)]
    ended = []
    for step, (text, confidence) in enumerate(readings):
        at = NOW + timedelta(seconds=0.2 * step)
        ended += tracker.update(frame_result(plate(text, 10 + 5 * step, confidence)), BLANK, at)
    assert ended == []
    (vehicle,) = tracker.update(frame_result(), BLANK, NOW + timedelta(seconds=2))
    assert vehicle.text == "ABC1234"
    assert vehicle.frames == 4
    assert vehicle.best.text == "ABC1284"  # the best frame keeps its own reading
    assert vehicle.first_seen == NOW
    assert 0 < vehicle.confidence < 0.95
    assert tracker.finish() == []


def test_two_plates_side_by_side_are_two_passes() -> None:
    tracker = PlateTracker(max_gap_s=0.5)
    for step in range(3):
        at = NOW + timedelta(seconds=0.2 * step)
        tracker.update(frame_result(plate("ABC1234", 10), plate("XYZ9876", 400)), BLANK, at)
    assert sorted(v.text for v in tracker.finish()) == ["ABC1234", "XYZ9876"]


def test_a_plate_seen_again_after_the_gap_is_a_new_pass() -> None:
    tracker = PlateTracker(max_gap_s=0.5)
    tracker.update(frame_result(plate("ABC1234", 10)), BLANK, NOW)
    first = tracker.update(frame_result(plate("ABC1234", 10)), BLANK, NOW + timedelta(seconds=3))
    assert [v.frames for v in first] == [1]
    assert [v.frames for v in tracker.finish()] == [1]


def test_a_dropped_stream_is_opened_again_with_growing_pauses() -> None:
    pauses: list[float] = []
    opened = 0

    def open_frames() -> Iterator[Frame]:
        nonlocal opened
        opened += 1
        if opened in (1, 2):
            raise OSError("connection refused")
        yield Frame(BLANK, NOW)

    frames = list(reconnecting(open_frames, sleep=pauses.append, max_attempts=4))
    assert len(frames) == 2  # attempts 3 and 4 each gave a frame
    assert pauses == [1.0, 2.0, 1.0, 1.0]  # doubling while failing, short again once it flowed


def test_decoding_samples_frames_at_the_asked_rate(clip: Path) -> None:
    frames = list(decode_frames(str(clip), 2.5, NOW))
    assert len(frames) == 5
    assert frames[1].at - frames[0].at == timedelta(seconds=0.4)
    assert frames[0].image.shape == (360, 640, 3)


def test_a_clip_is_stored_as_one_read_per_pass(
    clip: Path, pipeline: PlatePipeline, ingest_services: tuple[Services, Camera]
) -> None:
    services, camera = ingest_services
    source = VideoSource(pipeline, services.ingest, services.clock)
    report = source.run(camera, decode_frames(str(clip), 5, NOW), PlateTracker(max_gap_s=0.3))
    assert (report.frames, report.passes, report.stored) == (9, 2, 2)
    stored = services.store.reads.find(ReadQuery())
    assert sorted(r.plate_text for r in stored) == ["5TRW903", "KXR4821"]
    assert all(r.crop_ref and r.image_ref for r in stored)
