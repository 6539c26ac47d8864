"""Matching reads against the hot lists: at ingest, and retroactively over stored reads.

At ingest (``HotlistMatcher.reads_stored``, an ingest listener) each new read, and each of
its first alternative readings, is matched against an in-memory ``EntryIndex`` of the active
entries, misread-aware. Each match becomes a ``Hit``, stored (one per read and entry) with its
tier (``domain/hit_tiers.py``): an alerting hit is published as an ``Alert``; a lower-tier hit
(one character off on a list that does not alert on those) is stored only. No hit is
actionable when made: an alerting one waits, pending, for a person to compare characters and
state with the image and to check the entry at its source. The hit says how it matched, on
which reading, and whether the states agree.

The index is rebuilt when the entries' version moves (one cheap query per batch) or when
``reload`` is called. A rebuild of a million entries takes seconds, and ingest must not stop for
it: while a rebuild runs in the background, reads are matched against the index as it was and
kept; once the new index is in place they are matched again, so a plate entered a moment
before its car passed still alerts, a little later. Hits are one per read and entry, so the
second pass adds only what the first could not see.

A read matches only its own agency's lists: another agency's hot list is not for its cameras
(sharing between agencies has rules of its own).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from platekeeper.config import AccessSettings
from platekeeper.domain import PlateRead
from platekeeper.domain.access import AccessSink
from platekeeper.domain.gate import Basis, Person
from platekeeper.domain.hit_tiers import TierRules, reading_keys, tier_of
from platekeeper.domain.hotlists import (
    Alert,
    AlertSink,
    HitTier,
    Hotlist,
    MatchKind,
    OneOffPolicy,
    forbidden_list,
)
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.hotlists.chance import HitChance, ListChance, hit_chance
from platekeeper.hotlists.entry_index import EntryIndex, Match, ReadingMatch
from platekeeper.hotlists.hits import Retroactive, RetroactiveMatch, make_hit
from platekeeper.store import Store
from platekeeper.store.protocols import ActiveEntry

log = logging.getLogger(__name__)
DEFAULT_TIERS = TierRules()


@dataclass(frozen=True, slots=True)
class _Snapshot:
    version: int
    index: EntryIndex[ActiveEntry]


class HotlistMatcher:
    """Matches new reads (an ingest ``ReadsStored`` listener) and stored reads (retroactively)."""

    def __init__(
        self,
        store: Store,
        alerts: AlertSink,
        clock: Clock,
        access_log: AccessSink,
        settings: AccessSettings,
        *,
        tiers: TierRules = DEFAULT_TIERS,
    ) -> None:
        self._store = store
        self._tiers = tiers
        self._chances: dict[tuple[int, str], HitChance] = {}
        self._alerts = alerts
        self._clock = clock
        self._rebuilding = threading.Lock()
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._rebuild: threading.Thread | None = None
        self._held: list[PlateRead] = []
        # Retroactive hits are tiered as live ones: a list set to ``auto`` by its chance here.
        self._retroactive = Retroactive(
            store, access_log, clock, settings, one_off_alerts=self.one_off_alerts
        )
        # A list the applicable law forbids (its category, or its name under another) never
        # matches: its entries raise no hit and no alert (R20).
        self._forbidden = settings.catalogue().forbidden

    def reload(self) -> None:
        """Rebuild the index now and wait for it, e.g. right after a change to the entries."""
        with self._rebuilding:
            self._snapshot = self._build()

    def settle(self, timeout_s: float = 60.0) -> None:
        """Wait for a background rebuild, and its second pass over the reads it held, to end."""
        with self._lock:
            rebuild = self._rebuild
        if rebuild is not None:
            rebuild.join(timeout_s)

    def index(self) -> EntryIndex[ActiveEntry]:
        """The index matched with now; built first if there is none yet."""
        return self._first().index

    def _first(self) -> _Snapshot:
        """The snapshot to match with; the very first is built here, as there is nothing else."""
        snapshot = self._snapshot
        if snapshot is None:
            with self._rebuilding:
                if self._snapshot is None:
                    self._snapshot = self._build()
                snapshot = self._snapshot
        return snapshot

    def _hold_if_stale(self, snapshot: _Snapshot, reads: Sequence[PlateRead]) -> None:
        """Keep ``reads`` for a second pass if the entries moved past ``snapshot``, and make
        sure a rebuild is on its way. Holding and starting happen under one lock, so the
        rebuild cannot finish between them and miss the reads."""
        if snapshot.version >= self._store.hotlist_entries.version():
            return
        with self._lock:
            self._held.extend(reads)
            if self._rebuild is None:
                self._rebuild = threading.Thread(
                    target=self._rebuild_in_background, name="hotlist-index", daemon=True
                )
                self._rebuild.start()

    def _rebuild_in_background(self) -> None:
        """Build until the index is current, then match the reads held meanwhile. The thread
        counts as running (``_rebuild``) until nothing is held, so no read is left behind."""
        snapshot: _Snapshot | None = None
        while True:
            if snapshot is None or snapshot.version < self._store.hotlist_entries.version():
                try:
                    with self._rebuilding:
                        self._snapshot = snapshot = self._build()
                except Exception:
                    log.exception("rebuilding the hot-list index failed; the next batch retries")
                    with self._lock:
                        self._rebuild = None  # the held reads wait for the next rebuild
                    return
                continue
            with self._lock:
                held, self._held = self._held, []
                if not held:
                    self._rebuild = None
                    return
            try:
                self._match(held, snapshot.index)
            except Exception:  # the reads are stored; losing their second pass is logged
                log.exception("matching %d reads held during a rebuild failed", len(held))

    def _build(self) -> _Snapshot:
        # The version first: a change landing between the two queries moves it again, and the
        # next batch rebuilds.
        version = self._store.hotlist_entries.version()
        index = EntryIndex(self._store.hotlist_entries.active(self._clock.now()))
        log.info("hot-list index rebuilt: %d active entries, version %d", len(index), version)
        return _Snapshot(version, index)

    def reads_stored(self, reads: Sequence[PlateRead]) -> None:
        snapshot = self._first()
        self._hold_if_stale(snapshot, reads)
        self._match(reads, snapshot.index)

    def chance(self, list_id: str) -> HitChance:
        """The chance per read of a random read matching the list, by tier, against the index
        matched with now (estimated once per index and list: ``hotlists.chance``)."""
        snapshot = self._first()
        key = (snapshot.version, list_id)
        found = self._chances.get(key)
        if found is None:
            index = snapshot.index
            listed = [entry.plate_key for entry in index.entries() if entry.list_id == list_id]
            found = hit_chance(index, listed, lambda entry: entry.list_id == list_id)
            self._chances = {k: v for k, v in self._chances.items() if k[0] == snapshot.version}
            self._chances[key] = found
        return found

    def list_chance(self, hotlist: Hotlist) -> ListChance:
        """The chance per read of a random read alerting on ``hotlist``, or making a lower-tier
        hit on it, with its setting as it stands."""
        return ListChance(self.chance(hotlist.id), self.one_off_alerts(hotlist))

    def one_off_alerts(self, hotlist: Hotlist) -> bool:
        """Whether a one-off match on ``hotlist`` alerts now (its setting, or its size)."""
        if hotlist.one_off is not OneOffPolicy.AUTO:
            return self._tiers.one_off_alerts(hotlist.one_off, 0.0)
        return self._tiers.one_off_alerts(hotlist.one_off, self.chance(hotlist.id).one_off)

    def _match(self, reads: Sequence[PlateRead], index: EntryIndex[ActiveEntry]) -> None:
        now = self._clock.now()
        candidates = self._tiers.candidates
        matched = [
            (read, found)
            for read in reads
            for found in index.match_readings(
                reading_keys(read.plate_key, read.candidates, candidates)
            )
            if found.match.entry.expires_at is None or now < found.match.entry.expires_at
        ]
        if not matched:
            return
        alerts = self._alerts_for(matched, now)
        stored = {hit.id for hit in self._store.hits.add([alert.hit for alert in alerts])}
        new = [alert for alert in alerts if alert.hit.id in stored]
        alerting = [alert for alert in new if alert.hit.tier is HitTier.ALERT]
        log.info(
            "%d reads made %d new hits, %d of them alerting", len(reads), len(new), len(alerting)
        )
        if alerting:
            self._alerts.publish(alerting)

    def _alerts_for(
        self, matched: Sequence[tuple[PlateRead, ReadingMatch[ActiveEntry]]], now: datetime
    ) -> list[Alert]:
        lists: dict[str, Hotlist | None] = {}
        agencies = self._camera_scopes({read.camera_id for read, _ in matched})
        alerts = []
        for read, found in matched:
            match = found.match
            # The full entry and list, for the person judging the alert; read now, not from the
            # index, so that a list refreshed since the index was built is not shown stale.
            entry = self._store.hotlist_entries.get(match.entry.id)
            list_id = match.entry.list_id
            if list_id not in lists:
                lists[list_id] = self._store.hotlists.get(list_id)
            hotlist = lists[list_id]
            if entry is None or hotlist is None or not entry.active_at(now):
                continue  # removed or expired since the index was built
            if forbidden_list(hotlist, self._forbidden) is not None:
                continue
            # A read matches its own agency's lists only; a read of no known camera, none.
            scope = agencies.get(read.camera_id)
            if scope is None or not scope.admits(hotlist.agency_id):
                continue
            tier = self._tier(match, hotlist)
            hit = make_hit(
                read,
                entry,
                hotlist,
                now,
                kind=match.kind,
                score=match.score,
                tier=tier,
                reading=found.reading,
            )
            alerts.append(Alert(hit, read, entry, hotlist))
        return alerts

    def _tier(self, match: Match[ActiveEntry], hotlist: Hotlist) -> HitTier:
        one_off_alerts = match.kind is MatchKind.ONE_OFF and self.one_off_alerts(hotlist)
        return tier_of(match.kind, match.folds, one_off_alerts)

    def _camera_scopes(self, camera_ids: set[str]) -> dict[str, AgencyScope]:
        """The scope of each known camera: its agency's records."""
        cameras = (self._store.cameras.get(camera_id) for camera_id in camera_ids)
        return {camera.id: AgencyScope.of(camera) for camera in cameras if camera is not None}

    def match_stored(self, who: Person, basis: Basis, entry_id: str) -> RetroactiveMatch:
        """Hits of the stored reads of ``who``'s agency on one entry; purpose-bound and logged.

        See ``hotlists.hits.retroactive``."""
        return self._retroactive.match(who, basis, entry_id)
