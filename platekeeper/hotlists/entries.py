"""The rules an entry must meet before it is stored, as pure functions.

``make_entry`` is the one way an entry is made: the service's add, the API, the pages, the
console, imports, feed refreshes and the demo all pass through it. Every entry of every list
says why it is there (a reason that is not a placeholder) and when it stops matching:

- manual and agency entries are typed in or loaded by a person for a case; nobody re-checks
  them against a source, so they name their case number and lapse within
  ``hotlists.manual_entry_days`` / ``hotlists.agency_entry_days`` (and never later than the
  policy's ceiling for hot-list entries) unless a supervisor renews them;
- entries of fed lists (a state feed, NCIC) live only as long as their feed is kept fresh: each
  refresh sets their expiry ``FED_ENTRY_LIFETIME`` on, so a feed not refreshed in time stops
  matching, and a plate the feed drops is gone at the refresh that drops it.

Free text is checked for personal data (``domain/personal_data.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from platekeeper.domain.hotlists import (
    NO_RECORD,
    STALE_AFTER,
    EntryRecord,
    Hotlist,
    HotlistEntry,
    ListSource,
)
from platekeeper.domain.personal_data import refuse_personal_data
from platekeeper.domain.plates import normalise_plate_key
from platekeeper.errors import InvalidInput

_REGION = re.compile(r"[a-z]{2}(?:-[a-z0-9]{1,3})?")
MIN_PLATE_KEY_LENGTH = 2
"""No plate has fewer letters and digits; a shorter one is a stray character."""
FED_ENTRY_LIFETIME = STALE_AFTER
"""An entry of a fed list stops matching this long after the refresh that last carried it:
the moment its list turns stale, an alert from it would name a record nobody has re-checked."""
PLACEHOLDER_REASONS = frozenset(
    {
        *("personal", "private", "none", "n/a", "na", "nil", "null", "tbd", "tba", "todo"),
        *("test", "testing", "other", "misc", "unknown", "unk", "see case", "see notes"),
        *("see note", "see report", "watch", "hold", "info", "fyi", "reason", "xxx", "asdf"),
    }
)
"""Reasons that say nothing about why a car is watched: the "personal" lists of the record."""


@dataclass(frozen=True, slots=True)
class EntryDraft:
    """An entry as a person or a file gives it, before the rules have looked at it."""

    plate: str
    reason: str
    state: str | None = None
    case_number: str | None = None
    source_record_id: str | None = None
    expires_at: datetime | None = None
    note: str | None = None
    record: EntryRecord = NO_RECORD
    """The feed record's other NCIC fields and source file (``hotlists/ncic.py``)."""


@dataclass(frozen=True, slots=True)
class EntryRules:
    manual_entry_days: int
    names: tuple[re.Pattern[str], ...] = ()
    country: str = "us"
    """Prefixed to a bare two-letter state: ``CA`` becomes ``us-ca``, as reads carry it."""
    agency_entry_days: int = 30
    ceiling: timedelta | None = None
    """The policy's retention ceiling for hot-list entries: no entry is made to outlive it."""

    def days_for(self, source: ListSource) -> int:
        """How long a person's entry on a list of ``source`` lasts, by default and at most."""
        days = self.manual_entry_days if source is ListSource.MANUAL else self.agency_entry_days
        if self.ceiling is not None:
            days = min(days, max(1, self.ceiling.days))
        return days


def region_of(state: str | None, country: str = "us") -> str | None:
    """The region as reads carry it (``us-ca``) from ``CA``, ``ca`` or ``us-ca``."""
    if state is None or not state.strip():
        return None
    value = state.strip().lower()
    if len(value) == 2 and value.isalpha():
        value = f"{country}-{value}"
    if not _REGION.fullmatch(value):
        raise InvalidInput(
            f"state {state!r} is not a state code", hint="Give the two-letter code, e.g. 'CA'."
        )
    return value


def make_entry(
    hotlist: Hotlist,
    draft: EntryDraft,
    rules: EntryRules,
    *,
    entry_id: str,
    entered_by: str,
    now: datetime,
) -> HotlistEntry:
    """The entry ``draft`` makes on ``hotlist``, or ``InvalidInput`` saying which rule it breaks."""
    plate_text = checked_plate(draft.plate)
    reason = checked_reason(draft.reason)
    refuse_personal_data(reason, "reason", rules.names, today=now.date())
    refuse_personal_data(draft.note, "note", rules.names, today=now.date())
    case_number = (draft.case_number or "").strip() or None
    if not hotlist.source.fed and case_number is None:
        raise InvalidInput(
            f"an entry of a {hotlist.source.value} list needs a case number",
            hint="Give the case or incident number that justifies watching for this car; "
            "a list kept by hand is never a personal watch list.",
        )
    refuse_personal_data(case_number, "case number", rules.names, today=now.date())
    refuse_personal_data(draft.record.oca, "OCA", rules.names, today=now.date())
    return HotlistEntry(
        id=entry_id,
        list_id=hotlist.id,
        plate_text=plate_text,
        state=region_of(draft.state, rules.country),
        reason=reason,
        entered_by=entered_by,
        entered_at=now,
        expires_at=entry_expiry(hotlist.source, now, draft.expires_at, rules),
        source_record_id=(draft.source_record_id or "").strip() or None,
        case_number=case_number,
        note=(draft.note or "").strip() or None,
        record=draft.record,
    )


def checked_plate(plate: str) -> str:
    """``plate`` stripped, or ``InvalidInput`` when the one plate normalisation refuses it
    (``BAD PLATE!!``) or leaves fewer than ``MIN_PLATE_KEY_LENGTH`` letters and digits."""
    text = plate.strip()
    key = normalise_plate_key(text)
    if len(key) < MIN_PLATE_KEY_LENGTH:
        raise InvalidInput(
            f"plate {text!r} has {len(key)} letter or digit; a plate has at least "
            f"{MIN_PLATE_KEY_LENGTH}",
            hint="Give the whole plate, e.g. '7ABC123'.",
        )
    return text


def checked_reason(reason: str) -> str:
    """``reason`` stripped, or ``InvalidInput`` when it says nothing: an entry must say why the
    car is watched (the offense, the alert), not "personal" or "n/a"."""
    text = reason.strip()
    words = re.sub(r"[^\w\s/]", "", text.lower()).strip()
    if sum(ch.isalpha() for ch in text) < 3 or words in PLACEHOLDER_REASONS:
        raise InvalidInput(
            f"the reason {text!r} does not say why the car is watched",
            hint="Say the offense or the alert, e.g. 'stolen vehicle' or 'Amber alert'.",
        )
    return text


def entry_expiry(
    source: ListSource, now: datetime, requested: datetime | None, rules: EntryRules
) -> datetime:
    """When an entry made at ``now`` on a list of ``source`` stops matching.

    A fed list's entry: ``requested`` (its record's own expiry) or ``FED_ENTRY_LIFETIME`` on,
    whichever is sooner, so that it outlives its feed by no more than that. A person's entry:
    ``requested`` or the list's days on, refused when asked for later."""
    if source.fed:
        latest = now + FED_ENTRY_LIFETIME
        return latest if requested is None else min(requested, latest)
    return manual_expiry(now, requested, rules.days_for(source), source)


def manual_expiry(
    now: datetime, requested: datetime | None, days: int, source: ListSource = ListSource.MANUAL
) -> datetime:
    """When a person's entry made (or renewed) at ``now`` expires: ``requested``, or ``days``
    on; never later than that."""
    latest = now + timedelta(days=days)
    if requested is None:
        return latest
    if requested > latest:
        raise InvalidInput(
            f"an entry of a {source.value} list expires within {days} days",
            hint=f"Give an expiry on or before {latest.isoformat()}; a supervisor can renew it "
            "when it runs out.",
        )
    return requested


def renewal(
    hotlist: Hotlist,
    entry: HotlistEntry,
    now: datetime,
    requested: datetime | None,
    rules: EntryRules,
) -> HotlistEntry:
    """``entry`` renewed at ``now`` until ``requested`` (by default the list's days on)."""
    if hotlist.source.fed:
        raise InvalidInput(
            f"entries of {hotlist.source.value} lists are not renewed here",
            hint="They expire with their feed; refresh the list instead.",
        )
    until = manual_expiry(now, requested, rules.days_for(hotlist.source), hotlist.source)
    if until <= now:
        raise InvalidInput("a renewal must end in the future")
    return entry.renewed(until)
