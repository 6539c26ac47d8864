"""Fill a PlateKeeper store with the demo: its agency, its cameras, and reads with pictures.

The reads go in through the real ingest service, exactly as a camera's would, so the demo shows
what ingest keeps and nothing it would refuse. Seeding again adds more reads but reuses the agency
and cameras; the store keeps only a hash of a camera key, so keys are shown only when created.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from platekeeper.demo.render import (
    FRAME_SIZE,
    crop_plate,
    encode_jpeg,
    render_plate,
    render_scene,
    style_for_region,
)
from platekeeper.demo.scenario import (
    AGENCY_ID,
    CAMERA_SITES,
    DemoRead,
    demo_agency,
    generate_reads,
    issue_demo_cameras,
)
from platekeeper.domain import Agency, Camera, PlateBox, Point
from platekeeper.errors import InvalidInput
from platekeeper.ingest import IngestItem, IngestService
from platekeeper.services import Services
from platekeeper.store import Store, StoredOutcome

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 200
MAX_PICTURED_READS = 5_000
"""Reads given pictures unless a fraction is asked for. A picture costs about 9 ms to draw and
45 kB to keep; 2,000 reads with pictures seed in about 20 s, a million would take hours."""
FULL_JPEG_QUALITY = 75
CROP_JPEG_QUALITY = 90


@dataclass(frozen=True, slots=True)
class DemoCamera:
    camera: Camera
    api_key: str | None
    """The plaintext ingest key if this run created the camera. ``None`` for a camera that was
    there before: the store keeps only the key's hash, so the key cannot be shown again."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What seeding did, for the CLI to print."""

    agency: Agency
    agency_created: bool
    cameras: tuple[DemoCamera, ...]
    reads_created: int
    duplicates: int
    """Reads the store had already, which happens when the same seed runs at the same instant."""
    images_rendered: int
    """Reads sent with a full image and a crop."""

    @property
    def camera_keys(self) -> tuple[tuple[Camera, str], ...]:
        """The cameras this run created, each with its ingest key, to show once."""
        return tuple(
            (demo.camera, demo.api_key) for demo in self.cameras if demo.api_key is not None
        )

    @property
    def notes(self) -> tuple[str, ...]:
        """Lines a person should read: what was reused, and why some keys are missing."""
        notes = []
        if not self.agency_created:
            notes.append(f"The agency {self.agency.id!r} existed already and was reused.")
        reused = [demo.camera.id for demo in self.cameras if demo.api_key is None]
        if reused:
            notes.append(
                f"Cameras {', '.join(reused)} existed already; their keys cannot be shown "
                "again because only a hash of each is stored; 'platekeeper camera rotate-key ID' "
                "issues a new one."
            )
        return tuple(notes)


def seed_demo(
    services: Services,
    *,
    read_count: int,
    hours: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    image_fraction: float | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> DemoSummary:
    """Add the demo agency and cameras to ``services.store`` if missing, then ``read_count`` reads.

    The reads are spread over the ``hours`` before now and sent through ``services.ingest`` in
    batches of ``batch_size``; ``progress`` hears how many are done after each batch. A share
    ``image_fraction`` of them, evenly spread, carries a rendered full image and plate crop; by
    default every read does, up to ``MAX_PICTURED_READS``.
    """
    if image_fraction is None:
        image_fraction = min(1.0, MAX_PICTURED_READS / max(1, read_count))
    _check_request(read_count, hours, image_fraction, batch_size)
    now = services.clock.now()
    agency, agency_created = _ensure_agency(services.store, now)
    cameras = _ensure_cameras(services.store, now)
    active = [demo.camera for demo in cameras if demo.camera.status.may_ingest]
    rng = random.Random(seed)  # noqa: S311 - made-up traffic, not a secret
    reads = generate_reads(
        rng, active, now=now, count=read_count, hours=hours, frame_size=FRAME_SIZE
    )
    sender = _Sender(services.ingest, active, image_fraction, progress)
    while batch := list(itertools.islice(reads, batch_size)):
        sender.send(batch)
    log.info(
        "demo seeded: %d reads created, %d repeated, %d with images",
        sender.created,
        sender.duplicates,
        sender.rendered,
    )
    return DemoSummary(
        agency, agency_created, cameras, sender.created, sender.duplicates, sender.rendered
    )


def _check_request(read_count: int, hours: int, image_fraction: float, batch_size: int) -> None:
    # Refuse before the agency and cameras are stored, so that a typo changes nothing.
    problems = [
        f"{read_count} reads" if read_count < 0 else "",
        f"{hours} hours" if hours < 1 else "",
        f"image fraction {image_fraction}" if not 0.0 <= image_fraction <= 1.0 else "",
        f"batch size {batch_size}" if batch_size < 1 else "",
    ]
    if any(problems):
        raise InvalidInput(
            f"cannot seed the demo with {', '.join(p for p in problems if p)}",
            hint="Ask for 0 or more reads over 1 or more hours, images for a share from 0 to 1.",
        )


def _ensure_agency(store: Store, now: datetime) -> tuple[Agency, bool]:
    existing = store.agencies.get(AGENCY_ID)
    if existing is not None:
        return existing, False
    agency = demo_agency(now)
    store.agencies.add(agency)
    log.info("demo agency %s created", agency.id)
    return agency, True


def _ensure_cameras(store: Store, now: datetime) -> tuple[DemoCamera, ...]:
    """The demo's cameras in site order: those already stored, and new ones for the rest."""
    existing = {camera.id: camera for camera in store.cameras.list(AGENCY_ID)}
    missing = [site for site in CAMERA_SITES if site.id not in existing]
    issued = {demo.camera.id: demo for demo in issue_demo_cameras(now, missing)}
    for demo in issued.values():
        store.cameras.add(demo.camera)
        log.info("demo camera %s created", demo.camera.id)
    return tuple(
        DemoCamera(issued[site.id].camera, issued[site.id].api_key)
        if site.id in issued
        else DemoCamera(existing[site.id], None)
        for site in CAMERA_SITES
    )


class _Sender:
    """Sends reads camera by camera through ingest, rendering pictures for some, and counts."""

    def __init__(
        self,
        ingest: IngestService,
        cameras: Sequence[Camera],
        image_fraction: float,
        progress: Callable[[int], None] | None,
    ) -> None:
        self._ingest = ingest
        self._cameras = {camera.id: camera for camera in cameras}
        self._image_fraction = image_fraction
        self._progress = progress
        self.done = self.created = self.duplicates = self.rendered = 0

    def send(self, reads: Sequence[DemoRead]) -> None:
        by_camera: dict[str, list[IngestItem]] = {}
        for offset, read in enumerate(reads):
            by_camera.setdefault(read.camera_id, []).append(self._item(read, self.done + offset))
        for camera_id, items in by_camera.items():
            results = self._ingest.ingest(self._cameras[camera_id], items)
            created = sum(result.outcome is StoredOutcome.CREATED for result in results)
            self.created += created
            self.duplicates += len(results) - created
        self.done += len(reads)
        if self._progress is not None:
            self._progress(self.done)

    def _item(self, read: DemoRead, index: int) -> IngestItem:
        # Spread the pictured reads evenly: read i gets images when i * fraction crosses a whole.
        if int((index + 1) * self._image_fraction) == int(index * self._image_fraction):
            return IngestItem(read.submission)
        image, crop, box = render_read_images(read)
        self.rendered += 1
        return IngestItem(dataclasses.replace(read.submission, box=box), image=image, crop=crop)


def render_read_images(read: DemoRead) -> tuple[bytes, bytes, PlateBox]:
    """The full JPEG and the plate crop JPEG of ``read``, and where its plate is in the full one.

    The picture is drawn from a generator seeded by the read's own id, so the same read always
    gets the same picture and a re-sent read is a true retry.
    """
    rng = random.Random(read.submission.client_read_id)  # noqa: S311 - pixels, not a secret
    plate = render_plate(read.plate_shown, style_for_region(read.plate_region))
    frame, corners = render_scene(plate, rng, night=read.night, size=FRAME_SIZE)
    crop = crop_plate(frame, corners)
    box = PlateBox(
        (
            _rounded(corners[0]),
            _rounded(corners[1]),
            _rounded(corners[2]),
            _rounded(corners[3]),
        )
    )
    return encode_jpeg(frame, FULL_JPEG_QUALITY), encode_jpeg(crop, CROP_JPEG_QUALITY), box


def _rounded(point: Point) -> Point:
    return Point(round(point.x, 1), round(point.y, 1))
