"""OpenALPR ``alprd`` and Rekor Scout agents: the JSON they post to a web server.

Written from Rekor's "Rekor Scout / OpenALPR agent JSON output" reference (data types
``alpr_group``, ``alpr_results``, ``alpr_alert``, ``heartbeat``; agent 4.x). A group is one
vehicle; ``alpr_results`` are the frames it was made from, and a preview group comes before the
final one: both are per-frame events.
"""

from __future__ import annotations

from datetime import datetime

from platekeeper.domain import ReadSubmission
from platekeeper.ingest.sources import normalise as n
from platekeeper.ingest.sources.base import JSON, Context, Parsed, Payload, SourceRead
from platekeeper.ingest.sources.fields import Doc, load_json, problem

NAME = "rekor"
_SCALE = 100.0  # Rekor reports confidences in percent


class RekorSource:
    name = NAME
    media_types = frozenset({JSON})

    def parse(self, payload: Payload, context: Context) -> Parsed:
        doc = load_json(payload.body)
        kind = doc.text("data_type")
        if kind == "heartbeat":
            return Parsed(heartbeat=True)
        if kind == "alpr_group":
            return Parsed((_group(doc, context),))
        if kind == "alpr_alert":
            return Parsed((_group(doc.doc("group"), context),))
        if kind == "alpr_results":
            return Parsed(tuple(_frame_reads(doc, context)))
        raise problem(doc.where("data_type"), f"{kind!r} is not a type an agent sends")


def _group(doc: Doc, context: Context) -> SourceRead:
    best = doc.doc("best_plate")
    submission = n.submission(
        NAME,
        doc.text("best_uuid"),
        doc.path,
        plate_text=n.plate_text(best.text("plate"), best.where("plate")),
        confidence=n.confidence(best.number("confidence"), best.where("confidence"), scale=_SCALE),
        captured_at=n.captured_at(doc.raw("epoch_start"), doc.where("epoch_start"), context.zone),
        region=n.region_code(
            doc.optional_text("best_region") or best.optional_text("region"),
            bare_subdivisions_of=doc.optional_text("country"),
        ),
        candidates=n.candidates(
            doc.docs("candidates"), plate_key="plate", confidence_key="confidence", scale=_SCALE
        ),
        location=n.location(
            doc.optional_number("gps_latitude"), doc.optional_number("gps_longitude")
        ),
        vehicle=_vehicle(doc),
    )
    return SourceRead(
        submission,
        # The whole frame where the agent sends it, else the documented top-level vehicle crop.
        image=_image(doc, "best_plate_jpeg") or _image(doc, "vehicle_crop_jpeg"),
        crop=_image(best, "plate_crop_jpeg"),
        per_frame=doc.data.get("is_preview") is True,
    )


def _vehicle(doc: Doc) -> n.VehicleAttributes | None:
    attributes = doc.optional_doc("vehicle")
    if attributes is None:
        return None
    return n.vehicle(
        attributes.path,
        color=_best(attributes, "color"),
        make=_best(attributes, "make"),
        model=_best(attributes, "make_model"),
        body_type=_best(attributes, "body_type"),
        direction=_best(attributes, "orientation"),
    )


def _best(attributes: Doc, key: str) -> str | None:
    """The top guess of a vehicle attribute: a list of ``{name, confidence}``, best first."""
    guesses = attributes.docs(key)
    return guesses[0].optional_text("name") if guesses else None


def _image(doc: Doc, key: str) -> bytes | None:
    value = doc.optional_text(key)
    return None if value is None else n.b64_image(value, doc.where(key))


def _frame_reads(doc: Doc, context: Context) -> list[SourceRead]:
    frame = doc.text("uuid")
    captured_at = n.captured_at(doc.raw("epoch_time"), doc.where("epoch_time"), context.zone)
    country = doc.optional_text("country")
    return [
        SourceRead(_frame_read(result, frame, index, captured_at, country), per_frame=True)
        for index, result in enumerate(doc.docs("results"))
    ]


def _frame_read(
    result: Doc, frame: str, index: int, captured_at: datetime, country: str | None
) -> ReadSubmission:
    return n.submission(
        NAME,
        f"{frame}:{index}",
        result.path,
        plate_text=n.plate_text(result.text("plate"), result.where("plate")),
        confidence=n.confidence(
            result.number("confidence"), result.where("confidence"), scale=_SCALE
        ),
        captured_at=captured_at,
        region=n.region_code(result.optional_text("region"), bare_subdivisions_of=country),
        candidates=n.candidates(
            result.docs("candidates"), plate_key="plate", confidence_key="confidence", scale=_SCALE
        ),
    )
