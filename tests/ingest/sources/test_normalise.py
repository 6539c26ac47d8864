"""Every vendor convention brought to one form, in one place (ingest/sources/normalise.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from platekeeper.domain.reads import VehicleAttributes
from platekeeper.errors import InvalidInput
from platekeeper.ingest.sources import normalise as n
from platekeeper.ingest.sources.xml import load_xml

LA = ZoneInfo("America/Los_Angeles")
INSTANT = datetime(2026, 11, 28, 11, 22, 44, 512000, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        1795864964.512,  # epoch seconds
        1795864964512,  # milliseconds
        "1795864964512",
        1795864964512000,  # microseconds
        1795864964512000000,  # nanoseconds
        "2026-11-28T11:22:44.512Z",
        "2026-11-28T03:22:44.512-08:00",
        "2026-11-28 03:22:44.512",  # local, no zone: the camera's
        "2026/11/28 03:22:44.512",
        "20261128032244512",  # YYYYMMDDhhmmssfff, local
    ],
)
def test_every_time_style_is_the_same_instant(value: object) -> None:
    assert n.captured_at(value, "t", LA) == INSTANT


def test_local_strings_follow_the_cameras_zone_across_daylight_saving() -> None:
    summer = n.captured_at("2026-07-01 12:00:00", "t", LA)
    winter = n.captured_at("2026-12-01 12:00:00", "t", LA)
    assert summer.utcoffset() is not None
    assert (summer.hour, winter.hour) == (12, 12)
    assert summer.astimezone(UTC).hour == 19
    assert winter.astimezone(UTC).hour == 20


@pytest.mark.parametrize("value", ["yesterday", "", True, None, -5, "2026-13-45 99:00:00"])
def test_what_is_no_time_is_refused_by_its_field(value: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        n.captured_at(value, "body.when", LA)
    assert [f.location for f in refused.value.fields] == ["body.when"]


@pytest.mark.parametrize(
    ("value", "scale", "expected"), [(91.5, 100, 0.915), (0.915, 1, 0.915), (100, 100, 1.0)]
)
def test_confidence_on_its_sources_scale(value: float, scale: float, expected: float) -> None:
    assert n.confidence(value, "c", scale=scale) == pytest.approx(expected)


@pytest.mark.parametrize(("value", "scale"), [(101, 100), (1.2, 1), (-1, 100), (float("nan"), 1)])
def test_confidence_off_its_scale_is_refused(value: float, scale: float) -> None:
    with pytest.raises(InvalidInput, match="outside"):
        n.confidence(value, "c", scale=scale)


@pytest.mark.parametrize(
    ("value", "bare", "expected"),
    [
        ("us-ca", None, "us-ca"),
        ("US-CA", None, "us-ca"),
        ("us_ca", None, "us-ca"),
        ("CA", "us", "us-ca"),
        ("CA", None, "ca"),  # bare, from a source that does not report US states: Canada
        ("ON", "ca", "ca-on"),
        ("POL", None, "pl"),
        ("616", None, "pl"),
        ("840", None, "us"),
        ("uk", None, "gb"),
        ("de-by", None, "de"),  # a subdivision we do not list: the country stands
        ("xx", None, None),
        ("Kalifornia", None, None),
        (None, None, None),
    ],
)
def test_region_codes_in_every_style(
    value: str | None, bare: str | None, expected: str | None
) -> None:
    assert n.region_code(value, bare_subdivisions_of=bare) == expected


def test_plates_are_upper_cased_and_checked_by_the_one_plate_rule() -> None:
    assert n.plate_text(" abc123 ", "p") == "ABC123"
    with pytest.raises(InvalidInput) as refused:
        n.plate_text("AB€123", "body.plate")
    assert refused.value.fields[0].location == "body.plate"


def test_vehicle_attributes_are_lower_case_and_unknowns_left_out() -> None:
    assert n.vehicle("v", color="Silver  Gray", make="UNKNOWN", body_type="SUV") == (
        VehicleAttributes(color="silver gray", body_type="suv")
    )
    assert n.vehicle("v", color="unknown", direction="") is None


def test_base64_with_or_without_a_data_prefix() -> None:
    assert n.b64_image("aGVsbG8=", "i") == b"hello"
    assert n.b64_image("data:image/jpeg;base64,aGVsbG8=", "i") == b"hello"
    with pytest.raises(InvalidInput):
        n.b64_image("no!", "i")


def test_xml_without_a_dtd_reads_with_namespaces_dropped() -> None:
    root = load_xml(b'<a xmlns="urn:x"><b> text </b></a>')
    assert root.text("b") == "text"
    with pytest.raises(InvalidInput, match="DTD"):
        load_xml(b'<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>')
