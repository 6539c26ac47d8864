"""Hikvision ISAPI ANPR events (multipart: anpr.xml and pictures; or bare XML) over real HTTP."""

from __future__ import annotations

from platekeeper.domain.reads import VehicleAttributes
from tests.api.conftest import LiveApp
from tests.api.sources.helpers import (
    assert_refused,
    image,
    jpeg,
    only_read,
    payload,
    post,
    post_parts,
    stored,
    utc,
)

_PLATE = jpeg("white", (80, 20))
_SCENE = jpeg("gray", (160, 90))


def _event(xml: bytes | None = None) -> dict[str, tuple[str, bytes, str]]:
    return {
        "anpr.xml": ("anpr.xml", xml or payload("hikvision_anpr.xml"), "application/xml"),
        "licensePlatePicture.jpg": ("licensePlatePicture.jpg", _PLATE, "image/jpeg"),
        "detectionPicture.jpg": ("detectionPicture.jpg", _SCENE, "image/jpeg"),
    }


def test_an_anpr_event_with_its_pictures_stores_one_read(live_app: LiveApp) -> None:
    response = post_parts(live_app, "hikvision", _event())

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert read.plate_text == "WA 6072K"
    assert read.plate_key == "WA6072K"
    assert read.client_read_id == "hikvision:1b9d6bcd-made-up0-0000-00000000beef"
    assert read.captured_at == utc("2026-11-28T11:51:03+00:00")
    assert read.confidence == 0.97
    assert read.region == "pl"  # ISO-3 POL
    assert read.vehicle == VehicleAttributes(color="red", body_type="vehicle", direction="forward")
    assert image(live_app, read.crop_ref) == _PLATE
    assert image(live_app, read.image_ref) == _SCENE


def test_a_resent_event_is_a_duplicate(live_app: LiveApp) -> None:
    assert post_parts(live_app, "hikvision", _event()).status_code == 201
    changed = payload("hikvision_anpr.xml").replace(b">97<", b">98<")

    for files in (_event(), _event(changed)):
        response = post_parts(live_app, "hikvision", files)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "duplicate"
    assert len(stored(live_app)) == 1


def test_a_bare_xml_event_without_pictures(live_app: LiveApp) -> None:
    xml = (
        payload("hikvision_anpr.xml")
        .replace(b"<pictureInfoList>", b"<!--")
        .replace(b"</pictureInfoList>", b"-->")
    )

    response = post(live_app, "hikvision", xml, "application/xml")

    assert response.status_code == 201, response.text
    assert only_read(live_app).image_ref is None


def test_malformed_events_are_refused_by_name(live_app: LiveApp) -> None:
    no_plate = payload("hikvision_anpr.xml").replace(b"<licensePlate>WA 6072K</licensePlate>", b"")
    assert_refused(
        post_parts(live_app, "hikvision", _event(no_plate)),
        live_app,
        "EventNotificationAlert.ANPR.licensePlate",
    )
    files = _event()
    del files["detectionPicture.jpg"]
    assert_refused(
        post_parts(live_app, "hikvision", files),
        live_app,
        "EventNotificationAlert.ANPR.pictureInfoList.pictureInfo.fileName",
    )
    assert_refused(
        post(live_app, "hikvision", b"<EventNotificationAlert>", "text/xml"), live_app, "body"
    )


def test_xml_with_a_dtd_is_refused_before_any_entity_expands(live_app: LiveApp) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxxxx">'
        b'<!ENTITY y "&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;">]><EventNotificationAlert>&y;'
        b"</EventNotificationAlert>"
    )

    response = post(live_app, "hikvision", bomb, "application/xml")

    assert_refused(response, live_app, "body")
    assert "DTD" in response.json()["errors"][0]["message"]


def test_a_numeric_country_is_hikvisions_own_code_and_left_out(live_app: LiveApp) -> None:
    xml = payload("hikvision_anpr.xml").replace(
        b"<country>POL</country>", b"<country>616</country>"
    )

    assert post_parts(live_app, "hikvision", _event(xml)).status_code == 201

    assert only_read(live_app).region is None
