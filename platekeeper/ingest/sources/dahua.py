"""Dahua ITC/ANPR cameras: the JSON their third-party HTTP upload ("ITSAPI" picture push) posts.

Written from Dahua's ITC HTTP upload description as we know it (ITC firmware 2.x, ITSAPI
1.x): one ``Picture`` object per vehicle, with ``Plate``, ``Vehicle``, ``SnapInfo`` and the
pictures as base64 ``Content``. ``SnapTime`` is the camera's local clock, without an offset.
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
        picture = load_json(payload.body).doc("Picture")
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
