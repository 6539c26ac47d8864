"""Verkada: the licence plate webhook its Command platform posts (``webhook_type`` ``lpr``).

Checked against Verkada's API reference for the LPR webhook (``data.camera_id``, ``created`` in
seconds, ``detected`` in milliseconds, ``license_plate_number``, ``confidence`` 0-1,
``license_plate_state``, ``image_url``). ``webhook_id`` names the webhook subscription, not the
event, so the read is named by its camera and detection time. ``image_url`` is a signed link
that expires: the read is stored at once and the image fetched from it soon after
(``fetcher``).
"""

from __future__ import annotations

from platekeeper.ingest.sources import normalise as n
from platekeeper.ingest.sources.base import JSON, Context, Parsed, Payload, SourceRead
from platekeeper.ingest.sources.fields import load_json, problem

NAME = "verkada"
_SCALE = 1.0


class VerkadaSource:
    name = NAME
    media_types = frozenset({JSON})

    def parse(self, payload: Payload, context: Context) -> Parsed:
        doc = load_json(payload.body)
        kind = doc.text("webhook_type")
        if kind != "lpr":
            raise problem(doc.where("webhook_type"), f"{kind!r} is not a licence plate event")
        data = doc.doc("data")
        # ``detected`` (ms) is when the plate was seen; ``created`` (s) when the event was made.
        key = "detected" if data.has("detected") else "created"
        stamp = data.raw(key)
        submission = n.submission(
            NAME,
            f"{data.text('camera_id')}:{stamp}",
            data.path,
            plate_text=n.plate_text(
                data.text("license_plate_number"), data.where("license_plate_number")
            ),
            confidence=n.confidence(
                data.number("confidence"), data.where("confidence"), scale=_SCALE
            ),
            captured_at=n.captured_at(stamp, data.where(key), context.zone),
            region=n.region_code(
                data.optional_text("license_plate_state"), bare_subdivisions_of="us"
            ),
            vehicle=n.vehicle(
                data.path,
                color=data.optional_text("vehicle_color"),
                make=data.optional_text("vehicle_make"),
                body_type=data.optional_text("vehicle_type"),
            ),
        )
        return Parsed((SourceRead(submission, image_url=data.optional_text("image_url")),))
