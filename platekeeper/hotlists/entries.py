"""The rules an entry must meet before it is stored, as pure functions.

Manual entries are typed in by a person for a case; nobody re-checks them against a source, so
they lapse within ``hotlists.manual_entry_days`` (30 at most) unless a supervisor renews them,
and they name the case that justifies them. Free text is checked for personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from platekeeper.domain.hotlists import Hotlist, HotlistEntry, ListSource
from platekeeper.domain.personal_data import refuse_personal_data
from platekeeper.errors import InvalidInput

_REGION = re.compile(r"[a-z]{2}(?:-[a-z0-9]{1,3})?")


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


@dataclass(frozen=True, slots=True)
class EntryRules:
    manual_entry_days: int
    names: tuple[re.Pattern[str], ...] = ()
    country: str = "us"
    """Prefixed to a bare two-letter state: ``CA`` becomes ``us-ca``, as reads carry it."""


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
    refuse_personal_data(draft.reason, "reason", rules.names, today=now.date())
    refuse_personal_data(draft.note, "note", rules.names, today=now.date())
    expires_at = draft.expires_at
    case_number = (draft.case_number or "").strip() or None
    if hotlist.source is ListSource.MANUAL:
        if case_number is None:
            raise InvalidInput(
                "a manual entry needs a case number",
                hint="Give the case or incident number that justifies watching for this car.",
            )
        expires_at = manual_expiry(now, expires_at, rules.manual_entry_days)
    return HotlistEntry(
        id=entry_id,
        list_id=hotlist.id,
        plate_text=draft.plate.strip(),
        state=region_of(draft.state, rules.country),
        reason=draft.reason.strip(),
        entered_by=entered_by,
        entered_at=now,
        expires_at=expires_at,
        source_record_id=(draft.source_record_id or "").strip() or None,
        case_number=case_number,
        note=(draft.note or "").strip() or None,
    )


def manual_expiry(now: datetime, requested: datetime | None, days: int) -> datetime:
    """When a manual entry made (or renewed) at ``now`` expires: ``requested``, or ``days`` on;
    never later than that."""
    latest = now + timedelta(days=days)
    if requested is None:
        return latest
    if requested > latest:
        raise InvalidInput(
            f"a manual entry expires within {days} days",
            hint=f"Give an expiry on or before {latest.isoformat()}; a supervisor can renew it "
            "when it runs out.",
        )
    return requested


def renewal(
    hotlist: Hotlist, entry: HotlistEntry, now: datetime, requested: datetime | None, days: int
) -> HotlistEntry:
    """``entry`` renewed at ``now`` until ``requested`` (by default ``days`` from now)."""
    if hotlist.source is not ListSource.MANUAL:
        raise InvalidInput(
            f"entries of {hotlist.source.value} lists are not renewed here",
            hint="They expire as their source says; refresh the list instead.",
        )
    until = manual_expiry(now, requested, days)
    if until <= now:
        raise InvalidInput("a renewal must end in the future")
    return entry.renewed(until)
