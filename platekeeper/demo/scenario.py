"""The demo's world: a fictional agency, its cameras around Sacramento, and the traffic they read.

Everything here is pure and driven by the ``random.Random`` passed in, so a seed gives the same
vehicles, times and reads again; only the camera keys come from ``secrets``, since the CLI prints
them for real use. Times are generated against a ``now`` that the caller chooses and never after it.

The traffic is shaped like a city's: most vehicles pass once, commuters pass the same fixed camera
at the same hours every weekday, and a few locals turn up now and then anywhere. Reads carry what
real readers report, including OCR confusions (``O``/``0``, ``B``/``8``...) as alternative
candidates and, now and then, as the top reading itself.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from platekeeper.demo.plates import compact, confusable_variants, is_european, new_plate
from platekeeper.domain import (
    Agency,
    Camera,
    CameraKind,
    CameraStatus,
    GeoPoint,
    PlateBox,
    PlateCandidate,
    Point,
    ReadSubmission,
)
from platekeeper.domain.cameras import issue_camera_key
from platekeeper.domain.time import to_epoch_us
from platekeeper.errors import InvalidInput

AGENCY_ID = "demo-pd"
LOCAL_OFFSET = timedelta(hours=-8)
"""Pacific Standard Time. Daylight saving time would shift the rush hours by one; a demo can live
with that, and a fixed offset needs no time zone database."""


def demo_agency(now: datetime) -> Agency:
    return Agency(
        id=AGENCY_ID,
        name="Demo City Police Department",
        state="CA",
        created_at=now - timedelta(days=90),
    )


@dataclass(frozen=True, slots=True)
class CameraSite:
    """Where a demo camera is mounted, or for a patrol car, the loop it drives."""

    id: str
    name: str
    kind: CameraKind
    location: GeoPoint | None = None
    heading_deg: float | None = None
    route: tuple[GeoPoint, ...] = ()


DOWNTOWN_LOOP = (
    GeoPoint(38.5816, -121.4944),
    GeoPoint(38.5850, -121.4980),
    GeoPoint(38.5790, -121.5040),
    GeoPoint(38.5740, -121.4990),
    GeoPoint(38.5760, -121.4900),
)
MIDTOWN_LOOP = (
    GeoPoint(38.5700, -121.4750),
    GeoPoint(38.5760, -121.4650),
    GeoPoint(38.5680, -121.4580),
    GeoPoint(38.5620, -121.4700),
)
CAMERA_SITES: tuple[CameraSite, ...] = (
    CameraSite(
        "capitol-mall-3rd",
        "Capitol Mall at 3rd St, eastbound",
        CameraKind.FIXED,
        GeoPoint(38.5776, -121.5030),
        70.0,
    ),
    CameraSite(
        "j-st-28th",
        "J St at 28th St, eastbound",
        CameraKind.FIXED,
        GeoPoint(38.5746, -121.4712),
        70.0,
    ),
    CameraSite(
        "broadway-16th",
        "Broadway at 16th St, westbound",
        CameraKind.FIXED,
        GeoPoint(38.5636, -121.4939),
        250.0,
    ),
    CameraSite(
        "patrol-12",
        "Patrol car 12 (downtown)",
        CameraKind.MOBILE,
        route=DOWNTOWN_LOOP,
    ),
    CameraSite(
        "patrol-17",
        "Patrol car 17 (midtown and east)",
        CameraKind.MOBILE,
        route=MIDTOWN_LOOP,
    ),
)
_SITES_BY_ID = {site.id: site for site in CAMERA_SITES}


@dataclass(frozen=True, slots=True)
class IssuedCamera:
    """A camera just created, with its ingest key: the one time the plaintext key exists."""

    camera: Camera
    api_key: str


def issue_demo_cameras(
    now: datetime, sites: Sequence[CameraSite] = CAMERA_SITES
) -> list[IssuedCamera]:
    """A new camera with a new ingest key for each of ``sites``."""
    issued = []
    for site in sites:
        key, key_hash = issue_camera_key()
        camera = Camera(
            id=site.id,
            agency_id=AGENCY_ID,
            name=site.name,
            kind=site.kind,
            status=CameraStatus.ACTIVE,
            api_key_hash=key_hash,
            created_at=now - timedelta(days=60),
            location=site.location,
            heading_deg=site.heading_deg,
        )
        issued.append(IssuedCamera(camera, key))
    return issued


# --- Vehicles -------------------------------------------------------------------------------


class Habit(StrEnum):
    PASSING = "passing"
    """Seen once."""
    LOCAL = "local"
    """Seen a few times, anywhere, at any hour."""
    COMMUTER = "commuter"
    """Seen at the same cameras around the same hours, day after day."""


@dataclass(frozen=True, slots=True)
class Vehicle:
    plate_shown: str
    """What the plate says, as printed, separators included."""
    region: str
    habit: Habit
    cameras: tuple[str, ...] = ()
    """Where a commuter is read; everyone else may pass any camera."""
    commute_hours: tuple[float, float] = (8.0, 17.0)
    """Local hours at which a commuter passes, in the morning and the evening."""


def _vehicle(rng: random.Random, habit: Habit, taken: set[str], fixed: Sequence[str]) -> Vehicle:
    shown, region = new_plate(rng, taken)
    if habit is not Habit.COMMUTER:
        return Vehicle(shown, region, habit)
    cameras = tuple(rng.sample(fixed, min(len(fixed), rng.randint(1, 2))))
    hours = (rng.gauss(7.8, 0.6), rng.gauss(17.2, 0.8))
    return Vehicle(shown, region, habit, cameras, hours)


# --- When and where -------------------------------------------------------------------------

_HOURLY_TRAFFIC = (
    0.15, 0.10, 0.08, 0.08, 0.12, 0.30, 0.65, 1.00, 0.95, 0.70, 0.60, 0.65,
    0.70, 0.65, 0.65, 0.75, 0.90, 1.00, 0.85, 0.60, 0.45, 0.35, 0.28, 0.20,
)  # fmt: skip
"""Relative traffic by local hour: a morning and an evening rush, quiet nights."""
_CAMERA_KIND_WEIGHT = {CameraKind.FIXED: 1.0, CameraKind.MOBILE: 0.45}
"""A fixed camera on an arterial road reads more cars than a patrol car does."""
PATROL_SPEED_M_S = 9.0
_METRES_PER_DEGREE_LATITUDE = 110_574.0
_METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111_320.0


@dataclass(frozen=True, slots=True)
class _Window:
    start: datetime
    end: datetime


def local_hour(instant: datetime) -> float:
    """The hour of the day at the demo's place, with minutes as a fraction."""
    local = instant + LOCAL_OFFSET
    return local.hour + local.minute / 60


def is_night(instant: datetime) -> bool:
    return not 6.0 <= local_hour(instant) < 20.0


def _traffic_time(rng: random.Random, window: _Window) -> datetime:
    """A time in ``window``, more likely when more traffic is about."""
    span_ms = max(1, (window.end - window.start) // timedelta(milliseconds=1))
    busiest = max(_HOURLY_TRAFFIC)
    while True:
        at = window.end - timedelta(milliseconds=rng.randrange(span_ms))
        if rng.random() * busiest < _HOURLY_TRAFFIC[int(local_hour(at))]:
            return at


def _commute_time(rng: random.Random, window: _Window, vehicle: Vehicle) -> datetime | None:
    """A weekday at the commuter's usual hour, give or take; ``None`` if none is in ``window``."""
    first_day = (window.start + LOCAL_OFFSET).date()
    days = (window.end + LOCAL_OFFSET).date().toordinal() - first_day.toordinal() + 1
    for _ in range(12):
        day = first_day + timedelta(days=rng.randrange(days))
        if day.weekday() >= 5:
            continue
        hour = rng.choice(vehicle.commute_hours) + rng.gauss(0.0, 0.3)
        midnight = datetime(day.year, day.month, day.day, tzinfo=window.end.tzinfo) - LOCAL_OFFSET
        at = midnight + timedelta(milliseconds=round(hour * 3_600_000))
        if window.start <= at <= window.end:
            return at
    return None


def _route_position(route: Sequence[GeoPoint], distance_m: float) -> GeoPoint:
    """The point ``distance_m`` along the closed loop ``route``, going round as often as needed."""
    legs = list(zip(route, [*route[1:], route[0]], strict=True))
    lengths = [_distance_m(start, end) for start, end in legs]
    remaining = distance_m % sum(lengths)
    for (start, end), length in zip(legs, lengths, strict=True):
        if remaining <= length:
            fraction = remaining / length if length else 0.0
            return GeoPoint(
                start.latitude + (end.latitude - start.latitude) * fraction,
                start.longitude + (end.longitude - start.longitude) * fraction,
            )
        remaining -= length
    return route[0]


def _distance_m(start: GeoPoint, end: GeoPoint) -> float:
    # Flat-earth distance: the loops are a few kilometres long, where it errs by centimetres.
    scale = math.cos(math.radians((start.latitude + end.latitude) / 2))
    dx = (end.longitude - start.longitude) * _METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR * scale
    dy = (end.latitude - start.latitude) * _METRES_PER_DEGREE_LATITUDE
    return math.hypot(dx, dy)


def patrol_position(camera_id: str, at: datetime, rng: random.Random) -> GeoPoint:
    """Where the patrol car ``camera_id`` is at ``at``, give or take its GPS error."""
    site = _SITES_BY_ID.get(camera_id)
    route = site.route if site is not None and site.route else DOWNTOWN_LOOP
    exact = _route_position(route, at.timestamp() * PATROL_SPEED_M_S)
    jitter = 0.00004  # about 4 m
    return GeoPoint(
        round(exact.latitude + rng.uniform(-jitter, jitter), 6),
        round(exact.longitude + rng.uniform(-jitter, jitter), 6),
    )


# --- What the reader reports ----------------------------------------------------------------

MISREAD_RATE = 0.06
"""How often a reader's top reading is a confusion, the true plate left among the alternatives."""


def _confidence(rng: random.Random, night: bool, kind: CameraKind) -> float:
    # Mostly 0.85 and above; a long tail of poor reads, worse by night and from a moving car.
    value = rng.betavariate(9.0, 1.1) * (0.95 if night else 1.0)
    value *= 0.97 if kind is CameraKind.MOBILE else 1.0
    return round(min(0.999, max(0.35, value)), 3)


def _readings(
    rng: random.Random, truth: str, confidence: float
) -> tuple[str, float, tuple[PlateCandidate, ...]]:
    """The top reading, its confidence, and 0 to 3 alternatives less likely than it."""
    variants = confusable_variants(truth, rng)
    wanted = min(len(variants), rng.choices(range(4), (35, 30, 20, 15))[0])
    top, others = truth, variants[:wanted]
    if variants and rng.random() < MISREAD_RATE:
        top, others = variants[0], [truth, *variants[1:wanted]]
        confidence = round(confidence * 0.8, 3)
    candidates = []
    level = confidence
    for text in others:
        level = round(level * rng.uniform(0.3, 0.9), 3)
        candidates.append(PlateCandidate(text, level))
    return top, confidence, tuple(candidates)


def _region(rng: random.Random, region: str) -> tuple[str | None, float | None]:
    if rng.random() < 0.04:
        return None, None  # the reader could not tell
    low = 0.82 if region == "us-ca" else 0.5
    return region, round(rng.uniform(low, 0.99), 3)


def _plate_box(rng: random.Random, region: str, frame_size: tuple[int, int]) -> PlateBox:
    """A plausible place for the plate in the frame, a little tilted."""
    frame_width, frame_height = frame_size
    width = frame_width * rng.uniform(0.1, 0.14) * (1.7 if is_european(region) else 1.0)
    height = width / (4.7 if is_european(region) else 2.0)
    centre_x = frame_width * rng.uniform(0.4, 0.6)
    centre_y = frame_height * rng.uniform(0.55, 0.68)
    tilt = width * rng.uniform(-0.05, 0.05)
    left, right = centre_x - width / 2, centre_x + width / 2
    top, bottom = centre_y - height / 2, centre_y + height / 2
    return PlateBox(
        (
            Point(round(left, 1), round(top - tilt / 2, 1)),
            Point(round(right, 1), round(top + tilt / 2, 1)),
            Point(round(right, 1), round(bottom + tilt / 2, 1)),
            Point(round(left, 1), round(bottom - tilt / 2, 1)),
        )
    )


# --- The stream -----------------------------------------------------------------------------

COMMUTER_SHARE = 0.18
LOCAL_SHARE = 0.12
"""Shares of reads of commuters and of locals; the rest are vehicles seen once."""
READS_PER_LOCAL = 3


@dataclass(frozen=True, slots=True)
class DemoRead:
    """A read to send, and the truth behind it that the picture of it must show."""

    camera_id: str
    submission: ReadSubmission
    plate_shown: str
    """The plate as printed; the read's own text may be a misreading of it."""
    plate_region: str
    """Where the plate is from, which picks its look; the read's region may be missing."""
    night: bool


@dataclass(frozen=True, slots=True)
class _Sighting:
    vehicle: Vehicle
    camera: Camera
    captured_at: datetime


class _Traffic:
    """Who drives past which camera when: the recurring vehicles, and new ones as needed."""

    def __init__(
        self, rng: random.Random, cameras: Sequence[Camera], count: int, hours: int
    ) -> None:
        self._cameras = {camera.id: camera for camera in cameras}
        self._weights = [_CAMERA_KIND_WEIGHT[camera.kind] for camera in cameras]
        fixed = [c.id for c in cameras if c.kind is CameraKind.FIXED] or list(self._cameras)
        self._taken: set[str] = set()
        # A commuter passes about twice a working day; a short window still shows each a few times.
        per_commuter = max(3, round(2 * hours / 24))
        commuters = max(2, round(count * COMMUTER_SHARE / per_commuter))
        locals_ = max(2, round(count * LOCAL_SHARE / READS_PER_LOCAL))
        self.commuters = [
            _vehicle(rng, Habit.COMMUTER, self._taken, fixed) for _ in range(commuters)
        ]
        self.locals = [_vehicle(rng, Habit.LOCAL, self._taken, fixed) for _ in range(locals_)]

    def sighting(self, rng: random.Random, window: _Window) -> _Sighting:
        roll = rng.random()
        if roll < COMMUTER_SHARE:
            vehicle = rng.choice(self.commuters)
            at = _commute_time(rng, window, vehicle)
            if at is not None:
                camera = self._cameras[rng.choice(vehicle.cameras)]
                return _Sighting(vehicle, camera, at)
        elif roll < COMMUTER_SHARE + LOCAL_SHARE:
            vehicle = rng.choice(self.locals)
        else:
            vehicle = _vehicle(rng, Habit.PASSING, self._taken, ())
        camera = rng.choices(list(self._cameras.values()), self._weights)[0]
        return _Sighting(vehicle, camera, _traffic_time(rng, window))


def generate_reads(
    rng: random.Random,
    cameras: Sequence[Camera],
    *,
    now: datetime,
    count: int,
    hours: int,
    frame_size: tuple[int, int] = (1280, 720),
) -> Iterator[DemoRead]:
    """``count`` reads by ``cameras`` over the ``hours`` before ``now``, oldest first.

    Who passes when is settled at once; each read is made as it is taken, so a million of them
    never sit in memory together. They keep drawing on ``rng`` until the last is taken.
    """
    if count < 0 or hours < 1:
        raise InvalidInput(f"cannot make {count} reads over {hours} hours", hint="Use hours >= 1.")
    if count and not cameras:
        raise InvalidInput("there are no cameras to make reads for")
    window = _Window(start=now - timedelta(hours=hours), end=now)
    traffic = _Traffic(rng, cameras, count, hours)
    sightings = [traffic.sighting(rng, window) for _ in range(count)]
    sightings.sort(key=lambda sighting: sighting.captured_at)
    # The run's instant goes into every read's id: a later run with the same seed can put a read
    # at the very same capture time, and it must be a new read, not a reused id.
    run = f"{to_epoch_us(now):x}"
    return (_read(rng, sighting, frame_size, run) for sighting in sightings)


def _read(
    rng: random.Random, sighting: _Sighting, frame_size: tuple[int, int], run: str
) -> DemoRead:
    vehicle, camera, at = sighting.vehicle, sighting.camera, sighting.captured_at
    night = is_night(at)
    confidence = _confidence(rng, night, camera.kind)
    text, confidence, candidates = _readings(rng, compact(vehicle.plate_shown), confidence)
    region, region_confidence = _region(rng, vehicle.region)
    mobile = camera.kind is CameraKind.MOBILE
    submission = ReadSubmission(
        client_read_id=f"{run}-{uuid.UUID(int=rng.getrandbits(128), version=4)}",
        plate_text=text,
        confidence=confidence,
        captured_at=at,
        region=region,
        region_confidence=region_confidence,
        candidates=candidates,
        location=patrol_position(camera.id, at, rng) if mobile else None,
        box=_plate_box(rng, vehicle.region, frame_size),
    )
    return DemoRead(camera.id, submission, vehicle.plate_shown, vehicle.region, night)
