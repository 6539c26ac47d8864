"""Matching reads against the hot lists: at ingest, and retroactively over stored reads.

At ingest (``HotlistMatcher.reads_stored``, an ingest listener) each new read is matched
against an in-memory ``EntryIndex`` of the active entries, misread-aware. Each match becomes a
``Hit``, stored (one per read and entry) and published as an ``Alert``. No hit is actionable
when made: every one waits, pending, for a person to compare characters and state with the
image and to check the entry at its source. The hit says how it matched and whether the states
agree, so that a confusable or one-off match, or a plate of another state, shows as such.

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
from platekeeper.domain.hotlists import Alert, AlertSink, Hotlist, forbidden_list
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.hotlists.entry_index import EntryIndex, Match
from platekeeper.hotlists.hits import Retroactive, RetroactiveMatch, make_hit
from platekeeper.store import Store
from platekeeper.store.protocols import ActiveEntry

log = logging.getLogger(__name__)


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
    ) -> None:
        self._store = store
        self._alerts = alerts
        self._clock = clock
        self._rebuilding = threading.Lock()
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._rebuild: threading.Thread | None = None
        self._held: list[PlateRead] = []
        self._retroactive = Retroactive(store, access_log, clock, settings)
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

    def _match(self, reads: Sequence[PlateRead], index: EntryIndex[ActiveEntry]) -> None:
        now = self._clock.now()
        matched = [
            (read, match)
            for read in reads
            for match in index.match(read.plate_key)
            if match.entry.expires_at is None or now < match.entry.expires_at
        ]
        if not matched:
            return
        alerts = self._alerts_for(matched, now)
        stored = {hit.id for hit in self._store.hits.add([alert.hit for alert in alerts])}
        new = [alert for alert in alerts if alert.hit.id in stored]
        log.info("%d reads made %d new hits", len(reads), len(new))
        if new:
            self._alerts.publish(new)

    def _alerts_for(
        self, matched: Sequence[tuple[PlateRead, Match[ActiveEntry]]], now: datetime
    ) -> list[Alert]:
        lists: dict[str, Hotlist | None] = {}
        agencies = self._camera_scopes({read.camera_id for read, _ in matched})
        alerts = []
        for read, match in matched:
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
            hit = make_hit(read, entry, hotlist, now, kind=match.kind, score=match.score)
            alerts.append(Alert(hit, read, entry, hotlist))
        return alerts

    def _camera_scopes(self, camera_ids: set[str]) -> dict[str, AgencyScope]:
        """The scope of each known camera: its agency's records."""
        cameras = (self._store.cameras.get(camera_id) for camera_id in camera_ids)
        return {camera.id: AgencyScope.of(camera) for camera in cameras if camera is not None}

    def match_stored(self, who: Person, basis: Basis, entry_id: str) -> RetroactiveMatch:
        """Hits of the stored reads of ``who``'s agency on one entry; purpose-bound and logged.

        See ``hotlists.hits.retroactive``."""
        return self._retroactive.match(who, basis, entry_id)
