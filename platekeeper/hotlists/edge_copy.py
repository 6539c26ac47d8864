"""The signed copy of an agency's hot lists that an edge agent matches with while offline.

A patrol car loses its uplink for hours; it should still alert on a stolen car it passes. The
server hands each edge camera the active entries of its own agency's lists, signed, with an
expiry (``hotlists.edge_copy_valid_hours``): the agent checks both and raises no alert from a
copy past it. Left out, as the matcher at the server leaves them out of patrol's alerts: covert
lists (their alerts go to their owners only, never to a car that might approach) and lists the
applicable law forbids.

The copy carries the server's tiers too, so that the agent alerts on what the server would alert
on and on nothing else: how many of the reader's alternative readings alert, and which lists'
one-character-off matches do (a list set to ``auto`` decided by its chance, as live matching
decides it, when the copy is issued).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from platekeeper.domain import Camera
from platekeeper.domain.edge import CopyEntry, HotlistCopy, copy_message, encode_copy
from platekeeper.domain.hotlists import Hotlist, forbidden_list
from platekeeper.domain.purposes import PurposeCatalogue
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.store import Store

log = logging.getLogger(__name__)

PAGE = 5000


class Signer(Protocol):
    """The server's signing key (``audit.signing.CheckpointSigner`` is one)."""

    @property
    def key_id(self) -> str: ...

    def sign_bytes(self, message: bytes) -> str: ...


@dataclass(frozen=True, slots=True)
class SignedCopy:
    """The copy's exact JSON bytes and the server's signature over ``copy_message`` of them."""

    payload: bytes
    signature: str
    key_id: str
    entries: int


class HotlistCopies:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        signer: Signer,
        valid_for: timedelta,
        catalogue: PurposeCatalogue,
        *,
        alert_candidates: int,
        one_off_alerts: Callable[[Hotlist], bool],
    ) -> None:
        """``one_off_alerts`` is live matching's decision (``HotlistMatcher.one_off_alerts``)."""
        self._store = store
        self._alert_candidates = alert_candidates
        self._one_off_alerts = one_off_alerts
        self._clock = clock
        self._signer = signer
        self._valid_for = valid_for
        self._catalogue = catalogue
        self._forbidden = catalogue.forbidden

    def issue(self, camera: Camera) -> SignedCopy:
        now = self._clock.now()
        lists = self._lists(camera)
        entries = tuple(self._entries(lists, now))
        copy = HotlistCopy(
            camera.id,
            camera.agency_id,
            now,
            now + self._valid_for,
            entries,
            tuple(self._catalogue.purposes),
            self._catalogue.case_format,
            self._alert_candidates,
            frozenset(hotlist.id for hotlist in lists if self._one_off_alerts(hotlist)),
        )
        payload = encode_copy(copy)
        signature = self._signer.sign_bytes(copy_message(payload))
        log.info("hot-list copy of %d entries issued to camera %s", len(entries), camera.id)
        return SignedCopy(payload, signature, self._signer.key_id, len(entries))

    def _lists(self, camera: Camera) -> list[Hotlist]:
        scope = AgencyScope.of(camera)
        return [
            hotlist
            for hotlist in self._store.hotlists.list(camera.agency_id)
            if scope.admits(hotlist.agency_id)
            and not hotlist.covert
            and forbidden_list(hotlist, self._forbidden) is None
        ]

    def _entries(self, lists: Sequence[Hotlist], now: datetime) -> Iterator[CopyEntry]:
        for hotlist in lists:
            offset = 0
            while page := self._store.hotlist_entries.list(hotlist.id, PAGE, offset):
                offset += len(page)
                for entry in page:
                    if entry.active_at(now):
                        yield CopyEntry(
                            id=entry.id,
                            list_id=hotlist.id,
                            list_name=hotlist.name,
                            plate_text=entry.plate_text,
                            plate_key=entry.plate_key,
                            state=entry.state,
                            reason=entry.reason,
                            expires_at=entry.expires_at,
                        )
