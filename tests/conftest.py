"""Fixtures shared by every test: settings on a temporary data directory, a clock, samples."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher
from psycopg.conninfo import make_conninfo

from platekeeper.accounts.passkey_factors import passkey_factors
from platekeeper.accounts.passwords import Passwords
from platekeeper.accounts.sealing import load_secret_seal
from platekeeper.accounts.second_factor import SecondFactors
from platekeeper.accounts.service import AccountService
from platekeeper.config import Settings, load_settings
from platekeeper.domain import (
    Agency,
    Camera,
    CameraKind,
    CameraStatus,
    GeoPoint,
    PlateBox,
    PlateCandidate,
    PlateRead,
    Point,
    ReadSubmission,
)
from platekeeper.domain.cameras import issue_camera_key
from platekeeper.ingest import IngestService
from platekeeper.services import Services, build_services

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
POSTGRES_DSN_ENV = "PLATEKEEPER_TEST_POSTGRES_DSN"


def postgres_dsn() -> str:
    dsn = os.environ.get(POSTGRES_DSN_ENV)
    if not dsn:
        if os.environ.get("PLATEKEEPER_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{POSTGRES_DSN_ENV} is not set but PostgreSQL tests are required")
        pytest.skip(f"set {POSTGRES_DSN_ENV} to run the PostgreSQL tests (scripts/test does)")
    return dsn


@pytest.fixture
def postgres_schema_dsn() -> Iterator[str]:
    """A DSN whose search_path is a fresh schema, dropped after the test."""
    dsn = postgres_dsn()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield make_conninfo(dsn, options=f"-csearch_path={schema}")
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime = NOW) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("PLATEKEEPER_CONFIG", raising=False)
    return load_settings(data_dir=tmp_path / "data")


def make_agency(agency_id: str = "demo-pd") -> Agency:
    return Agency(id=agency_id, name="Demo City Police Department", state="CA", created_at=NOW)


def make_camera(
    camera_id: str = "main-st-north",
    *,
    agency_id: str = "demo-pd",
    kind: CameraKind = CameraKind.FIXED,
    status: CameraStatus = CameraStatus.ACTIVE,
) -> tuple[Camera, str]:
    """A camera and its plaintext ingest key."""
    key, key_hash = issue_camera_key()
    camera = Camera(
        id=camera_id,
        agency_id=agency_id,
        name=f"Camera {camera_id}",
        kind=kind,
        status=status,
        api_key_hash=key_hash,
        created_at=NOW,
        location=GeoPoint(38.5816, -121.4944) if kind is CameraKind.FIXED else None,
        heading_deg=90.0 if kind is CameraKind.FIXED else None,
    )
    return camera, key


def _alternatives(plate_text: str) -> tuple[PlateCandidate, ...]:
    """What a reader offers besides ``plate_text``: for the usual plate a look-alike and a
    shorter reading of it; for any other plate, that plate less its last character. Never a
    reading of a listed plate the read itself is not: the hot-list matcher matches
    alternatives too, and a test that sends a misread means the misread."""
    if plate_text == "7ABC123":
        return (PlateCandidate("7A8C123", 0.41), PlateCandidate("7ABC12", 0.2))
    return (PlateCandidate(plate_text[:-1], 0.2),) if len(plate_text) > 4 else ()


def make_submission(
    index: int = 0,
    *,
    plate_text: str = "7ABC123",
    captured_at: datetime | None = None,
    location: GeoPoint | None = None,
) -> ReadSubmission:
    return ReadSubmission(
        client_read_id=f"read-{index}",
        plate_text=plate_text,
        confidence=0.91,
        captured_at=captured_at or NOW - timedelta(seconds=index),
        region="us-ca",
        region_confidence=0.8,
        candidates=_alternatives(plate_text),
        location=location,
        box=PlateBox((Point(10, 20), Point(110, 20), Point(110, 60), Point(10, 60))),
    )


def make_read(
    index: int = 0,
    *,
    camera_id: str = "main-st-north",
    plate_text: str = "7ABC123",
    captured_at: datetime | None = None,
    received_at: datetime = NOW,
) -> PlateRead:
    submission = make_submission(
        index, plate_text=plate_text, captured_at=captured_at, location=GeoPoint(38.58, -121.49)
    )
    return PlateRead.from_submission(submission, camera_id=camera_id, received_at=received_at)


def build_test_services(settings: Settings, clock: FixedClock) -> Services:
    """The real services on ``settings``, upgraded, with passwords hashed cheaply: argon2 is
    slow on purpose, and tests hash with its cheapest parameters, never production."""
    built = build_services(settings, clock=clock)
    cheap = AccountService(
        built.store,
        clock,
        settings.accounts,
        built.access_log,
        passwords=Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)),
    )
    # Most tests store reads without writing a policy file first; the refusal without a complete
    # policy is tested where it is made (tests/loopholes/test_retention.py). What the policy says
    # of collection (end-user mode, plate crops only) still holds.
    ingest = IngestService(
        built.store,
        built.images,
        clock,
        built.ingest.limits,
        [built.hotlist_matcher],
        collection=built.ingest.collection,
        policy=POLICY_ASSUMED_COMPLETE,
    )
    second_factors = SecondFactors(
        built.store,
        clock,
        settings.accounts,
        built.access_log,
        accounts=cheap,
        seal=load_secret_seal(settings.second_factor_key_path),
    )
    passkeys = passkey_factors(
        built.store,
        clock,
        settings.accounts,
        built.access_log,
        accounts=cheap,
        factors=second_factors,
    )
    services = replace(
        built, accounts=cheap, second_factors=second_factors, passkeys=passkeys, ingest=ingest
    )
    services.store.upgrade()
    return services


class _AssumedComplete:
    """The policy standing of tests that are about something else: complete."""

    def require_complete(self) -> None:
        return None


POLICY_ASSUMED_COMPLETE = _AssumedComplete()
