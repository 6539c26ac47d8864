"""Hikvision ISAPI ANPR: the ``EventNotificationAlert`` an ANPR camera posts to an HTTP listening
host, as multipart (``anpr.xml`` and the picture parts it names) or as a bare XML body.

Written from Hikvision's ISAPI "Intelligent Traffic" developer guide (HTTP listening, event
type ``ANPR``, ``pictureInfoList``; ISAPI 2.0 firmware 5.5-5.7). ``<UUID>`` names the event
where the firmware sends it; otherwise the channel and the event's time do.
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
_DOCUMENT_PART = "anpr.xml"
_SCALE = 100.0
_IMAGE_TYPES = {"detectionPicture": "image", "licensePlatePicture": "crop"}


class HikvisionSource:
    name = NAME
    media_types = frozenset({XML, MULTIPART})

    def parse(self, payload: Payload, context: Context) -> Parsed:
        if payload.media_type == MULTIPART:
            if _DOCUMENT_PART not in payload.parts:
                raise problem(_DOCUMENT_PART, "part is missing; the camera sends the event in it")
            alert = load_xml(payload.parts[_DOCUMENT_PART], _DOCUMENT_PART)
        else:
            alert = load_xml(payload.body)
        if alert.optional_text("eventType") == "heartBeat":
            return Parsed(heartbeat=True)
        if alert.text("eventType") != "ANPR":
            raise problem(alert.where("eventType"), "is not ANPR; only ANPR events are read")
        return Parsed((_read(alert, payload.parts, context),))


def _read(alert: XmlDoc, parts: Mapping[str, bytes], context: Context) -> SourceRead:
    anpr = alert.child("ANPR")
    if anpr is None:
        raise problem(alert.where("ANPR"), "is missing")
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
    for info in [] if listing is None else listing.children("pictureInfo"):
        kind = _IMAGE_TYPES.get(info.optional_text("type") or "")
        name = info.optional_text("fileName")
        if kind is None or name is None:
            continue
        if name not in parts:
            raise problem(info.where("fileName"), f"names part {name!r}, which the request lacks")
        found[kind] = parts[name]
    return found
