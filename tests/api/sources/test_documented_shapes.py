"""Each source against the payload shapes its vendor documents (docs/integrations.md says which),
re-typed with made-up values, over real HTTP: every one stores exactly one correct read, or, for
what carries no read (a heartbeat, video loss, an unreadable plate), is acknowledged and stores
nothing."""

from __future__ import annotations

import orjson
import pytest

from platekeeper.domain import GeoPoint
from tests.api.conftest import LiveApp
from tests.api.sources.helpers import (
    assert_refused,
    b64,
    configure,
    document,
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
_VEHICLE = jpeg("black", (120, 90))


def _acknowledged(response_status: int, body: dict[str, object], app: LiveApp) -> None:
    assert response_status == 200, body
    assert body["status"] == "heartbeat"
    assert stored(app) == []


# -- Rekor ------------------------------------------------------------------------------------


def test_rekor_documented_group_keeps_its_top_level_vehicle_crop(live_app: LiveApp) -> None:
    group = document("rekor_group_documented.json")

    response = post(live_app, "rekor", group)

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert read.plate_text == "6WQZ218"
    assert read.client_read_id == "rekor:MaDeUpAgEnT00002-7654321-1795866001700"
    assert read.captured_at == utc("2026-11-28T11:40:01.250+00:00")  # epoch_start, in ms
    assert (read.confidence, read.region) == (0.9431, "us-mo")
    assert read.location == GeoPoint(38.6302, -90.2011)
    assert read.vehicle is not None
    assert (read.vehicle.color, read.vehicle.make) == ("silver-gray", "honda")
    assert image(live_app, read.image_ref) == b64(group["vehicle_crop_jpeg"])
    assert image(live_app, read.crop_ref) == b64(group["best_plate"]["plate_crop_jpeg"])


def test_rekor_documented_alert_wraps_the_same_group(live_app: LiveApp) -> None:
    group = document("rekor_group_documented.json")
    alert = {
        "data_type": "alpr_alert",
        "version": 1,
        "camera_name": "Made-up camera",
        "camera_number": 7654321,
        "plate_number": "6WQZ218",
        "description": "made-up entry",
        "site_name": "made-up-site",
        "alert_list": "Made-up list",
        "list_type": "Blacklist",
        "epoch_time": 1795866002900,
        "agent_uid": "MaDeUpAgEnT00002",
        "group": group,
    }

    assert post(live_app, "rekor", group).status_code == 201
    again = post(live_app, "rekor", alert)

    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert len(stored(live_app)) == 1


# -- Plate Recognizer -------------------------------------------------------------------------


def test_plate_recognizer_documented_stream_as_multipart(live_app: LiveApp) -> None:
    hook = payload("platerecognizer_stream_documented.json")
    files = {
        "json": ("json", hook, "application/json"),
        "upload": ("09-14-03.118842.jpg", _SCENE, "image/jpeg"),
    }

    response = post_parts(live_app, "platerecognizer", files)

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert (read.plate_text, read.confidence, read.region) == ("7KFP330", 0.874, "us-ca")
    assert read.client_read_id == "platerecognizer:gate-cam-2:2026-11-28T09:14:03.118842Z:0"
    assert read.captured_at == utc("2026-11-28T09:14:03.118842+00:00")
    assert image(live_app, read.image_ref) == _SCENE
    resend = post_parts(live_app, "platerecognizer", files)
    assert resend.json()["status"] == "duplicate"


def test_plate_recognizer_stream_heartbeat_is_no_read(live_app: LiveApp) -> None:
    hook = {"hook": {"target": "x", "id": "gate-cam-2", "event": "heartbeat"}, "data": {}}

    response = post(live_app, "platerecognizer", hook)

    _acknowledged(response.status_code, response.json(), live_app)


# -- Verkada ----------------------------------------------------------------------------------


def test_verkada_documented_reads_of_one_webhook_are_not_duplicates(live_app: LiveApp) -> None:
    first = document("verkada_lpr_documented.json")
    second = document("verkada_lpr_documented.json")
    second["data"].update(detected=1795866399001, license_plate_number="8HJD442")

    assert post(live_app, "verkada", first).status_code == 201
    assert post(live_app, "verkada", second).status_code == 201
    assert post(live_app, "verkada", first).json()["status"] == "duplicate"

    reads = sorted(stored(live_app), key=lambda read: read.plate_text)
    assert [read.plate_text for read in reads] == ["8HJD441", "8HJD442"]
    assert reads[0].captured_at == utc("2026-11-28T11:45:08.417+00:00")  # detected, in ms
    assert reads[0].region == "us-ca"


# -- Axis -------------------------------------------------------------------------------------


def test_axis_documented_push_with_strings_and_an_inline_plate_image(live_app: LiveApp) -> None:
    configure(live_app, time_zone="Europe/Prague")
    event = document("axis_lpv_documented.json")

    response = post(live_app, "axis", event)

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert (read.plate_text, read.confidence, read.region) == ("2AC9917", 0.81244, "cz")
    assert read.captured_at == utc("2026-11-28T11:24:04.512+00:00")  # 12:24 CET
    assert read.vehicle is not None
    assert (read.vehicle.make, read.vehicle.model, read.vehicle.color) == (
        "skoda",
        "octavia",
        "blue",
    )
    assert read.image_ref is None  # imageType "plate": the inline picture is the crop
    assert image(live_app, read.crop_ref) == b64(event["imageArray"][0])


def test_axis_documented_multipart_event_and_image(live_app: LiveApp) -> None:
    event = document("axis_lpv_documented.json")
    del event["imageArray"]
    del event["datetime"]  # then capture_timestamp, epoch ms as a string
    event.update(imageType="frame")
    files = {
        "event": ("event", orjson.dumps(event), "application/json"),
        "image": ("frame.jpg", _SCENE, "image/jpeg"),
    }

    response = post_parts(live_app, "axis", files)

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert read.captured_at == utc("2026-11-28T11:24:04.512+00:00")
    assert image(live_app, read.image_ref) == _SCENE


def test_axis_multipart_without_its_event_part_is_refused_by_name(live_app: LiveApp) -> None:
    response = post_parts(live_app, "axis", {"image": ("frame.jpg", _SCENE, "image/jpeg")})

    assert_refused(response, live_app, "event")


# -- Hikvision --------------------------------------------------------------------------------


def _hikvision(xml: bytes, document_part: str = "anpr.xml") -> dict[str, tuple[str, bytes, str]]:
    return {
        document_part: (document_part, xml, "application/xml"),
        "licensePlatePicture.jpg": ("licensePlatePicture.jpg", _PLATE, "image/jpeg"),
        "vehiclePicture.jpg": ("vehiclePicture.jpg", _VEHICLE, "image/jpeg"),
        "detectionPicture.jpg": ("detectionPicture.jpg", _SCENE, "image/jpeg"),
    }


_NAMESPACES = (
    b'xmlns="http://www.hikvision.com/ver20/XMLSchema"',
    b'xmlns="http://www.isapi.org/ver20/XMLSchema"',
    b'xmlns="http://www.std-cgi.com/ver10/XMLSchema"',
    b"",
)


@pytest.mark.parametrize("namespace", _NAMESPACES, ids=["hikvision", "isapi", "std-cgi", "none"])
def test_hikvision_documented_event_in_every_namespace(live_app: LiveApp, namespace: bytes) -> None:
    configure(live_app, time_zone="America/Los_Angeles")
    xml = payload("hikvision_anpr_documented.xml").replace(_NAMESPACES[0], namespace)

    response = post_parts(live_app, "hikvision", _hikvision(xml, "xml_file"))

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert read.client_read_id == "hikvision:00000000-made-up0-0000-00000000a77e"
    assert (read.plate_text, read.confidence, read.region) == ("9ZXC114", 0.885, "us")
    assert read.captured_at == utc("2026-11-28T11:05:06+00:00")  # no offset: the camera's zone
    assert read.location == GeoPoint(34.05, -118.25)
    assert read.vehicle is not None
    assert (read.vehicle.color, read.vehicle.direction) == ("gray", "reverse")
    assert image(live_app, read.crop_ref) == _PLATE
    assert image(live_app, read.image_ref) == _SCENE  # the detection picture, not the vehicle


def test_hikvision_video_loss_and_an_unknown_plate_store_nothing(live_app: LiveApp) -> None:
    videoloss = post(live_app, "hikvision", payload("hikvision_videoloss.xml"), "application/xml")
    _acknowledged(videoloss.status_code, videoloss.json(), live_app)

    for unread in (b"unknown", "无车牌".encode()):
        xml = payload("hikvision_anpr_documented.xml").replace(
            b"9ZXC114</licensePlate>", unread + b"</licensePlate>"
        )
        response = post_parts(live_app, "hikvision", _hikvision(xml))
        _acknowledged(response.status_code, response.json(), live_app)


def test_hikvision_without_its_xml_part_is_refused_by_name(live_app: LiveApp) -> None:
    files = _hikvision(b"")
    del files["anpr.xml"]

    assert_refused(post_parts(live_app, "hikvision", files), live_app, "anpr.xml")


# -- Genetec ----------------------------------------------------------------------------------


def test_genetec_documented_sharpv_template(live_app: LiveApp) -> None:
    xml = payload("genetec_sharpv.xml")

    response = post(live_app, "genetec", xml, "application/xml")

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert read.client_read_id == "genetec:00000000-made-up0-0000-0000000ge7ec"
    assert (read.plate_text, read.region) == ("5RTE902", "us-ca")
    assert read.captured_at == utc("2026-11-28T10:07:31.420+00:00")  # UTCDate is yyyy:MM:dd
    assert read.confidence == 1.0  # no ConfidenceScore in the template: the camera accepted it
    assert read.location == GeoPoint(37.3382, -121.8863)
    assert image(live_app, read.image_ref)[:2] == b"\xff\xd8"
    assert image(live_app, read.crop_ref)[:2] == b"\xff\xd8"
    again = post(live_app, "genetec", xml, "application/xml")
    assert again.json()["status"] == "duplicate"


def test_genetec_sharpv_with_a_score_and_a_broken_date(live_app: LiveApp) -> None:
    scored = payload("genetec_sharpv.xml").replace(
        b"<Lane>", b"<ConfidenceScore>87</ConfidenceScore><Lane>"
    )
    broken = payload("genetec_sharpv.xml").replace(b"2026:11:28", b"2026:13:28")

    assert_refused(post(live_app, "genetec", broken, "application/xml"), live_app, "AutoVu.UTCDate")
    assert post(live_app, "genetec", scored, "application/xml").status_code == 201
    assert only_read(live_app).confidence == 0.87


def test_genetec_documented_security_center_export(live_app: LiveApp) -> None:
    response = post(live_app, "genetec", payload("genetec_security_center.xml"), "text/xml")

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert read.client_read_id == "genetec:00000000-made-up0-0000-00000000sc01"
    assert (read.plate_text, read.confidence, read.region) == ("7MNB553", 0.91, "us-nv")
    assert read.captured_at == utc("2026-11-28T10:09:02+00:00")
    assert read.location == GeoPoint(36.1699, -115.1398)
    assert read.vehicle is not None
    assert (read.vehicle.make, read.vehicle.color) == ("ford", "red")


# -- Dahua, Survision, Blue Iris ----------------------------------------------------------------


def test_dahua_event_stream_traffic_junction(live_app: LiveApp) -> None:
    configure(live_app, time_zone="America/Los_Angeles")
    event = document("dahua_event_stream.json")

    response = post(live_app, "dahua", event)

    assert response.status_code == 201, response.text
    read = only_read(live_app)
    assert read.client_read_id == "dahua:30877:1"
    assert (read.plate_text, read.confidence, read.region) == ("4GHT208", 0.92, "us")
    assert read.captured_at == utc("2026-11-28T11:10:31+00:00")  # LocaleTime, the camera's zone
    assert read.vehicle is not None
    assert (read.vehicle.make, read.vehicle.color) == ("nissan", "black")
    assert post(live_app, "dahua", event).json()["status"] == "duplicate"


def test_dahua_event_stream_without_a_plate_is_no_read(live_app: LiveApp) -> None:
    event = document("dahua_event_stream.json")
    data = event["params"]["eventList"][0]["Data"]
    del data["Object"], data["TrafficCar"]

    response = post(live_app, "dahua", event)

    _acknowledged(response.status_code, response.json(), live_app)


def test_survision_pictures_under_jpegs(live_app: LiveApp) -> None:
    event = document("survision_anpr.json")
    picture = event["anpr"]["decision"].pop("jpeg")
    event["anpr"]["decision"]["jpegs"] = {"jpeg": [picture]}

    assert post(live_app, "survision", event).status_code == 201

    assert image(live_app, only_read(live_app).image_ref) == b64(picture)


def test_blue_iris_a_bare_codeproject_response(live_app: LiveApp) -> None:
    alert = document("blueiris_alert.json")
    alert["json"] = alert["json"][1]["found"]  # &JSON of the ALPR module alone

    assert post(live_app, "blueiris", alert).status_code == 201

    assert only_read(live_app).plate_text == "3MDT604"
