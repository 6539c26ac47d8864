"""Time rules: every instant PlateKeeper keeps is timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from platekeeper.errors import InvalidInput

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
ONE_DAY = timedelta(days=1)


def day_start(day: date) -> datetime:
    """Midnight (UTC) at the start of ``day``."""
    return datetime.combine(day, time(), UTC)


def require_utc(instant: datetime, what: str) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInput(
            f"{what} {instant.isoformat()} has no time zone",
            hint="Send times with an offset, for example '2026-11-28T07:00:00Z'.",
        )
    return instant.astimezone(UTC)


EARLIEST_CAPTURE = datetime(2000, 1, 1, tzinfo=UTC)


def require_capture_time(instant: datetime) -> datetime:
    """A capture time in UTC; none lies before 2000, when no plate reader sent reads here."""
    captured_at = require_utc(instant, "captured_at")
    if captured_at < EARLIEST_CAPTURE:
        raise InvalidInput(
            f"captured_at {captured_at.isoformat()} lies before {EARLIEST_CAPTURE.year}",
            hint="Check the camera's clock.",
        )
    return captured_at


def to_epoch_us(instant: datetime) -> int:
    return (instant - EPOCH) // MICROSECOND


def from_epoch_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


class Clock(Protocol):
    """Where "now" comes from, so that tests and demos can choose it."""

    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def spoken_span(span: timedelta) -> str:
    """``span`` as a person says it: '40 min', '5 h', '2 days' (a negative span is 0 min)."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"
