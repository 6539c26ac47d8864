"""The audit's own records (R33): each compliance report run kept with its findings' codes, the
resolution of a finding, and how often an audit is due.

A run is what a finding is identified by: its code and the run (the report's period, who ran it
and when). A resolution says who resolved the finding, when and how; it is never the word of
the auditor who ran the report, since one does not close one's own findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_AUDIT_MONTHS = 12
"""At least a yearly audit (State Auditor 2019-118, recs 13/25/39/53); Minnesota's biennial
audit is laxer, so the year holds there too."""

_NAMED = {
    "monthly": 1,
    "quarterly": 3,
    "semiannual": 6,
    "semi-annual": 6,
    "semiannually": 6,
    "semi-annually": 6,
    "annual": 12,
    "annually": 12,
    "yearly": 12,
    "biennial": 24,
    "biennially": 24,
}
_EVERY = re.compile(r"\bevery\s+(\d{1,3})\s+months?\b")


@dataclass(frozen=True, slots=True)
class AuditRun:
    """One compliance report made: its period, its maker and the codes it found."""

    id: str
    agency_id: str | None
    """The agency the report covered; None for the console's report of every agency."""
    period_start: datetime
    period_end: datetime
    run_by: str
    run_at: datetime
    codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FindingResolution:
    """A finding of ``run_id`` marked resolved: by whom, when and how."""

    id: str
    agency_id: str
    run_id: str
    code: str
    how: str
    resolved_by: str
    resolved_at: datetime


def audit_interval_months(schedule: str) -> int:
    """The months between audits: the policy's ``monitoring.audit_schedule`` where it states
    them ("quarterly", "every 6 months"), never more than the yearly default."""
    text = schedule.strip().lower()
    stated = _EVERY.search(text)
    months = int(stated.group(1)) if stated else _NAMED.get(text)
    if months is None or months < 1:
        return DEFAULT_AUDIT_MONTHS
    return min(months, DEFAULT_AUDIT_MONTHS)


def months(count: int) -> timedelta:
    return timedelta(days=count * 365 // 12)


def audit_overdue(
    last: datetime | None, since: datetime | None, now: datetime, interval_months: int
) -> bool:
    """Whether no audit was completed within the interval of the last one or, before any, of
    the system's first recorded access."""
    start = last or since
    return start is not None and now - start > months(interval_months)
