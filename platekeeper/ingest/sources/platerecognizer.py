"""Plate Recognizer: the Snapshot API's response forwarded as is, and Stream's webhooks, as JSON
or as multipart with a ``json`` part and the frame in ``upload``.

Written from Plate Recognizer's Snapshot API reference (``/v1/plate-reader/`` response) and the
Stream webhook documentation (Stream 1.5x). Neither carries an event id: a result is known by
its camera's timestamp and its place in the results, which a resend repeats.
"""

from __future__ import annotations

from platekeeper.ingest.sources import normalise as n
from platekeeper.ingest.sources.base import (
    JSON,
    MULTIPART,
    Context,
    Parsed,
    Payload,
    SourceRead,
)
from platekeeper.ingest.sources.fields import Doc, load_json, problem

NAME = "platerecognizer"
_SCALE = 1.0


class PlateRecognizerSource:
    name = NAME
    media_types = frozenset({JSON, MULTIPART})

    def parse(self, payload: Payload, context: Context) -> Parsed:
        image = None
        if payload.media_type == MULTIPART:
            if "json" not in payload.parts:
                raise problem("json", "part is missing; Stream sends the event in a 'json' part")
            doc = load_json(payload.parts["json"], "json")
            image = payload.parts.get("upload")
        else:
            doc = load_json(payload.body)
        # Stream wraps the result in {"hook": ..., "data": ...}; Snapshot's response is bare.
        if doc.has("hook"):
            # Stream's other events (a heartbeat, say) keep the camera known, nothing more.
            event = doc.doc("hook").optional_text("event")
            if event not in (None, "recognition", "image.done"):
                return Parsed(heartbeat=True)
        data = doc.doc("data") if doc.has("hook") else doc
        return Parsed(tuple(_reads(data, context, image)))


def _reads(data: Doc, context: Context, image: bytes | None) -> list[SourceRead]:
    stamp = data.text("timestamp")
    captured_at = n.captured_at(stamp, data.where("timestamp"), context.zone)
    results = data.docs("results")
    if not results:
        raise problem(data.where("results"), "holds no plate")
    reads = []
    for index, result in enumerate(results):
        submission = n.submission(
            NAME,
            f"{data.optional_text('camera_id') or '-'}:{stamp}:{index}",
            result.path,
            plate_text=n.plate_text(result.text("plate"), result.where("plate")),
            confidence=n.confidence(result.number("score"), result.where("score"), scale=_SCALE),
            captured_at=captured_at,
            region=_region(result),
            candidates=n.candidates(
                result.docs("candidates"), plate_key="plate", confidence_key="score", scale=_SCALE
            ),
            vehicle=_vehicle(result),
        )
        # The frame is one image for every plate in it: the first read keeps it.
        reads.append(SourceRead(submission, image=image if index == 0 else None))
    return reads


def _region(result: Doc) -> str | None:
    region = result.optional_doc("region")
    return None if region is None else n.region_code(region.optional_text("code"))


def _vehicle(result: Doc) -> n.VehicleAttributes | None:
    vehicle = result.optional_doc("vehicle")
    make_model = _top(result, "model_make")
    return n.vehicle(
        result.path,
        color=_top_text(result, "color", "color"),
        make=None if make_model is None else make_model.optional_text("make"),
        model=None if make_model is None else make_model.optional_text("model"),
        body_type=None if vehicle is None else vehicle.optional_text("type"),
        direction=_top_text(result, "orientation", "orientation"),
    )


def _top(result: Doc, key: str) -> Doc | None:
    guesses = result.docs(key)
    return guesses[0] if guesses else None


def _top_text(result: Doc, key: str, field: str) -> str | None:
    top = _top(result, key)
    return None if top is None else top.optional_text(field)
