"""Every vendor's conventions brought to PlateKeeper's, in one place: confidence scales, times,
plate text, region codes, vehicle attributes and base64 images. Each function takes the field's
location, so that a value it cannot use is refused by name."""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from platekeeper.domain import GeoPoint, PlateCandidate, ReadSubmission
from platekeeper.domain.plates import normalise_plate_key
from platekeeper.domain.reads import MAX_ATTRIBUTE_LENGTH, MAX_CANDIDATES, VehicleAttributes
from platekeeper.errors import InvalidInput
from platekeeper.ingest.sources.fields import Doc, problem
from platekeeper.ingest.sources.regions import region_code

__all__ = [
    "GeoPoint",
    "InvalidInput",
    "VehicleAttributes",
    "b64_image",
    "candidates",
    "captured_at",
    "confidence",
    "location",
    "plate_text",
    "region_code",
    "submission",
    "vehicle",
]

# Epoch numbers carry their unit in their size: seconds now are ~1.8e9, milliseconds ~1.8e12.
_EPOCH_UNITS = ((1e11, 1.0), (1e14, 1e3), (1e17, 1e6), (math.inf, 1e9))
_LOCAL_FORMATS = (
    "%Y%m%d%H%M%S%f",
    "%Y%m%d%H%M%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%d.%m.%Y %H:%M:%S",
)


def confidence(value: float, where: str, *, scale: float) -> float:
    """``value`` on the source's ``scale`` (1 or 100) as 0..1."""
    if not math.isfinite(value) or not 0 <= value <= scale:
        raise problem(where, f"{value} is outside 0..{scale:g}")
    return min(value / scale, 1.0)


def captured_at(value: object, where: str, zone: ZoneInfo) -> datetime:
    """An instant from epoch seconds, ms, µs or ns (number or digits), ISO 8601 with or without
    an offset, or a local clock string; anything without an offset is in the camera's ``zone``."""
    if isinstance(value, bool):
        raise problem(where, "must be a time")
    if isinstance(value, int | float):
        return _from_epoch(float(value), where)
    if not isinstance(value, str) or not value.strip():
        raise problem(where, "must be a time")
    text = value.strip()
    # 14 or 17 digits are YYYYMMDDhhmmss[fff] (Hikvision's absTime): epochs now have 10, 13,
    # 16 or 19.
    if text.isdigit() and len(text) not in (14, 17):
        return _from_epoch(float(text), where)
    parsed = _parse_text(text)
    if parsed is None:
        raise problem(where, f"{text!r} is not a time this source sends")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def _from_epoch(number: float, where: str) -> datetime:
    if not math.isfinite(number) or number <= 0:
        raise problem(where, f"{number} is not a time")
    divisor = next(divisor for limit, divisor in _EPOCH_UNITS if number < limit)
    return datetime.fromtimestamp(number / divisor, UTC)


def _parse_text(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("/", "-", 2) if text[4:5] == "/" else text)
    except ValueError:
        pass
    for pattern in _LOCAL_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def plate_text(value: str, where: str) -> str:
    """The plate as read, upper case, without the spaces some readers pad it with, checked by
    the project's one plate rule (``normalise_plate_key``) so that a refusal names ``where``."""
    text = value.strip().upper()
    if not text:
        raise problem(where, "is empty")
    try:
        normalise_plate_key(text)
    except InvalidInput as error:
        raise problem(where, error.message) from None
    return text


def submission(source: str, event_id: str, where: str, **fields: Any) -> ReadSubmission:
    """The read for the source's ``event_id``: the client read id is ``source:event_id``, which a
    resend repeats, and the store scopes it to the camera."""
    try:
        return ReadSubmission(client_read_id=f"{source}:{event_id}"[:128], **fields)
    except InvalidInput as error:
        raise error.within(where) from None


def vehicle(
    where: str,
    *,
    color: str | None = None,
    make: str | None = None,
    model: str | None = None,
    body_type: str | None = None,
    direction: str | None = None,
) -> VehicleAttributes | None:
    """The source's vehicle attributes in lower case; 'unknown' and blanks become absent."""
    values = {
        "color": _attribute(color),
        "make": _attribute(make),
        "model": _attribute(model),
        "body_type": _attribute(body_type),
        "direction": _attribute(direction),
    }
    if all(value is None for value in values.values()):
        return None
    return VehicleAttributes(**values)


def _attribute(value: str | None) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split()).lower()
    if text in ("", "unknown", "unk", "none", "other", "-1"):
        return None
    return text[:MAX_ATTRIBUTE_LENGTH] if text.isprintable() else None


def b64_image(value: str, where: str) -> bytes:
    """Image bytes from base64 (with or without a ``data:`` prefix)."""
    text = value.split(",", 1)[1] if value.startswith("data:") else value
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise problem(where, "is not base64") from None


def candidates(
    items: Iterable[Doc], *, plate_key: str, confidence_key: str, scale: float
) -> tuple[PlateCandidate, ...]:
    """The source's alternative readings, best first; one it cannot read is left out, since a
    candidate is a hint and the read stands without it."""
    found: list[PlateCandidate] = []
    for item in items:
        try:
            text = plate_text(item.text(plate_key), item.where(plate_key))
            score = confidence(item.number(confidence_key), item.where(confidence_key), scale=scale)
            found.append(PlateCandidate(text, score))
        except InvalidInput:
            continue
    found.sort(key=lambda candidate: -candidate.confidence)
    return tuple(found[:MAX_CANDIDATES])


def location(latitude: float | None, longitude: float | None) -> GeoPoint | None:
    """A position, unless the source sends none or the 0,0 that stands for none."""
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return None
    return GeoPoint(latitude, longitude)
