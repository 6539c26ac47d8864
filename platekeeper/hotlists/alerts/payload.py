"""The alert document: everything a person needs to judge a hit, as one JSON-ready dict.

It is what webhooks receive, what MQTT carries and what the live stream shows, built once per
alert. A hit is never actionable before a person verifies it, so every document says so in
``notice`` and puts the match kind and the state agreement beside it; a fed list not refreshed
in time adds a stale-list warning. Images travel inside the document, base64 with their media
type, up to ``max_image_bytes`` each; a larger or missing image is left out with the reason.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any, Protocol

from platekeeper.domain.hit_labels import how_matched
from platekeeper.domain.hotlists import Alert, Hit, Hotlist, HotlistEntry
from platekeeper.domain.reads import (
    LATE_READ_AFTER,
    ImageRef,
    PlateRead,
    age_words,
    late_read_notice,
)
from platekeeper.errors import PlateKeeperError

SCHEMA = "platekeeper.alert/1"
UNVERIFIED_NOTICE = "unverified: confirm characters, state and the entry's standing before acting"
STALE_WARNING = (
    "stale list: not refreshed within 24 hours; the entry may no longer stand at its source"
)
_MEDIA_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))

Document = dict[str, Any]


class ImageSource(Protocol):
    def get(self, ref: ImageRef) -> bytes: ...


def alert_document(alert: Alert, images: ImageSource, max_image_bytes: int) -> Document:
    """The document for ``alert``; images over ``max_image_bytes`` are left out."""
    hit = alert.hit
    return {
        "schema": SCHEMA,
        "id": hit.id,
        "agency_id": alert.hotlist.agency_id,
        "headline": headline(alert),
        "notice": UNVERIFIED_NOTICE,
        "verified": hit.actionable,
        "warnings": _warnings(alert),
        "hit": _hit(hit),
        "read": _read(alert.read),
        "entry": _entry(alert.entry),
        "list": _list(alert.hotlist),
        "images": {
            "crop": _image(images, alert.read.crop_ref, max_image_bytes),
            "full": _image(images, alert.read.image_ref, max_image_bytes),
        },
    }


def headline(alert: Alert) -> str:
    """One line to show first: the notice, how it matched, whether the states agree."""
    hit = alert.hit
    parts = [
        "UNVERIFIED" if not hit.actionable else "CONFIRMED",
        f"{hit.match_kind.value} match" + (f" of reading {hit.reading + 1}" if hit.reading else ""),
        f"state {hit.state_agreement.value}",
        f"{alert.hotlist.name} ({alert.hotlist.alert_level.value})",
    ]
    if hit.stale:
        parts.append("STALE LIST")
    age = alert.hit.created_at - alert.read.captured_at
    if age >= LATE_READ_AFTER:
        parts.insert(1, f"READ {age_words(age).upper()} AGO")
    return " · ".join(parts)


def _warnings(alert: Alert) -> list[str]:
    late = late_read_notice(alert.read.captured_at, alert.hit.created_at)
    stale = [STALE_WARNING] if alert.hit.stale else []
    return stale if late is None else [late, *stale]


def _hit(hit: Hit) -> Document:
    return {
        "id": hit.id,
        "created_at": _iso(hit.created_at),
        "status": hit.status.value,
        "match_kind": hit.match_kind.value,
        "reading": hit.reading,
        "how_matched": how_matched(hit.match_kind, hit.reading),
        "score": hit.score,
        "state_agreement": hit.state_agreement.value,
        "strong": hit.strong,
        "stale": hit.stale,
    }


def _read(read: PlateRead) -> Document:
    location = read.location
    return {
        "id": read.id,
        "camera_id": read.camera_id,
        "captured_at": _iso(read.captured_at),
        "plate_text": read.plate_text,
        "confidence": read.confidence,
        "state": read.region,
        "state_confidence": read.region_confidence,
        "location": None
        if location is None
        else {"latitude": location.latitude, "longitude": location.longitude},
    }


def _entry(entry: HotlistEntry) -> Document:
    return {
        "id": entry.id,
        "plate_text": entry.plate_text,
        "state": entry.state,
        "reason": entry.reason,
        "entered_at": _iso(entry.entered_at),
        "expires_at": None if entry.expires_at is None else _iso(entry.expires_at),
        "case_number": entry.case_number,
    }


def _list(hotlist: Hotlist) -> Document:
    return {
        "id": hotlist.id,
        "name": hotlist.name,
        "priority": hotlist.priority,
        "alert_level": hotlist.alert_level.value,
        "covert": hotlist.covert,
        "source": hotlist.source.value,
    }


def _image(images: ImageSource, ref: ImageRef | None, max_bytes: int) -> Document | None:
    if ref is None:
        return None
    try:
        data = images.get(ref)
    except PlateKeeperError:
        # Retention may have taken the image since the read came in; the alert still goes.
        return {"omitted": "the image is no longer stored"}
    if len(data) > max_bytes:
        return {"omitted": f"{len(data)} bytes is over the limit of {max_bytes}"}
    return {
        "media_type": media_type(data),
        "bytes": len(data),
        "data": base64.b64encode(data).decode("ascii"),
    }


def media_type(data: bytes) -> str:
    for signature, kind in _MEDIA_TYPES:
        if data.startswith(signature):
            return kind
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def _iso(instant: datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")
