"""Domain records refuse values that cannot be true."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from platekeeper.domain import CameraKind, GeoPoint, PlateBox, PlateCandidate, Point
from platekeeper.domain.cameras import hash_camera_key, issue_camera_key
from platekeeper.errors import InvalidInput
from tests.conftest import make_camera, make_submission


def test_a_submission_must_be_plausible() -> None:
    good = make_submission()
    with pytest.raises(InvalidInput, match="confidence"):
        replace(good, confidence=1.5)
    with pytest.raises(InvalidInput, match="time zone"):
        replace(good, captured_at=datetime(2026, 11, 28, 12, 0))
    with pytest.raises(InvalidInput, match="client read id"):
        replace(good, client_read_id="")
    with pytest.raises(InvalidInput, match="without a region"):
        replace(good, region=None)
    with pytest.raises(InvalidInput, match="candidates"):
        replace(good, candidates=(PlateCandidate("AB1", 0.1),) * 21)


def test_the_fingerprint_changes_with_any_reported_field() -> None:
    base = make_submission()
    variants = [
        replace(base, plate_text="7ABC124"),
        replace(base, confidence=0.5),
        replace(base, captured_at=base.captured_at + timedelta(microseconds=1)),
        replace(base, region="us-nv"),
        replace(base, region_confidence=0.5),
        replace(base, candidates=()),
        replace(base, location=GeoPoint(1, 1)),
        replace(base, box=None),
    ]
    fingerprints = {base.fingerprint, *(v.fingerprint for v in variants)}
    assert len(fingerprints) == 1 + len(variants)
    assert make_submission().fingerprint == base.fingerprint


def test_positions_and_boxes_are_checked() -> None:
    with pytest.raises(InvalidInput):
        GeoPoint(91, 0)
    with pytest.raises(InvalidInput):
        GeoPoint(0, float("nan"))
    with pytest.raises(InvalidInput, match="outside the image"):
        PlateBox((Point(-1, 0), Point(1, 0), Point(1, 1), Point(0, 1)))


def test_a_fixed_camera_needs_a_place_and_a_mobile_one_does_not() -> None:
    fixed, _ = make_camera()
    with pytest.raises(InvalidInput, match="no location"):
        replace(fixed, location=None)
    mobile, _ = make_camera("car-1", kind=CameraKind.MOBILE)
    assert mobile.location is None
    with pytest.raises(InvalidInput, match="heading"):
        replace(fixed, heading_deg=360.0)
    with pytest.raises(InvalidInput, match="not a valid id"):
        replace(fixed, id="Main St")


def test_camera_keys_are_random_and_only_their_hash_is_kept() -> None:
    key, key_hash = issue_camera_key()
    other, _ = issue_camera_key()
    assert key != other
    assert key.startswith("pkc_")
    assert len(key) > 40
    assert hash_camera_key(key) == key_hash
    assert key not in key_hash
