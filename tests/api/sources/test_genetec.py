"""Genetec AutoVu reads as XML (SharpV's HTTP output, Security Center's export) over real HTTP."""

from __future__ import annotations

from platekeeper.domain import GeoPoint
from platekeeper.domain.reads import VehicleAttributes
from tests.api.conftest import LiveApp
from tests.api.sources.helpers import (
    assert_refused,
    image,
    only_read,
    payload,
    post,
    stored,
    utc,
)


def test_a_read_with_its_context_and_plate_images(live_app: LiveApp) -> None:
    xml = payload("genetec_read.xml")

    response = post(live_app, "genetec", xml, "application/xml")

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert read.plate_text == "4NXP907"
    assert read.client_read_id == "genetec:3f0e8a52-made-0000-up00-00000000c0de"
    assert read.captured_at == utc("2026-11-28T11:40:12.250+00:00")
    assert (read.confidence, read.region) == (0.86, "us-ca")
    assert read.location == GeoPoint(37.7793, -122.4193)
    assert read.vehicle == VehicleAttributes(color="white", make="chevrolet", body_type="pickup")
    assert image(live_app, read.image_ref)[:2] == b"\xff\xd8"
    assert image(live_app, read.crop_ref)[:2] == b"\xff\xd8"


def test_an_export_of_several_reads_and_its_resend(live_app: LiveApp) -> None:
    one = payload("genetec_read.xml").split(b"?>", 1)[1]
    two = one.replace(b"c0de<", b"c0df<").replace(b"4NXP907", b"4NXP908")
    export = b"<Reads>" + one + two + b"</Reads>"

    first = post(live_app, "genetec", export, "text/xml")
    again = post(live_app, "genetec", export, "text/xml")

    assert first.status_code == 201, first.text
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert sorted(read.plate_text for read in stored(live_app)) == ["4NXP907", "4NXP908"]


def test_a_read_without_its_time_is_refused_by_name(live_app: LiveApp) -> None:
    xml = (
        payload("genetec_read.xml")
        .replace(b"<DateTime>", b"<When>")
        .replace(b"</DateTime>", b"</When>")
    )

    assert_refused(post(live_app, "genetec", xml, "application/xml"), live_app, "Read.DateTime")
