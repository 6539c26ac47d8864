"""Axis License Plate Verifier: the JSON its "Event data push" posts to a server.

Written from the Axis License Plate Verifier user manual (event push, application 2.x). A car
is reported as it appears (``carState`` ``new``), as it is followed (``update``) and when it
leaves (``lost``); ``new`` is the read, the others are per-frame events about the same car.
Times (``datetime``) come as ``YYYYMMDD HHMMSSmmm`` on the camera's clock, without an offset;
where it is absent, ``capture_timestamp`` (epoch ms as a string) is used. Numbers come as strings.
The push is JSON, or multipart with the JSON in an ``event`` part and the picture in ``image``;
pictures sent inline come base64 in ``imageArray``, of the kind ``imageType`` names; a push
without pictures names them in ``imagesURI`` (paths on the camera), fetched afterwards.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from platekeeper.ingest.sources import normalise as n
from platekeeper.ingest.sources.base import JSON, MULTIPART, Context, Parsed, Payload, SourceRead
from platekeeper.ingest.sources.fields import Doc, load_json, problem

NAME = "axis"
_SCALE = 1.0


class AxisSource:
    name = NAME
    media_types = frozenset({JSON, MULTIPART})

    def parse(self, payload: Payload, context: Context) -> Parsed:
        if payload.media_type == MULTIPART:
            if "event" not in payload.parts:
                raise problem("event", "part is missing; the camera sends the event in it")
            doc = load_json(payload.parts["event"], "event")
        else:
            doc = load_json(payload.body)
        return Parsed((_read(doc, context, payload.parts.get("image")),))


def _read(doc: Doc, context: Context, attached: bytes | None) -> SourceRead:
    camera = doc.optional_doc("camera_info")
    serial = None if camera is None else camera.optional_text("SerialNumber")
    state = doc.optional_text("carState") or "new"
    stamp = doc.optional_text("datetime") or doc.text("capture_timestamp")
    event_id = f"{serial or '-'}:{doc.text('carID')}:{state}:{stamp}"
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
            make=None if vehicle is None else _first(vehicle, "brand", "manufacturer"),
            model=None if vehicle is None else vehicle.optional_text("model"),
            body_type=None if vehicle is None else vehicle.optional_text("type"),
            direction=doc.optional_text("carMoveDirection"),
        ),
    )
    image, crop = _images(doc, attached)
    return SourceRead(
        submission,
        image=image,
        crop=crop,
        image_url=None if image or crop else _image_uri(doc),
        per_frame=state != "new",
    )


def _image_uri(doc: Doc) -> str | None:
    """The first of ``imagesURI``: a path on the camera, fetched after the read is stored
    against the camera's image base URL (``platekeeper camera source --image-base-url``)."""
    uris = doc.data.get("imagesURI")
    if not isinstance(uris, list) or not uris or not isinstance(uris[0], str) or not uris[0]:
        return None
    return uris[0]


def _first(doc: Doc, *keys: str) -> str | None:
    return next((doc.text(key) for key in keys if doc.has(key)), None)


def _images(doc: Doc, attached: bytes | None) -> tuple[bytes | None, bytes | None]:
    """(scene, plate crop): the multipart ``image`` part, ``imageArray`` or the older
    ``image``/``plateImage`` fields, placed by ``imageType``."""
    crop_text = doc.optional_text("plateImage")
    crop = None if crop_text is None else n.b64_image(crop_text, doc.where("plateImage"))
    inline = doc.data.get("imageArray")
    picture = attached
    if picture is None and isinstance(inline, list) and inline:
        if not isinstance(inline[0], str):
            raise problem(f"{doc.where('imageArray')}.0", "must be base64 text")
        picture = n.b64_image(inline[0], f"{doc.where('imageArray')}.0")
    if picture is None and doc.has("image"):
        picture = n.b64_image(doc.text("image"), doc.where("image"))
    if picture is not None and (doc.optional_text("imageType") or "").lower() == "plate":
        return None, crop or picture
    return picture, crop


def _time(doc: Doc, zone: ZoneInfo) -> datetime:
    if not doc.has("datetime"):
        return n.captured_at(doc.raw("capture_timestamp"), doc.where("capture_timestamp"), zone)
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
