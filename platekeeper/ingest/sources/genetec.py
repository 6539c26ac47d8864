"""Genetec AutoVu: the SharpV's read posted as XML over HTTP, and Security Center's read export.

Checked against Genetec's "Metadata reference for license plate reads" (SharpV's default XML
template: an ``<AutoVu>`` element with ``Plate``, ``State`` as a full name or an abbreviation,
``UTCDate`` as ``yyyy:MM:dd`` and ``UTCTime``, ``ContextImage``/``PlateImage`` in base64,
``LongitudeX``/``LatitudeY``, ``Guid`` and an optional ``ConfidenceScore`` 0-100) and Security
Center's AutoVu third-party data export (``<Read>`` with ``DateUtc``/``TimeUtc``, the plate under
``Vehicle``, ``PlateState``, ``Attribute name="Confidence Score"``, ``ReadId`` or ``Id``). Both
may come one per request or wrapped in an outer element. SharpV's template is editable: extra
elements are ignored, and an older ``<Read>`` with an ISO ``DateTime`` is still read.

A read without a confidence score was accepted by the camera against its own threshold; it is
recorded as 1.0 (docs/integrations.md says so).
"""

from __future__ import annotations

from datetime import UTC, datetime

from platekeeper.ingest.sources import normalise as n
from platekeeper.ingest.sources.base import XML, Context, Parsed, Payload, SourceRead
from platekeeper.ingest.sources.fields import problem
from platekeeper.ingest.sources.xml import XmlDoc, load_xml

NAME = "genetec"
_SCALE = 100.0
_READS = ("AutoVu", "Read", "Hotlist")
_UNSCORED = 100.0


class GenetecSource:
    name = NAME
    media_types = frozenset({XML})

    def parse(self, payload: Payload, context: Context) -> Parsed:
        root = load_xml(payload.body)
        if root.element.tag in _READS:
            reads = [root]
        else:
            reads = [read for tag in _READS for read in root.children(tag)]
        if not reads:
            raise problem(root.path, "holds no <AutoVu> or <Read> element")
        return Parsed(tuple(_read(read, context) for read in reads))


def _read(read: XmlDoc, context: Context) -> SourceRead:
    plate_at = read.find("Plate")
    if plate_at is None:
        raise problem(read.where("Plate"), "is missing")
    image = read.deep_text("ContextImage")
    crop = read.deep_text("PlateImage")
    country = (read.deep_text("Country") or "us").lower()
    submission = n.submission(
        NAME,
        _event_id(read, plate_at),
        read.path,
        plate_text=n.plate_text(plate_at.text(""), plate_at.path),
        confidence=_confidence(read),
        captured_at=_captured_at(read, context),
        region=n.region_code(
            read.deep_text("State") or read.deep_text("PlateState") or country,
            bare_subdivisions_of=n.region_code(country),
        ),
        location=n.location(
            _number(read, "LatitudeY", "Latitude"), _number(read, "LongitudeX", "Longitude")
        ),
        vehicle=n.vehicle(
            read.path,
            color=read.deep_text("VehicleColor") or read.attribute("Vehicle Color"),
            make=read.deep_text("VehicleMake") or read.attribute("Vehicle Make"),
            model=read.deep_text("VehicleModel") or read.attribute("Vehicle Model"),
            body_type=read.deep_text("VehicleType") or read.attribute("Vehicle Type"),
            direction=read.deep_text("Direction") or read.attribute("Relative Motion"),
        ),
    )
    return SourceRead(
        submission,
        image=None if image is None else n.b64_image(image, read.where("ContextImage")),
        crop=None if crop is None else n.b64_image(crop, read.where("PlateImage")),
    )


def _event_id(read: XmlDoc, plate_at: XmlDoc) -> str:
    found = read.deep_text("Guid") or read.deep_text("ReadId") or read.optional_text("Id")
    if found is not None:
        return found
    # A template without an id: the unit, the instant and the plate name the read.
    unit = read.deep_text("SourceName") or read.deep_text("CameraName") or "-"
    when = read.deep_text("UTCDate") or read.deep_text("DateUtc") or read.deep_text("DateTime")
    time = read.deep_text("UTCTime") or read.deep_text("TimeUtc") or ""
    return f"{unit}:{when}T{time}:{plate_at.text('')}"


def _captured_at(read: XmlDoc, context: Context) -> datetime:
    date = read.deep_text("UTCDate")
    if date is not None:  # SharpV: yyyy:MM:dd and HH:mm:ss[.fff], in UTC
        return _utc(f"{date.replace(':', '-', 2)}T{_time(read, 'UTCTime')}", read.where("UTCDate"))
    date = read.deep_text("DateUtc")
    if date is not None:  # Security Center: MM/dd/yyyy or ISO, and HH:mm:ss, in UTC
        if "/" in date:
            month, day, year = date.split("/", 2)
            date = f"{year}-{month}-{day}"
        return _utc(f"{date}T{_time(read, 'TimeUtc')}", read.where("DateUtc"))
    return n.captured_at(read.text("DateTime"), read.where("DateTime"), context.zone)


def _time(read: XmlDoc, name: str) -> str:
    value = read.deep_text(name)
    if value is None:
        raise problem(read.where(name), "is missing")
    return value


def _utc(text: str, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise problem(where, f"{text!r} is not a date and time") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _confidence(read: XmlDoc) -> float:
    for name in ("ConfidenceScore", "Confidence"):
        if read.deep_text(name) is not None:
            return n.confidence(_number(read, name) or 0.0, read.where(name), scale=_SCALE)
    score = read.attribute("Confidence Score")
    if score is None:
        return n.confidence(_UNSCORED, read.path, scale=_SCALE)
    try:
        value = float(score)
    except ValueError:
        raise problem(read.where("Confidence Score"), f"must be a number, not {score!r}") from None
    return n.confidence(value, read.where("Confidence Score"), scale=_SCALE)


def _number(read: XmlDoc, *names: str) -> float | None:
    for name in names:
        value = read.deep_text(name)
        if value is not None:
            try:
                return float(value)
            except ValueError:
                raise problem(read.where(name), f"must be a number, not {value!r}") from None
    return None
