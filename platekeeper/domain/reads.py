"""A plate read: one sighting of one plate by one camera at one instant."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from platekeeper.domain.geo import GeoPoint
from platekeeper.domain.ids import read_id_for
from platekeeper.domain.plates import normalise_plate_key
from platekeeper.domain.time import require_capture_time, to_epoch_us
from platekeeper.errors import InvalidInput

MAX_CANDIDATES = 20
LATE_READ_AFTER = timedelta(minutes=10)
"""A read matched this long after its capture (a device that was offline, a backlog, a list
entry added later) is no sighting of where the vehicle is now."""
MAX_CLIENT_READ_ID_LENGTH = 128

ImageRef = str
"""An opaque key by which an ``ImageStore`` finds one stored image."""


@contextmanager
def _about(field_name: str) -> Iterator[None]:
    """Name ``field_name`` in the ``InvalidInput`` that the block raises."""
    try:
        yield
    except InvalidInput as error:
        raise error.within(field_name) from None


def _require_client_read_id(value: str) -> None:
    if not (0 < len(value) <= MAX_CLIENT_READ_ID_LENGTH and value.isprintable()):
        raise InvalidInput(
            "client read id must be 1 to 128 printable characters",
            hint="Give every read a unique id (a UUID works) and reuse it on retries.",
        )


def _require_confidence(value: float, what: str) -> float:
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise InvalidInput(f"{what} {value} is outside 0..1")
    return value


@dataclass(frozen=True, slots=True)
class Point:
    """A pixel position in the full image, origin top left."""

    x: float
    y: float


@dataclass(frozen=True, slots=True)
class PlateBox:
    """The plate's four corners in the full image, clockwise from the top left."""

    corners: tuple[Point, Point, Point, Point]

    def __post_init__(self) -> None:
        for corner in self.corners:
            if not (math.isfinite(corner.x) and math.isfinite(corner.y)):
                raise InvalidInput("plate box corner is not a finite number")
            if corner.x < 0 or corner.y < 0:
                raise InvalidInput(
                    f"plate box corner ({corner.x}, {corner.y}) lies outside the image",
                    hint="Corners are pixel positions from the top left, never negative.",
                )


@dataclass(frozen=True, slots=True)
class PlateCandidate:
    """An alternative reading of the same plate, with the reader's confidence in it."""

    plate_text: str
    confidence: float

    def __post_init__(self) -> None:
        normalise_plate_key(self.plate_text)
        _require_confidence(self.confidence, "candidate confidence")


MAX_ATTRIBUTE_LENGTH = 40


@dataclass(frozen=True, slots=True)
class VehicleAttributes:
    """What a camera's own recogniser says of the vehicle, kept as it said it (lower case)."""

    color: str | None = None
    make: str | None = None
    model: str | None = None
    body_type: str | None = None
    direction: str | None = None
    """Towards or away from the camera, or a compass word, as the source reports it."""

    def __post_init__(self) -> None:
        for name in ("color", "make", "model", "body_type", "direction"):
            value = getattr(self, name)
            if value is not None and not (
                0 < len(value) <= MAX_ATTRIBUTE_LENGTH and value.isprintable()
            ):
                raise InvalidInput(
                    f"vehicle {name} must be 1 to {MAX_ATTRIBUTE_LENGTH} printable characters"
                ).within(f"vehicle.{name}")

    @property
    def empty(self) -> bool:
        return all(
            value is None
            for value in (self.color, self.make, self.model, self.body_type, self.direction)
        )


@dataclass(frozen=True, slots=True)
class ReadSubmission:
    """What a camera reports about one read, before the store gives it an id."""

    client_read_id: str
    plate_text: str
    confidence: float
    captured_at: datetime
    region: str | None = None
    region_confidence: float | None = None
    candidates: tuple[PlateCandidate, ...] = ()
    location: GeoPoint | None = None
    box: PlateBox | None = None
    vehicle: VehicleAttributes | None = None
    plate_key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        with _about("client_read_id"):
            _require_client_read_id(self.client_read_id)
        with _about("plate_text"):
            object.__setattr__(self, "plate_key", normalise_plate_key(self.plate_text))
        with _about("confidence"):
            _require_confidence(self.confidence, "confidence")
        # The same instant sent as +02:00 and as Z is the same read: keep it in UTC.
        with _about("captured_at"):
            object.__setattr__(self, "captured_at", require_capture_time(self.captured_at))
        if self.region_confidence is not None:
            with _about("region_confidence"):
                _require_confidence(self.region_confidence, "region confidence")
                if self.region is None:
                    raise InvalidInput("region confidence given without a region")
        if len(self.candidates) > MAX_CANDIDATES:
            raise InvalidInput(
                f"{len(self.candidates)} candidates; at most {MAX_CANDIDATES}"
            ).within("candidates")

    @property
    def fingerprint(self) -> str:
        """A digest of the reported content, to tell a retry from a reused id with new content."""
        # An explicit list, not the whole dataclass, so that adding a field later does not turn
        # the retries of reads stored before into conflicts.
        # repr of strings and numbers is exact and unambiguous, and fast.
        content = (
            self.plate_text,
            self.confidence,
            to_epoch_us(self.captured_at),
            self.region,
            self.region_confidence,
            tuple((c.plate_text, c.confidence) for c in self.candidates),
            None if self.location is None else (self.location.latitude, self.location.longitude),
            None if self.box is None else tuple((p.x, p.y) for p in self.box.corners),
        )
        return hashlib.sha256(repr(content).encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class PlateRead:
    """A stored read. ``plate_text`` is as read; ``plate_key`` is what matching uses."""

    id: str
    client_read_id: str
    camera_id: str
    plate_text: str
    plate_key: str
    confidence: float
    captured_at: datetime
    received_at: datetime
    fingerprint: str
    region: str | None = None
    region_confidence: float | None = None
    candidates: tuple[PlateCandidate, ...] = ()
    location: GeoPoint | None = None
    box: PlateBox | None = None
    crop_ref: ImageRef | None = None
    image_ref: ImageRef | None = None
    vehicle: VehicleAttributes | None = None

    @classmethod
    def from_submission(
        cls,
        submission: ReadSubmission,
        *,
        camera_id: str,
        received_at: datetime,
        image_ref: ImageRef | None = None,
        crop_ref: ImageRef | None = None,
    ) -> PlateRead:
        """The read to store for ``submission`` from ``camera_id``, with its derived id."""
        return cls(
            id=read_id_for(camera_id, submission.client_read_id, submission.captured_at),
            client_read_id=submission.client_read_id,
            camera_id=camera_id,
            plate_text=submission.plate_text,
            plate_key=submission.plate_key,
            confidence=submission.confidence,
            captured_at=submission.captured_at,
            received_at=received_at,
            fingerprint=submission.fingerprint,
            region=submission.region,
            region_confidence=submission.region_confidence,
            candidates=submission.candidates,
            location=submission.location,
            box=submission.box,
            crop_ref=crop_ref,
            image_ref=image_ref,
            vehicle=submission.vehicle,
        )


@dataclass(frozen=True, slots=True)
class ReadImage:
    """One image of a read (the full frame or the plate's crop) as the image store keeps it."""

    data: bytes
    ref: ImageRef


def late_read_notice(captured_at: datetime, matched_at: datetime) -> str | None:
    """'read 2 days ago, ...' when a read was matched ``LATE_READ_AFTER`` or more after its
    capture, so that no one takes it for a live stop; None for a timely read."""
    age = matched_at - captured_at
    if age < LATE_READ_AFTER:
        return None
    return f"read {age_words(age)} ago, not a live sighting: the vehicle has moved on since"


def age_words(age: timedelta) -> str:
    """'25 minutes', '3 hours', '2 days': the unit a person reads at a glance."""
    minutes = int(age.total_seconds() // 60)
    for unit, size, below in (("minute", 1, 120), ("hour", 60, 48 * 60)):
        if minutes < below:
            count = minutes // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    days = minutes // (24 * 60)
    return f"{days} day{'' if days == 1 else 's'}"
