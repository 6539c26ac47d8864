"""Hits as matching makes them: pending, with how they matched, the states and staleness."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from platekeeper.domain import PlateRead
from platekeeper.domain.hotlists import Hit, HitTier, Hotlist, MatchKind, state_agreement

_HIT_NAMESPACE = uuid.UUID("6f1d3c52-8a4e-4b7f-9c2e-5d0a1b3e7f91")


class MatchedEntry(Protocol):
    """What a hit needs of the entry matched: a ``HotlistEntry`` or the store's ``ActiveEntry``."""

    @property
    def id(self) -> str: ...
    @property
    def list_id(self) -> str: ...
    @property
    def state(self) -> str | None: ...


def hit_id_for(read_id: str, entry_id: str) -> str:
    """The id of the hit of ``read_id`` on ``entry_id``: the same pair always gets the same id,
    so that matching a read again (a retry, a retroactive match) finds its hit."""
    return str(uuid.uuid5(_HIT_NAMESPACE, f"{read_id}\x1f{entry_id}"))


def make_hit(
    read: PlateRead,
    entry: MatchedEntry,
    hotlist: Hotlist,
    now: datetime,
    *,
    kind: MatchKind,
    score: float,
    tier: HitTier = HitTier.ALERT,
    reading: int = 0,
) -> Hit:
    """The pending hit of ``read`` on ``entry``. It records whether the read's state agrees with
    the entry's and whether the list was stale at ``now``; it is never actionable as made."""
    return Hit(
        id=hit_id_for(read.id, entry.id),
        read_id=read.id,
        entry_id=entry.id,
        list_id=entry.list_id,
        match_kind=kind,
        score=score,
        state_agreement=state_agreement(read.region, entry.state),
        stale=hotlist.stale_at(now),
        created_at=now,
        tier=tier,
        reading=reading,
    )
