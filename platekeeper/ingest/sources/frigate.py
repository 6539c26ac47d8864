"""Frigate NVR (0.14 and later, with its licence plate recognition): the JSON it publishes on MQTT.

Written from Frigate's MQTT documentation. ``<prefix>/events`` carries ``type`` ``new``, ``update``
or ``end`` with ``before`` and ``after`` objects (``id``, ``camera``, ``label``, ``start_time`` in
epoch seconds, ``recognized_license_plate`` and its ``_score`` 0-1, ``has_snapshot``);
``<prefix>/tracked_object_update`` carries ``type`` ``lpr`` with ``id``, ``camera``, ``plate``,
``score`` and ``timestamp`` when a plate is recognised on an object being tracked.

One tracked object is one read, named by Frigate's object id. The ``end`` event is the read; the
earlier messages with a plate are per-frame events, kept (the first one stored, the rest answered
as duplicates) only when the camera keeps every frame. So that each message names the same read,
the capture time is the object's start: ``start_time``, or for an ``lpr`` update the time that
begins Frigate's object id (``<start time>-<random>``). The snapshot is not in the message: it is
fetched afterwards from Frigate's API, ``/api/events/<id>/snapshot.jpg``, against the camera's
image base URL (Frigate's address).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from platekeeper.errors import InvalidInput
from platekeeper.ingest.sources import normalise as n
from platekeeper.ingest.sources.base import JSON, Context, Parsed, Payload, SourceRead
from platekeeper.ingest.sources.fields import Doc, load_json, problem

NAME = "frigate"
_EVENT_TYPES = frozenset({"new", "update", "end"})
_SCALE = 1.0


class FrigateSource:
    name = NAME
    media_types = frozenset({JSON})

    def parse(self, payload: Payload, context: Context) -> Parsed:
        doc = load_json(payload.body)
        kind = doc.text("type")
        if kind == "lpr":
            return _tracked_object_update(doc, context.zone)
        if kind in _EVENT_TYPES:
            return _event(doc, kind, context.zone)
        if doc.has("after"):
            raise problem(doc.where("type"), f"{kind!r} is not new, update or end")
        return Parsed()  # another kind of tracked-object update (a description, a face)


def camera_of(body: bytes) -> str | None:
    """The Frigate camera a message is about (``camera``, or ``after.camera``), if it names one:
    which PlateKeeper camera hears it is the subscriber's choice, before any parse."""
    try:
        doc = load_json(body)
        inner = doc.optional_doc("after")
        return (inner or doc).optional_text("camera")
    except InvalidInput:  # a malformed message is the parse's to report, with its field
        return None


def _event(doc: Doc, kind: str, zone: ZoneInfo) -> Parsed:
    after = doc.doc("after")
    if not after.has("recognized_license_plate"):
        return Parsed()  # no plate (yet): a person, a car too far away
    object_id = after.text("id")
    submission = n.submission(
        NAME,
        object_id,
        after.path,
        plate_text=n.plate_text(
            after.text("recognized_license_plate"), after.where("recognized_license_plate")
        ),
        confidence=n.confidence(
            after.number("recognized_license_plate_score"),
            after.where("recognized_license_plate_score"),
            scale=_SCALE,
        ),
        captured_at=n.captured_at(after.raw("start_time"), after.where("start_time"), zone),
        vehicle=n.vehicle(after.path, body_type=after.optional_text("label")),
    )
    snapshot = after.data.get("has_snapshot") is not False
    return Parsed(
        (
            SourceRead(
                submission,
                image_url=snapshot_path(object_id) if snapshot else None,
                per_frame=kind != "end",
            ),
        )
    )


def _tracked_object_update(doc: Doc, zone: ZoneInfo) -> Parsed:
    object_id = doc.text("id")
    submission = n.submission(
        NAME,
        object_id,
        doc.path,
        plate_text=n.plate_text(doc.text("plate"), doc.where("plate")),
        confidence=n.confidence(doc.number("score"), doc.where("score"), scale=_SCALE),
        captured_at=_object_start(object_id, doc, zone),
    )
    return Parsed((SourceRead(submission, image_url=snapshot_path(object_id), per_frame=True),))


def _object_start(object_id: str, doc: Doc, zone: ZoneInfo) -> datetime:
    try:
        start = float(object_id.split("-", 1)[0])
    except ValueError:  # an id not made from its start time: the update's own time, then
        return n.captured_at(doc.raw("timestamp"), doc.where("timestamp"), zone)
    return n.captured_at(start, doc.where("id"), zone)


def snapshot_path(object_id: str) -> str:
    """Frigate's API path of a tracked object's snapshot (its best frame)."""
    safe = "".join(c for c in object_id if c.isalnum() or c in ".-_")
    return f"/api/events/{safe}/snapshot.jpg"
