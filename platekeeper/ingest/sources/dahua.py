"""Dahua ITC/ANPR cameras: the JSON their third-party HTTP upload ("ITSAPI" picture push) posts.

Written from Dahua's ITC HTTP upload description as we know it (ITC firmware 2.x, ITSAPI
1.x): one ``Picture`` object per vehicle, with ``Plate``, ``Vehicle``, ``SnapInfo`` and the
pictures as base64 ``Content``. ``SnapTime`` is the camera's local clock, without an offset.

Also the ``client.notifyEventStream`` JSON of its event push (``params.eventList[]`` with
``Code`` ``TrafficJunction`` and the like, ``Data.TrafficCar.PlateNumber`` or
``Data.Object.Text``, ``Data.LocaleTime`` on the camera's clock, ``Data.GroupID`` naming the
vehicle and ``IndexInGroup`` its pictures): written from Dahua's HTTP API description as we know
it, not from a published schema. ``LocaleTime`` is preferred to ``UTC``, which many firmware
versions fill with the local time. Events without a plate are acknowledged without a read; a
second picture of a group is a per-frame event.
"""

from __future__ import annotations

from platekeeper.ingest.sources import normalise as n
from platekeeper.ingest.sources.base import JSON, Context, Parsed, Payload, SourceRead
from platekeeper.ingest.sources.fields import Doc, load_json

NAME = "dahua"
_SCALE = 100.0


class DahuaSource:
    name = NAME
    media_types = frozenset({JSON})

    def parse(self, payload: Payload, context: Context) -> Parsed:
        doc = load_json(payload.body)
        if doc.has("params") or doc.has("eventList"):
            return _event_stream(doc, context)
        picture = doc.doc("Picture")
        plate = picture.doc("Plate")
        snap = picture.doc("SnapInfo")
        vehicle = picture.optional_doc("Vehicle")
        stamp = snap.optional_text("AccurateTime") or snap.text("SnapTime")
        event_id = snap.optional_text("UUID") or f"{snap.optional_text('DeviceID')}:{stamp}"
        submission = n.submission(
            NAME,
            event_id,
            picture.path,
            plate_text=n.plate_text(plate.text("PlateNumber"), plate.where("PlateNumber")),
            confidence=n.confidence(
                plate.number("Confidence"), plate.where("Confidence"), scale=_SCALE
            ),
            captured_at=n.captured_at(stamp, snap.where("SnapTime"), context.zone),
            region=n.region_code(plate.optional_text("Country")),
            vehicle=n.vehicle(
                picture.path,
                color=None if vehicle is None else vehicle.optional_text("VehicleColor"),
                make=None if vehicle is None else vehicle.optional_text("VehicleSign"),
                body_type=None if vehicle is None else vehicle.optional_text("VehicleType"),
                direction=snap.optional_text("Direction"),
            ),
        )
        read = SourceRead(
            submission, image=_content(picture, "NormalPic"), crop=_content(picture, "CutoutPic")
        )
        return Parsed((read,))


def _content(picture: Doc, key: str) -> bytes | None:
    part = picture.optional_doc(key)
    content = None if part is None else part.optional_text("Content")
    return None if part is None or content is None else n.b64_image(content, part.where("Content"))


_UNSCORED = 100.0


def _event_stream(doc: Doc, context: Context) -> Parsed:
    params = doc.doc("params") if doc.has("params") else doc
    reads = [
        _event_read(event.doc("Data"), context)
        for event in params.docs("eventList")
        if event.has("Data") and _plate(event.doc("Data")) is not None
    ]
    return Parsed(tuple(reads), heartbeat=not reads)


def _plate(data: Doc) -> str | None:
    car = data.optional_doc("TrafficCar")
    found = None if car is None else car.optional_text("PlateNumber")
    item = data.optional_doc("Object")
    return found or (None if item is None else item.optional_text("Text"))


def _event_read(data: Doc, context: Context) -> SourceRead:
    car = data.optional_doc("TrafficCar") or Doc({}, data.where("TrafficCar"))
    item = data.optional_doc("Object") or Doc({}, data.where("Object"))
    vehicle = data.optional_doc("Vehicle") or Doc({}, data.where("Vehicle"))
    plate_at = car if car.has("PlateNumber") else item
    plate_key = "PlateNumber" if car.has("PlateNumber") else "Text"
    group = data.optional_text("GroupID") or data.text("EventID")
    index = int(data.optional_number("IndexInGroup") or 1)
    if data.has("LocaleTime"):
        captured_at = n.captured_at(data.text("LocaleTime"), data.where("LocaleTime"), context.zone)
    else:
        captured_at = n.captured_at(
            data.number("UTC") + (data.optional_number("UTCMS") or 0) / 1000,
            data.where("UTC"),
            context.zone,
        )
    score = item.optional_number("Confidence") or car.optional_number("Confidence")
    if score is not None and score > _SCALE:
        score = None  # some firmware scores 0-255; unknown scales are not guessed at
    submission = n.submission(
        NAME,
        f"{group}:{index}",
        data.path,
        plate_text=n.plate_text(plate_at.text(plate_key), plate_at.where(plate_key)),
        confidence=n.confidence(
            _UNSCORED if score is None else score, data.where("Object.Confidence"), scale=_SCALE
        ),
        captured_at=captured_at,
        region=n.region_code(car.optional_text("Country")),
        vehicle=n.vehicle(
            data.path,
            color=car.optional_text("VehicleColor"),
            make=vehicle.optional_text("Text"),
            direction=car.optional_text("Direction"),
        ),
    )
    return SourceRead(submission, per_frame=index > 1)
