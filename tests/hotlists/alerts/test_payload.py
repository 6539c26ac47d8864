"""The alert document: everything a person needs to judge the hit, and the warnings."""

from __future__ import annotations

import base64

import orjson

from platekeeper.hotlists.alerts import STALE_WARNING, UNVERIFIED_NOTICE, alert_document
from platekeeper.store.images import LocalImageStore
from tests.hotlists.alerts.samples import image_bytes, make_alert

LIMIT = 1024 * 1024


def test_the_document_carries_read_entry_list_and_both_images(images: LocalImageStore) -> None:
    crop, full = image_bytes((120, 40), "PNG"), image_bytes((320, 240))
    alert = make_alert(images, crop=crop, full=full)
    document = alert_document(alert, images, LIMIT)

    assert document["id"] == alert.hit.id
    assert document["agency_id"] == "demo-pd"
    assert document["hit"] == {
        "id": alert.hit.id,
        "created_at": "2026-11-28T12:00:00Z",
        "status": "pending",
        "match_kind": "confusable",
        "reading": 0,
        "how_matched": "The reader's own reading matches the listed plate but for look-alike "
        "characters.",
        "score": 0.93,
        "state_agreement": "agrees",
        "strong": False,
        "stale": False,
    }
    read = document["read"]
    assert read["id"] == alert.read.id
    assert read["camera_id"] == "main-st-north"
    assert (read["plate_text"], read["confidence"], read["state"]) == ("7ABC123", 0.91, "us-ca")
    assert read["location"] == {"latitude": 38.58, "longitude": -121.49}
    assert read["captured_at"].endswith("Z")
    assert document["entry"] == {
        "id": "entry-0",
        "plate_text": "7ABC123",
        "state": "us-ca",
        "reason": "stolen",
        "entered_at": "2026-11-25T12:00:00Z",
        "expires_at": "2026-12-25T12:00:00Z",
        "case_number": "2026-000777",
    }
    assert document["list"] == {
        "id": "stolen-vehicles",
        "name": "Stolen vehicles",
        "priority": 1,
        "alert_level": "critical",
        "covert": False,
        "source": "state-feed",
    }
    shown = document["images"]
    assert shown["crop"]["media_type"] == "image/png"
    assert base64.b64decode(shown["crop"]["data"]) == crop
    assert shown["full"]["media_type"] == "image/jpeg"
    assert base64.b64decode(shown["full"]["data"]) == full
    assert shown["full"]["bytes"] == len(full)
    # The document goes out as JSON unchanged.
    assert orjson.loads(orjson.dumps(document)) == document


def test_every_alert_says_it_is_unverified_and_how_it_matched(images: LocalImageStore) -> None:
    document = alert_document(make_alert(images), images, LIMIT)
    assert document["notice"] == UNVERIFIED_NOTICE
    assert "confirm characters, state and the entry's standing" in document["notice"]
    assert document["verified"] is False
    assert document["headline"].startswith("UNVERIFIED · confusable match · state agrees")
    assert document["warnings"] == []


def test_a_stale_list_warns_on_the_alert(images: LocalImageStore) -> None:
    document = alert_document(make_alert(images, stale=True), images, LIMIT)
    assert document["hit"]["stale"] is True
    assert document["warnings"] == [STALE_WARNING]
    assert "not refreshed within 24 hours" in STALE_WARNING
    assert "STALE LIST" in document["headline"]


def test_images_over_the_limit_or_gone_are_left_out_with_the_reason(
    images: LocalImageStore,
) -> None:
    big = image_bytes((800, 600))
    alert = make_alert(images, full=big)
    assert alert.read.crop_ref is not None
    images.delete(alert.read.crop_ref)
    document = alert_document(alert, images, len(big) - 1)
    assert document["images"]["full"] == {
        "omitted": f"{len(big)} bytes is over the limit of {len(big) - 1}"
    }
    assert document["images"]["crop"] == {"omitted": "the image is no longer stored"}
