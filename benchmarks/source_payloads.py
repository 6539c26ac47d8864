"""One vendor event per read, as each source posts it, for ``benchmarks/ingest.py``: the same
reads the native figure posts, in each vendor's shape, without images (as the native bodies)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import orjson

from platekeeper.domain import ReadSubmission

Body = tuple[str, bytes]
"""A content type and the body."""


def rekor(index: int, read: ReadSubmission) -> Body:
    return "application/json", orjson.dumps(
        {
            "data_type": "alpr_group",
            "version": 2,
            "epoch_start": _ms(read.captured_at),
            "epoch_end": _ms(read.captured_at) + 900,
            "best_uuid": f"bench-agent-1-{index}",
            "country": "us",
            "best_region": read.region,
            "best_plate": {"plate": read.plate_text, "confidence": read.confidence * 100},
            "candidates": [
                {"plate": c.plate_text, "confidence": c.confidence * 100} for c in read.candidates
            ],
            "vehicle": {"color": [{"name": "white", "confidence": 80.0}]},
        }
    )


def platerecognizer(index: int, read: ReadSubmission) -> Body:
    result = {
        "plate": read.plate_text.lower(),
        "score": read.confidence,
        "region": {"code": read.region, "score": 0.9},
        "candidates": [
            {"plate": c.plate_text.lower(), "score": c.confidence} for c in read.candidates
        ],
        "vehicle": {"type": "Sedan", "score": 0.8},
    }
    data = {"camera_id": "bench", "timestamp": read.captured_at.isoformat(), "results": [result]}
    return "application/json", orjson.dumps(
        {"hook": {"id": "bench", "event": "recognition"}, "data": data}
    )


def axis(index: int, read: ReadSubmission) -> Body:
    stamp = (
        read.captured_at.strftime("%Y%m%d %H%M%S") + f"{read.captured_at.microsecond // 1000:03d}"
    )
    return "application/json", orjson.dumps(
        {
            "datetime": stamp,
            "carID": str(index),
            "carState": "new",
            "plateText": read.plate_text,
            "plateConfidence": f"{read.confidence:.3f}",
            "plateCountry": "USA",
            "camera_info": {"SerialNumber": "BENCH0001"},
        }
    )


def hikvision(index: int, read: ReadSubmission) -> Body:
    return "application/xml", (
        '<EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">'
        f"<channelID>1</channelID><dateTime>{read.captured_at.isoformat()}</dateTime>"
        "<eventType>ANPR</eventType>"
        f"<ANPR><country>USA</country><licensePlate>{read.plate_text}</licensePlate>"
        f"<confidenceLevel>{round(read.confidence * 100)}</confidenceLevel></ANPR>"
        f"<UUID>bench-{index}</UUID></EventNotificationAlert>"
    ).encode()


def genetec(index: int, read: ReadSubmission) -> Body:
    return "application/xml", (
        f"<Read><ReadId>bench-{index}</ReadId><Plate>{read.plate_text}</Plate><State>CA</State>"
        f"<Confidence>{round(read.confidence * 100)}</Confidence>"
        f"<DateTime>{read.captured_at.isoformat()}</DateTime>"
        "<Latitude>38.58</Latitude><Longitude>-121.49</Longitude></Read>"
    ).encode()


def frigate(index: int, read: ReadSubmission) -> Body:
    """Frigate's ``end`` event as its MQTT subscriber hands it over (also what a bridge posts);
    without a snapshot, as the other bodies are without images."""
    start = read.captured_at.timestamp()
    after = {
        "id": f"{start:.6f}-bench{index}",
        "camera": "bench",
        "label": "car",
        "start_time": start,
        "end_time": start + 4.5,
        "has_snapshot": False,
        "recognized_license_plate": read.plate_text,
        "recognized_license_plate_score": read.confidence,
    }
    return "application/json", orjson.dumps({"type": "end", "before": after, "after": after})


def native(index: int, read: ReadSubmission) -> Body:
    return "application/json", orjson.dumps(
        {
            "client_read_id": read.client_read_id,
            "plate_text": read.plate_text,
            "confidence": read.confidence,
            "captured_at": read.captured_at.isoformat(),
            "region": read.region,
            "candidates": [
                {"plate_text": c.plate_text, "confidence": c.confidence} for c in read.candidates
            ],
        }
    )


SOURCES: dict[str, Callable[[int, ReadSubmission], Body]] = {
    "rekor": rekor,
    "platerecognizer": platerecognizer,
    "axis": axis,
    "hikvision": hikvision,
    "genetec": genetec,
    "frigate": frigate,
}


def _ms(instant: datetime) -> int:
    return round(instant.timestamp() * 1000)
