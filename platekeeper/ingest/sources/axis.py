"""Axis License Plate Verifier: the JSON its "Event data push" posts to a server.

Written from the Axis License Plate Verifier user manual (event push, application 2.x). A car
is reported as it appears (``carState`` ``new``), as it is followed (``update``) and when it
leaves (``lost``); ``new`` is the read, the others are per-frame events about the same car.
Times (``datetime``) come as ``YYYYMMDD HHMMSSmmm`` on the camera's clock, without an offset.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from platekeeper.ingest.sources import normalise as n
from platekeeper.ingest.sources.base import JSON, Context, Parsed, Payload, SourceRead
from platekeeper.ingest.sources.fields import Doc, load_json, problem

NAME = "axis"
_SCALE = 1.0


class AxisSource:
    name = NAME
    media_types = frozenset({JSON})

    def parse(self, payload: Payload, context: Context) -> Parsed:
        doc = load_json(payload.body)
        camera = doc.optional_doc("camera_info")
        serial = None if camera is None else camera.optional_text("SerialNumber")
        state = doc.optional_text("carState") or "new"
        event_id = f"{serial or '-'}:{doc.text('carID')}:{state}:{doc.text('datetime')}"
        vehicle = doc.optional_doc("vehicle_info")
        submission = n.submission(
            NAME,
            event_id,
            doc.path,
            plate_text=n.plate_text(doc.text("plateText"), doc.where("plateText")),
            confidence=n.confidence(
                doc.number("plateConfidence"), doc.where("plateConfidence"), scale=_SCALE
            ),
            captured_at=_time(doc, context.zone),
            region=n.region_code(doc.optional_text("plateCountry")),
            location=_geotag(doc),
            vehicle=n.vehicle(
                doc.path,
                color=None if vehicle is None else vehicle.optional_text("color"),
                make=None if vehicle is None else vehicle.optional_text("manufacturer"),
                body_type=None if vehicle is None else vehicle.optional_text("type"),
                direction=doc.optional_text("carMoveDirection"),
            ),
        )
        crop = doc.optional_text("plateImage")
        image = doc.optional_text("image")
        read = SourceRead(
            submission,
            image=None if image is None else n.b64_image(image, doc.where("image")),
            crop=None if crop is None else n.b64_image(crop, doc.where("plateImage")),
            per_frame=state != "new",
        )
        return Parsed((read,))


def _time(doc: Doc, zone: ZoneInfo) -> datetime:
    text = doc.text("datetime")
    try:  # YYYYMMDD HHMMSSmmm: milliseconds glued to the seconds
        local = datetime.strptime(f"{text[:15]}.{text[15:18]}", "%Y%m%d %H%M%S.%f")
    except ValueError:
        return n.captured_at(text, doc.where("datetime"), zone)
    return local.replace(tzinfo=zone)


def _geotag(doc: Doc) -> n.GeoPoint | None:
    geotag = doc.optional_doc("geotag")
    if geotag is None:
        return None
    try:
        return n.location(geotag.optional_number("lat"), geotag.optional_number("lon"))
    except n.InvalidInput as error:
        raise problem(geotag.path, error.message) from None
