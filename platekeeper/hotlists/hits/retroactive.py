"""Retroactive matching: one entry against the reads still in the store.

It reveals where a car was, so it is an access to ALPR data like a search: the requester needs
``hotlists:retroactive``, states an authorised purpose and a case number, and the access log
records every attempt, a refusal with its reason and an allowed match with the ids of the
reads it returned: the same ``AccessGate`` (``domain/gate.py``) that every look-up goes through.

It reaches back under the same approval rule as a search of the same range
(``domain/approvals.require_approval``): where the agency wants a supervisor's approval past
``access.approval_beyond_days``, a match that names no approval searches only the reads that
recent (``RetroactiveMatch.searched_from`` says so, and the log's reason); one that names an
approval searches the approval's range, and is refused, with the reason, when the approval does
not cover it (another user's, another case's, expired, denied, another agency's).

The store finds reads by plate pattern: the entry's key with each confusable character, and
in turn each position, made a wildcard (and with a wildcard inserted, or a character left out,
for a character extra or missing). What the patterns find is then verified by the same matcher
as at ingest, so a retroactive hit is classified and scored exactly like a live one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from platekeeper.config import AccessSettings
from platekeeper.domain import PlateRead
from platekeeper.domain.access import AccessSink
from platekeeper.domain.approvals import require_approval
from platekeeper.domain.gate import Access, AccessGate, Basis, Person
from platekeeper.domain.hit_tiers import tier_of
from platekeeper.domain.hotlists import (
    Hit,
    Hotlist,
    HotlistEntry,
    MatchKind,
    OneOffPolicy,
    forbidden_list,
    refuse_forbidden_list,
)
from platekeeper.domain.permissions import Permission
from platekeeper.domain.plates import CONFUSABLE_CLASSES, MAX_EXACT_ONLY_LENGTH
from platekeeper.domain.purposes import StatedPurpose
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import NotFound
from platekeeper.hotlists.entry_index import EntryIndex, Match
from platekeeper.hotlists.hits.making import make_hit
from platekeeper.store import ReadQuery, Store

_CONFUSABLE = frozenset("".join(CONFUSABLE_CLASSES))


@dataclass(frozen=True, slots=True)
class RetroactiveHit:
    hit: Hit
    read: PlateRead


@dataclass(frozen=True, slots=True)
class Span:
    """The capture times one retroactive match searched, and why, when it was limited."""

    captured_from: datetime | None
    captured_before: datetime | None
    note: str | None = None

    def query_elements(self) -> dict[str, str]:
        elements = {"captured_from": self.captured_from, "captured_before": self.captured_before}
        return {key: value.isoformat() for key, value in elements.items() if value is not None}


@dataclass(frozen=True, slots=True)
class RetroactiveMatch:
    """The hits of stored reads on ``entry``, newest read first; ``truncated`` when more reads
    matched than one access returns (``access.max_results``)."""

    entry: HotlistEntry
    hits: list[RetroactiveHit] = field(default_factory=list)
    truncated: bool = False
    searched_from: datetime | None = None
    """The earliest capture time searched: set where the agency's approval rule limited it."""


def like_patterns(plate_key: str) -> set[str]:
    """``LIKE`` patterns that together find every key the matcher would match to ``plate_key``
    (and some it would not: what they find is verified)."""
    if len(plate_key) <= MAX_EXACT_ONLY_LENGTH:
        return {plate_key}
    key = "".join("_" if ch in _CONFUSABLE else ch for ch in plate_key)
    positions = range(len(key))
    different = {key[:i] + "_" + key[i + 1 :] for i in positions}
    extra = {key[:i] + "_" + key[i:] for i in range(len(key) + 1)}
    missing = {key[:i] + key[i + 1 :] for i in positions}
    return different | extra | missing


def stated_one_off_alerts(hotlist: Hotlist) -> bool:
    """Whether one-off matches on ``hotlist`` alert by its setting alone, ``auto`` counted as
    not alerting: for a retroactive match with no live matcher to estimate the list's chance."""
    return hotlist.one_off is OneOffPolicy.ALERT


class Retroactive:
    def __init__(
        self,
        store: Store,
        access_log: AccessSink,
        clock: Clock,
        settings: AccessSettings,
        *,
        one_off_alerts: Callable[[Hotlist], bool] = stated_one_off_alerts,
    ) -> None:
        """``one_off_alerts`` decides, as live matching does, whether a list's one-off matches
        alert (``HotlistMatcher.one_off_alerts``, which decides ``auto`` by the list's chance)."""
        self._store = store
        self._one_off_alerts = one_off_alerts
        self._clock = clock
        self._max_results = settings.max_results
        self._approval_beyond_days = settings.approval_beyond_days
        self._gate = AccessGate(access_log, clock, settings.catalogue())
        self._gate_forbidden = settings.catalogue().forbidden

    def match(self, who: Person, basis: Basis, entry_id: str) -> RetroactiveMatch:
        access = Access(who, basis, Permission.HOTLISTS_RETROACTIVE, {"entry_id": entry_id})
        span = self._gate.check(access, lambda stated: self._span(access, stated))
        entry, hotlist = self._agency_entry(who, entry_id)
        if entry is None or hotlist is None:
            self._gate.allowed(access, reason="no such entry in the agency")
            raise NotFound(f"hot-list entry {entry_id} does not exist")
        forbidden = self._gate_forbidden
        if forbidden_list(hotlist, forbidden) is not None:
            # As the matcher at ingest: a list the law forbids matches nothing (R20).
            self._gate.allowed(access, reason="the list serves a forbidden matter")
            refuse_forbidden_list(hotlist, forbidden)
        found = self._matches(entry, hotlist, AgencyScope.of(who.actor), span)
        # The log names the plate and who listed it, so that the misuse signals can see a
        # person matching, again and again, a plate they listed themselves.
        listed = {"plate": entry.plate_key, "entered_by": entry.entered_by}
        shown = Access(
            who, basis, access.action, {**access.query, **span.query_elements(), **listed}
        )
        self._gate.allowed(shown, tuple(item.read.id for item in found.hits), reason=span.note)
        return found

    def _span(self, access: Access, stated: StatedPurpose | None) -> Span:
        """The capture times a match may reach: all reads where no approval is ever needed; with
        an approval named, its range, held to the same rule as a search of that range; without
        one, the window a search needs no approval for (the match is limited, not refused)."""
        days = self._approval_beyond_days
        if days is None:
            return Span(None, None)
        now = self._clock.now()
        approval_id = access.basis.approval_id
        if approval_id is None:
            start = now - timedelta(days=days)
            return Span(start, None, f"limited to the last {days} days: no approval named")
        approval = self._store.approvals.get(approval_id)
        # Another agency's approval is no approval here, as one that does not exist.
        if approval is not None and not AgencyScope.of(access.who.actor).admits(approval.agency_id):
            approval = None
        span = Span(
            None if approval is None else approval.captured_from,
            None if approval is None else approval.captured_before,
        )
        assert stated is not None  # the permission is purpose-bound
        require_approval(
            approval,
            username=access.who.actor.username,
            case_number=stated.case_number,
            captured_from=span.captured_from,
            captured_before=span.captured_before,
            now=now,
            beyond_days=days,
        )
        return span

    def _agency_entry(
        self, who: Person, entry_id: str
    ) -> tuple[HotlistEntry | None, Hotlist | None]:
        entry = self._store.hotlist_entries.get(entry_id)
        hotlist = None if entry is None else self._store.hotlists.get(entry.list_id)
        # Another agency's entry is reported as missing, as another agency's read is.
        if hotlist is None or not AgencyScope.of(who.actor).admits(hotlist.agency_id):
            return None, None
        return entry, hotlist

    def _matches(
        self, entry: HotlistEntry, hotlist: Hotlist, scope: AgencyScope, span: Span
    ) -> RetroactiveMatch:
        cap = self._max_results
        reads: dict[str, PlateRead] = {}
        truncated = False
        for pattern in sorted(like_patterns(entry.plate_key)):
            # One more than the cap tells whether there were more.
            query = ReadQuery(
                plate_like=pattern,
                agency_id=scope.agency_id,
                captured_from=span.captured_from,
                captured_before=span.captured_before,
                limit=cap + 1,
            )
            found = self._store.reads.find(query)
            truncated = truncated or len(found) > cap
            reads.update((read.id, read) for read in found[:cap])
        index = EntryIndex([entry])
        now = self._clock.now()
        matched = [
            (read, match)
            for read in sorted(reads.values(), key=lambda read: read.captured_at, reverse=True)
            for match in index.match(read.plate_key)
        ]
        truncated = truncated or len(matched) > cap
        hits = [
            (self._hit(read, entry, hotlist, now, match), read) for read, match in matched[:cap]
        ]
        return RetroactiveMatch(entry, self._stored(hits), truncated, span.captured_from)

    def _hit(
        self,
        read: PlateRead,
        entry: HotlistEntry,
        hotlist: Hotlist,
        now: datetime,
        match: Match[Any],
    ) -> Hit:
        """The hit, tiered as at ingest."""
        one_off_alerts = match.kind is MatchKind.ONE_OFF and self._one_off_alerts(hotlist)
        tier = tier_of(match.kind, match.folds, one_off_alerts)
        return make_hit(read, entry, hotlist, now, kind=match.kind, score=match.score, tier=tier)

    def _stored(self, hits: list[tuple[Hit, PlateRead]]) -> list[RetroactiveHit]:
        """The hits as stored: a read that hit the entry before keeps its hit and its status."""
        self._store.hits.add([hit for hit, _ in hits])
        result = []
        for hit, read in hits:
            stored = self._store.hits.get(hit.id)
            result.append(RetroactiveHit(stored or hit, read))
        return result
