"""Misuse signals for auditors: patterns in the access log worth a person's look.

Each is a pure function over records; none is proof of misuse, each lists the entries behind
it. Only accesses that revealed ALPR data count (``REVEALING_ACTIONS``), and only allowed ones:
a denied access showed nothing, and is plain to see in the log as denied.

* repeated_searches: one user searching one plate ``repeat_searches`` times or more within
  ``repeat_window_days`` (stalking looks like this).
* unusual_hours: accesses outside ``working_hours`` in the agency's ``timezone``.
* reused_purpose: one user naming one case number for ``purpose_reuse`` or more distinct
  plates (a vague purpose stretched over many searches).
* no_follow_up: a case number under which reads were searched, with no other kind of access
  (viewing, exporting, verifying an alert) under it, by anyone, within ``follow_up_days`` of
  its last search. Raised only once that many days have passed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from platekeeper.config import AuditSettings
from platekeeper.domain.access import AccessOutcome, AccessRecord

SEARCH = "reads:search"
REVEALING_ACTIONS = frozenset(
    {SEARCH, "reads:view", "images:view", "reads:export", "vehicles:history", "alerts:view"}
)
# What shows that a searched case went on: any access under the case number but a search.
FOLLOW_UP_ACTIONS = (REVEALING_ACTIONS - {SEARCH}) | {"alerts:verify"}


class SignalKind(StrEnum):
    REPEATED_SEARCHES = "repeated_searches"
    UNUSUAL_HOURS = "unusual_hours"
    REUSED_PURPOSE = "reused_purpose"
    NO_FOLLOW_UP = "no_follow_up"


@dataclass(frozen=True, slots=True)
class MisuseSignal:
    """One pattern, the user it concerns, a sentence without plate text, and its entries."""

    kind: SignalKind
    username: str
    summary: str
    seqs: tuple[int, ...]


def find_signals(
    records: Iterable[AccessRecord], settings: AuditSettings, now: datetime
) -> list[MisuseSignal]:
    """Every signal in ``records``, by kind, then user."""
    relevant = [r for r in records if _counts(r) or r.event.action in FOLLOW_UP_ACTIONS]
    revealing = [r for r in relevant if _counts(r)]
    return [
        *repeated_searches(
            revealing, settings.repeat_searches, timedelta(days=settings.repeat_window_days)
        ),
        *unusual_hours(revealing, ZoneInfo(settings.timezone), settings.working_hours),
        *reused_purpose(revealing, settings.purpose_reuse),
        *no_follow_up(relevant, timedelta(days=settings.follow_up_days), now),
    ]


def repeated_searches(
    records: Iterable[AccessRecord], threshold: int, window: timedelta
) -> list[MisuseSignal]:
    groups: dict[tuple[str, str], list[AccessRecord]] = defaultdict(list)
    for record in records:
        plate = record.event.query.get("plate")
        if record.event.action == SEARCH and plate:
            groups[(record.event.actor.username, plate)].append(record)
    signals = []
    for (username, _plate), searches in sorted(groups.items()):
        flagged = _in_dense_windows(searches, threshold, window)
        if flagged:
            signals.append(
                MisuseSignal(
                    SignalKind.REPEATED_SEARCHES,
                    username,
                    f"searched one plate {len(flagged)} times, {threshold} or more within "
                    f"{window.days} days",
                    tuple(r.seq for r in flagged),
                )
            )
    return signals


def _in_dense_windows(
    records: Sequence[AccessRecord], threshold: int, window: timedelta
) -> list[AccessRecord]:
    """The records that lie in some span of ``window`` holding ``threshold`` or more."""
    ordered = sorted(records, key=lambda r: (r.event.at, r.seq))
    flagged: dict[int, AccessRecord] = {}
    start = 0
    for end, record in enumerate(ordered):
        while record.event.at - ordered[start].event.at > window:
            start += 1
        if end - start + 1 >= threshold:
            flagged.update((r.seq, r) for r in ordered[start : end + 1])
    return sorted(flagged.values(), key=lambda r: r.seq)


def unusual_hours(
    records: Iterable[AccessRecord], zone: ZoneInfo, working_hours: tuple[int, int]
) -> list[MisuseSignal]:
    start, end = working_hours
    groups: dict[str, list[int]] = defaultdict(list)
    for record in records:
        if not start <= record.event.at.astimezone(zone).hour < end:
            groups[record.event.actor.username].append(record.seq)
    return [
        MisuseSignal(
            SignalKind.UNUSUAL_HOURS,
            username,
            f"{len(seqs)} accesses outside {start:02d}:00-{end:02d}:00 {zone.key}",
            tuple(sorted(seqs)),
        )
        for username, seqs in sorted(groups.items())
    ]


def reused_purpose(records: Iterable[AccessRecord], threshold: int) -> list[MisuseSignal]:
    groups: dict[tuple[str, str], list[AccessRecord]] = defaultdict(list)
    for record in records:
        if record.event.case_number and record.event.query.get("plate"):
            groups[(record.event.actor.username, record.event.case_number)].append(record)
    signals = []
    for (username, case_number), accesses in sorted(groups.items()):
        plates = {r.event.query["plate"] for r in accesses}
        if len(plates) >= threshold:
            signals.append(
                MisuseSignal(
                    SignalKind.REUSED_PURPOSE,
                    username,
                    f"named case {case_number} for {len(plates)} different plates",
                    tuple(sorted(r.seq for r in accesses)),
                )
            )
    return signals


def no_follow_up(
    records: Iterable[AccessRecord], follow_up: timedelta, now: datetime
) -> list[MisuseSignal]:
    searches: dict[str, list[AccessRecord]] = defaultdict(list)
    later: dict[str, list[datetime]] = defaultdict(list)
    for record in records:
        case_number = record.event.case_number
        if not case_number or record.event.outcome is not AccessOutcome.ALLOWED:
            continue
        if record.event.action == SEARCH:
            searches[case_number].append(record)
        elif record.event.action in FOLLOW_UP_ACTIONS:
            later[case_number].append(record.event.at)
    signals = []
    for case_number, found in sorted(searches.items()):
        first = min(r.event.at for r in found)
        last = max(r.event.at for r in found)
        if now < last + follow_up:
            continue  # still within its time
        if any(first <= at <= last + follow_up for at in later[case_number]):
            continue
        for username in sorted({r.event.actor.username for r in found}):
            mine = [r.seq for r in found if r.event.actor.username == username]
            signals.append(
                MisuseSignal(
                    SignalKind.NO_FOLLOW_UP,
                    username,
                    f"searched under case {case_number} ({len(mine)} searches) with no other "
                    f"access under it within {follow_up.days} days",
                    tuple(sorted(mine)),
                )
            )
    return signals


def _counts(record: AccessRecord) -> bool:
    return (
        record.event.outcome is AccessOutcome.ALLOWED and record.event.action in REVEALING_ACTIONS
    )
