"""Ingest from image files: recognise each photo and store its plates with crop and full image.

A read's client id is derived from the image's content and the plate's place in it, and a photo
whose reads the camera has stored already is not stored again: running the same folder twice, or
dating its photos now each time (``--now``), reports repeats instead of storing them twice.

A photo is dated by its EXIF date, else by its file's time; one dated outside the window that
ingest accepts (the last 30 days) is refused by name, with the date it carries and where from,
before any recognition, so that a person knows which files to date now.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from PIL import Image as PILImage

from platekeeper.domain import Camera, PlateCandidate, ReadSubmission
from platekeeper.domain.plates import normalise_plate_key
from platekeeper.domain.time import Clock
from platekeeper.errors import InvalidInput, PlateKeeperError
from platekeeper.ingest.service import IngestItem, IngestLimits, IngestService
from platekeeper.recognition.images import decode_image, encode_jpeg
from platekeeper.recognition.protocols import Image
from platekeeper.recognition.results import ImageResult, PlateResult
from platekeeper.store import StoredOutcome

log = logging.getLogger(__name__)

_EXIF_DATETIME_ORIGINAL = 0x9003
_EXIF_IFD = 0x8769
CROP_MARGIN = 0.15


class Recogniser(Protocol):
    def recognise(self, image: Image) -> ImageResult: ...


class StoredClientIds(Protocol):
    """Which of a camera's client read ids are stored, each given with its read's plate key
    (the read store answers)."""

    def stored_client_ids(
        self, camera_id: str, plate_keys: Mapping[str, str]
    ) -> frozenset[str]: ...


@dataclass(frozen=True, slots=True)
class ImageIngestReport:
    """What a run over image files did."""

    images: int = 0
    without_plates: int = 0
    stored: int = 0
    repeated: int = 0
    failed: tuple[str, ...] = ()
    undated: int = 0
    """Of ``failed``, photos refused for their date alone: ``--now`` would store them."""


def submissions_for(
    result: ImageResult, image_id: str, captured_at: datetime
) -> list[ReadSubmission]:
    """One read per plate found, its alternatives as candidates."""
    return [
        ReadSubmission(
            client_read_id=f"{image_id}-{index}",
            plate_text=plate.text,
            confidence=plate.confidence,
            captured_at=captured_at,
            region=plate.region,
            region_confidence=plate.region_confidence if plate.region else None,
            candidates=tuple(
                PlateCandidate(c.text, c.confidence)
                for c in plate.candidates
                if c.text != plate.text
            ),
            box=plate.box,
        )
        for index, plate in enumerate(result.plates)
    ]


def box_bounds(plate: PlateResult) -> tuple[float, float, float, float]:
    """Left, top, right and bottom of the plate's box."""
    xs = [p.x for p in plate.box.corners]
    ys = [p.y for p in plate.box.corners]
    return min(xs), min(ys), max(xs), max(ys)


def crop_of(image: Image, plate: PlateResult) -> bytes:
    """The plate and a margin around it, as JPEG."""
    left, top, right, bottom = box_bounds(plate)
    pad_x, pad_y = (right - left) * CROP_MARGIN, (bottom - top) * CROP_MARGIN
    height, width = image.shape[:2]
    x0, y0 = max(0, int(left - pad_x)), max(0, int(top - pad_y))
    x1, y1 = min(width, int(right + pad_x) + 1), min(height, int(bottom + pad_y) + 1)
    return encode_jpeg(image[y0:y1, x0:x1])


def items_for(
    data: bytes, image: Image, result: ImageResult, captured_at: datetime
) -> list[IngestItem]:
    """Ingest items for the plates of one image, each with its crop and the full image."""
    image_id = hashlib.sha256(data).hexdigest()[:24]
    full = data if data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n" else None
    full = full or encode_jpeg(image)
    return [
        IngestItem(submission, image=full, crop=crop_of(image, plate))
        for submission, plate in zip(
            submissions_for(result, image_id, captured_at), result.plates, strict=True
        )
    ]


@dataclass(frozen=True, slots=True)
class PhotoDate:
    """When a photo was taken, and where that came from, in words for a person."""

    at: datetime
    source: str


def photo_date(path: Path, data: bytes) -> PhotoDate:
    """When the photo was taken: EXIF DateTimeOriginal (taken as UTC), else the file's mtime."""
    try:
        with PILImage.open(io.BytesIO(data)) as opened:
            stamp = opened.getexif().get_ifd(_EXIF_IFD).get(_EXIF_DATETIME_ORIGINAL)
        if isinstance(stamp, str):
            taken = datetime.strptime(stamp.strip(), "%Y:%m:%d %H:%M:%S").replace(tzinfo=UTC)
            return PhotoDate(taken, "its EXIF date")
    except (OSError, ValueError):
        pass  # no usable EXIF: the file's time is the next best thing
    changed = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return PhotoDate(changed, "its file's time (it has no EXIF date)")


def date_problem(date: PhotoDate, now: datetime, limits: IngestLimits) -> str | None:
    """Why ingest would refuse reads dated ``date``, in words; None when it would not."""
    when = date.at.strftime("%Y-%m-%d %H:%M UTC")
    if date.at > now + limits.max_clock_skew:
        return f"dated {when} by {date.source}, which is in the future"
    if date.at < now - limits.max_capture_age:
        days = limits.max_capture_age.days
        return f"dated {when} by {date.source}, more than {days} days ago"
    return None


class ImageFileSource:
    """Feeds image files through a recogniser into the ingest service."""

    def __init__(
        self,
        recogniser: Recogniser,
        ingest: IngestService,
        clock: Clock,
        stored: StoredClientIds,
        *,
        use_file_time: bool = True,
    ) -> None:
        self._recogniser = recogniser
        self._ingest = ingest
        self._clock = clock
        self._stored = stored
        self._use_file_time = use_file_time

    def run(
        self,
        camera: Camera,
        files: Sequence[Path],
        progress: Callable[[Path], None] = lambda path: None,
    ) -> ImageIngestReport:
        report = ImageIngestReport()
        for path in files:
            report = _added(report, self._one(camera, path))
            progress(path)
        return report

    def _one(self, camera: Camera, path: Path) -> ImageIngestReport:
        try:
            data = path.read_bytes()
            captured_at = self._captured_at(path, data)
            if isinstance(captured_at, ImageIngestReport):
                return captured_at
            image = decode_image(data, str(path))
            items = items_for(data, image, self._recogniser.recognise(image), captured_at)
            if not items:
                return ImageIngestReport(images=1, without_plates=1)
            known = self._stored.stored_client_ids(camera.id, _plate_keys(items))
            new = [item for item in items if item.submission.client_read_id not in known]
            where = lambda i: f"plate {items.index(new[i])}"  # noqa: E731 - as the photo has them
            stored = self._ingest.ingest(camera, new, where=where) if new else []
        except (PlateKeeperError, OSError) as error:
            log.warning("image %s was not ingested: %s", path, error)
            return ImageIngestReport(images=1, failed=(f"{path}: {_described(error)}",))
        created = sum(s.outcome is StoredOutcome.CREATED for s in stored)
        return ImageIngestReport(images=1, stored=created, repeated=len(items) - created)

    def _captured_at(self, path: Path, data: bytes) -> datetime | ImageIngestReport:
        """The time to date the photo's reads, or the report of a photo refused for its date."""
        now = self._clock.now()
        if not self._use_file_time:
            return now
        date = photo_date(path, data)
        problem = date_problem(date, now, self._ingest.limits)
        if problem is None:
            return date.at
        log.warning("image %s was not ingested: %s", path, problem)
        return ImageIngestReport(images=1, failed=(f"{path}: {problem}",), undated=1)


def _plate_keys(items: Sequence[IngestItem]) -> dict[str, str]:
    """Each item's client read id and plate key; a plate with no key is left for ingest to
    refuse."""
    keys = {}
    for item in items:
        try:
            keys[item.submission.client_read_id] = normalise_plate_key(item.submission.plate_text)
        except InvalidInput:
            continue
    return keys


def _described(error: PlateKeeperError | OSError) -> str:
    """The error with each field it names, e.g. "plate 0.confidence: must be ..."."""
    if not isinstance(error, PlateKeeperError) or not error.fields:
        return str(error)
    fields = "; ".join(f"{field.location}: {field.message}" for field in error.fields)
    return f"{error.message}: {fields}"


def _added(a: ImageIngestReport, b: ImageIngestReport) -> ImageIngestReport:
    return ImageIngestReport(
        images=a.images + b.images,
        without_plates=a.without_plates + b.without_plates,
        stored=a.stored + b.stored,
        repeated=a.repeated + b.repeated,
        failed=a.failed + b.failed,
        undated=a.undated + b.undated,
    )
