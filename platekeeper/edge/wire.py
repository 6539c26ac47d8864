"""A read as the server's ingest API takes it (``ReadCreate``'s JSON), built from the domain's
``ReadSubmission``: the agent speaks the same API as any camera."""

from __future__ import annotations

import json
from typing import Any

from platekeeper.domain import GeoPoint, ReadSubmission
from platekeeper.edge.queue import QueuedRead


def document_of(submission: ReadSubmission, position: GeoPoint | None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "client_read_id": submission.client_read_id,
        "plate_text": submission.plate_text,
        "confidence": round(submission.confidence, 6),
        "captured_at": submission.captured_at.isoformat(),
        "candidates": [
            {"plate_text": c.plate_text, "confidence": round(c.confidence, 6)}
            for c in submission.candidates
        ],
    }
    if submission.region is not None:
        document["region"] = submission.region
        if submission.region_confidence is not None:
            document["region_confidence"] = round(submission.region_confidence, 6)
    if submission.box is not None:
        document["box"] = [{"x": max(0.0, c.x), "y": max(0.0, c.y)} for c in submission.box.corners]
    where = submission.location or position
    if where is not None:
        document["latitude"], document["longitude"] = where.latitude, where.longitude
    return document


def queued(
    submission: ReadSubmission,
    image: bytes | None,
    crop: bytes | None,
    position: GeoPoint | None,
) -> QueuedRead:
    document = json.dumps(document_of(submission, position), separators=(",", ":"))
    return QueuedRead(submission.client_read_id, submission.captured_at, document, image, crop)


def batch_body(reads: list[tuple[int, QueuedRead]]) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The batch's JSON and its image parts, each part named after the read's place in the
    queue so that names never collide."""
    documents: list[dict[str, Any]] = []
    parts: dict[str, bytes] = {}
    for seq, read in reads:
        document = json.loads(read.document)
        if read.image is not None:
            document["image_part"] = parts_name("image", seq)
            parts[document["image_part"]] = read.image
        if read.crop is not None:
            document["crop_part"] = parts_name("crop", seq)
            parts[document["crop_part"]] = read.crop
        documents.append(document)
    return {"reads": documents}, parts


def parts_name(kind: str, seq: int) -> str:
    return f"{kind}-{seq}"
