"""Alerts to publish in tests: a hit on a list, with the read's images in an image store."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

from PIL import Image

from platekeeper.domain.hotlists import (
    Alert,
    AlertLevel,
    Hit,
    Hotlist,
    HotlistEntry,
    ListSource,
    MatchKind,
    StateAgreement,
)
from platekeeper.store.images import ImageKind, ImageStore
from tests.conftest import NOW, make_read


def image_bytes(size: tuple[int, int], image_format: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 180, 40)).save(buffer, format=image_format)
    return buffer.getvalue()


def make_alert(
    images: ImageStore,
    index: int = 0,
    *,
    covert: bool = False,
    stale: bool = False,
    list_id: str = "stolen-vehicles",
    agency_id: str = "demo-pd",
    crop: bytes | None = None,
    full: bytes | None = None,
) -> Alert:
    read = make_read(index, plate_text="7ABC123")
    crop_data = crop if crop is not None else image_bytes((120, 40), "PNG")
    full_data = full if full is not None else image_bytes((320, 240))
    crop_ref = images.put(crop_data, kind=ImageKind.CROP, captured_at=read.captured_at)
    full_ref = images.put(full_data, kind=ImageKind.FULL, captured_at=read.captured_at)
    read = replace(read, crop_ref=crop_ref, image_ref=full_ref)
    hotlist = Hotlist(
        id=f"{list_id}-covert" if covert else list_id,
        agency_id=agency_id,
        name="Covert surveillance" if covert else "Stolen vehicles",
        source=ListSource.STATE_FEED,
        priority=1,
        alert_level=AlertLevel.CRITICAL,
        covert=covert,
        created_at=NOW - timedelta(days=10),
        refreshed_at=NOW - timedelta(hours=30 if stale else 2),
    )
    entry = HotlistEntry(
        id=f"entry-{index}",
        list_id=hotlist.id,
        plate_text="7ABC123",
        state="us-ca",
        reason="stolen",
        entered_by="feed",
        entered_at=NOW - timedelta(days=3),
        expires_at=NOW + timedelta(days=27),
        case_number="2026-000777",
    )
    hit = Hit(
        id=f"hit-{index}-{hotlist.id}",
        read_id=read.id,
        entry_id=entry.id,
        list_id=hotlist.id,
        match_kind=MatchKind.CONFUSABLE,
        score=0.93,
        state_agreement=StateAgreement.AGREES,
        stale=stale,
        created_at=NOW,
    )
    return Alert(hit=hit, read=read, entry=entry, hotlist=hotlist)
