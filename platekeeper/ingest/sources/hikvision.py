"""Hikvision ISAPI ANPR: the ``EventNotificationAlert`` an ANPR camera posts to an HTTP listening
host, as multipart (``anpr.xml`` and the picture parts it names) or as a bare XML body.

Written from Hikvision's ISAPI "Intelligent Traffic" developer guide (HTTP listening, event
type ``ANPR``, ``pictureInfoList``; ISAPI 2.0 firmware 5.5-5.7) and checked against the shape in
docs/integrations.md. ``<UUID>`` names the event where the firmware sends it; otherwise the
channel and the event's time do. The XML part is named ``anpr.xml`` or ``xml_file`` by firmware;
its namespace (isapi.org ver20, hikvision.com ver20, std-cgi ver10 or none) is ignored. Other
events on the same URL (heartbeats, video loss) and a plate the camera could not read
(``unknown``, ``无车牌``) are acknowledged without a read, so the camera does not resend them.
"""

from __future__ import annotations

from collections.abc import Mapping

from platekeeper.ingest.sources import normalise as n
from platekeeper.ingest.sources.base import (
    MULTIPART,
    XML,
    Context,
    Parsed,
    Payload,
    SourceRead,
)
from platekeeper.ingest.sources.fields import problem
from platekeeper.ingest.sources.xml import XmlDoc, load_xml

NAME = "hikvision"
_DOCUMENT_PARTS = ("anpr.xml", "xml_file", "MoveDetection.xml")
_SCALE = 100.0
# Our kind of each picture type, best last: the detection picture (the scene) wins over the
# vehicle picture, which stands in for it when the camera sends no scene.
_IMAGE_TYPES = {
    "licensePlatePicture": "crop",
    "vehiclePicture": "image",
    "detectionPicture": "image",
}
_NO_PLATE = frozenset({"unknown", "无车牌", "noplate"})


class HikvisionSource:
    name = NAME
    media_types = frozenset({XML, MULTIPART})

    def parse(self, payload: Payload, context: Context) -> Parsed:
        if payload.media_type == MULTIPART:
            name = _document_part(payload.parts)
            alert = load_xml(payload.parts[name], name)
        else:
            alert = load_xml(payload.body)
        # Heartbeats, video loss and other alarms come to the same URL: acknowledged, no read.
        if alert.text("eventType").upper() != "ANPR":
            return Parsed(heartbeat=True)
        anpr = alert.child("ANPR")
        if anpr is None:
            raise problem(alert.where("ANPR"), "is missing")
        if anpr.text("licensePlate").replace(" ", "").lower() in _NO_PLATE:
            return Parsed(heartbeat=True)
        return Parsed((_read(alert, anpr, payload.parts, context),))


def _document_part(parts: Mapping[str, bytes]) -> str:
    for name in _DOCUMENT_PARTS:
        if name in parts:
            return name
    # Firmware that names the part otherwise still sends XML first.
    for name, data in parts.items():
        if data.lstrip()[:1] == b"<":
            return name
    raise problem("anpr.xml", "part is missing; the camera sends the event in it (or xml_file)")


def _read(alert: XmlDoc, anpr: XmlDoc, parts: Mapping[str, bytes], context: Context) -> SourceRead:
    stamp = alert.text("dateTime")
    event_id = alert.optional_text("UUID") or f"{alert.optional_text('channelID')}:{stamp}"
    vehicle = anpr.child("vehicleInfo")
    submission = n.submission(
        NAME,
        event_id,
        anpr.path,
        plate_text=n.plate_text(anpr.text("licensePlate"), anpr.where("licensePlate")),
        confidence=n.confidence(
            anpr.number("confidenceLevel"), anpr.where("confidenceLevel"), scale=_SCALE
        ),
        captured_at=n.captured_at(stamp, alert.where("dateTime"), context.zone),
        region=_region(anpr.optional_text("country")),
        location=_gps(alert.child("DeviceGPSInfo")),
        vehicle=n.vehicle(
            anpr.path,
            color=None if vehicle is None else vehicle.optional_text("color"),
            body_type=anpr.optional_text("vehicleType"),
            direction=anpr.optional_text("direction"),
        ),
    )
    images = _pictures(anpr, parts)
    return SourceRead(submission, image=images.get("image"), crop=images.get("crop"))


def _region(country: str | None) -> str | None:
    # Firmware that sends a number sends Hikvision's own list of countries, not ISO 3166's:
    # read as ISO, 3 would be a wrong country. Only letter codes are mapped.
    if country is None or country.isdigit():
        return None
    return n.region_code(country)


def _pictures(anpr: XmlDoc, parts: Mapping[str, bytes]) -> dict[str, bytes]:
    """The pictures the event lists, by our kind; a listed picture the request lacks is named."""
    found: dict[str, bytes] = {}
    listing = anpr.child("pictureInfoList")
    infos = [] if listing is None else listing.children("pictureInfo")
    rank = list(_IMAGE_TYPES)
    for info in sorted(infos, key=lambda info: _rank(rank, info.optional_text("type"))):
        kind = _IMAGE_TYPES.get(info.optional_text("type") or "")
        name = info.optional_text("fileName")
        if kind is None or name is None:
            continue
        if name not in parts:
            raise problem(info.where("fileName"), f"names part {name!r}, which the request lacks")
        found[kind] = parts[name]
    return found


def _rank(rank: list[str], kind: str | None) -> int:
    return rank.index(kind) if kind in rank else -1


def _gps(info: XmlDoc | None) -> n.GeoPoint | None:
    """``DeviceGPSInfo``: degrees, minutes and seconds with a hemisphere letter each."""
    if info is None:
        return None
    latitude = _angle(info.child("Latitude"), info.optional_text("latitudeType"), "S")
    longitude = _angle(info.child("Longitude"), info.optional_text("longitudeType"), "W")
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return None  # a camera without a fix sends zeros
    return n.location(latitude, longitude)


def _angle(angle: XmlDoc | None, hemisphere: str | None, negative: str) -> float | None:
    if angle is None:
        return None
    value = angle.number("degree")
    value += (angle.optional_number("minute") or 0) / 60
    value += (angle.optional_number("sec") or 0) / 3600
    return -value if (hemisphere or "").strip().upper() == negative else value
