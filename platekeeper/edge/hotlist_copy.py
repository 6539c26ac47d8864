"""The signed copy of the hot lists the agent matches with, and the offline matching itself.

The server signs the copy with its access-log signing key (Ed25519). The agent holds that key's
public half: given at setup (``--server-public-key``, the output of ``platekeeper audit
public-key``) or pinned from the first copy it fetched, and thereafter a copy signed by any
other key is refused. The copy is kept on disk as fetched, bytes and signature, and checked
again when the agent starts, so a copy altered on the car's disk is never matched with.

A copy past its expiry matches nothing: an alert from a list hours old could send an officer
after a car recovered since. The agent says so instead, on its page and in its health report.

The agent alerts on what the server would alert on (``domain/hit_tiers.py``), by the tiers the
copy carries: an exact or look-alike match of the read or of its first alternative readings, a
one-character-off match only on a list whose one-off matches alert. A lower-tier match raises
nothing here; the server makes its hit when the read is forwarded.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from platekeeper.audit.signing import key_id_of, load_public_key, public_key_pem
from platekeeper.domain.edge import CopyEntry, HotlistCopy, copy_message, decode_copy
from platekeeper.domain.hit_tiers import reading_keys, tier_of
from platekeeper.domain.hotlists import HitTier, MatchKind
from platekeeper.domain.reads import PlateCandidate
from platekeeper.edge.queue import EdgeQueue
from platekeeper.errors import InvalidInput, PlateKeeperError
from platekeeper.hotlists.entry_index import EntryIndex, ReadingMatch

log = logging.getLogger(__name__)

_PAYLOAD, _SIGNATURE, _KEY = "copy_payload", "copy_signature", "server_public_key"


class CopyRefused(PlateKeeperError):
    """A copy that does not verify: never matched with."""


@dataclass(frozen=True, slots=True)
class OfflineMatch:
    entry: CopyEntry
    kind: str
    score: float
    reading: int = 0
    """Which reading matched: 0 the read's own text, 1 the reader's first alternative."""


def verify(payload: bytes, signature_hex: str, key: Ed25519PublicKey) -> HotlistCopy:
    """The copy in ``payload`` if ``key`` signed it; ``CopyRefused`` otherwise."""
    try:
        key.verify(bytes.fromhex(signature_hex), copy_message(payload))
        return decode_copy(payload)
    except (ValueError, InvalidSignature):
        raise CopyRefused(
            "the hot-list copy's signature does not verify with the server's key",
            hint="Check --server-public-key against 'platekeeper audit public-key' at the server.",
        ) from None
    except InvalidInput as error:
        raise CopyRefused(error.message) from None


class HotlistCopyKeeper:
    """Fetches, verifies, keeps and matches with the copy."""

    def __init__(self, queue: EdgeQueue, pinned: Ed25519PublicKey | None = None) -> None:
        self._queue = queue
        stored = queue.get(_KEY)
        self._key = pinned or (None if stored is None else load_public_key(stored, "the pin"))
        if pinned is not None:
            queue.put(_KEY, public_key_pem(pinned))
        self._copy: HotlistCopy | None = None
        self._index: EntryIndex[CopyEntry] = EntryIndex(())
        self.problem: str | None = None
        self._load()

    @property
    def copy(self) -> HotlistCopy | None:
        return self._copy

    def _load(self) -> None:
        payload, signature = self._queue.get(_PAYLOAD), self._queue.get(_SIGNATURE)
        if payload is None or signature is None or self._key is None:
            return
        try:
            self._use(verify(payload.encode("utf-8"), signature, self._key))
        except CopyRefused as refused:
            self.problem = f"the hot-list copy on disk was refused: {refused.message}"
            log.error("%s", self.problem)

    def accept(self, answer: dict[str, object]) -> HotlistCopy:
        """Take the server's answer to ``GET /api/v1/edge/hotlist-copy``: verify, keep, use."""
        payload, signature = str(answer["payload"]), str(answer["signature"])
        if self._key is None:  # trust on first use, pinned from now on
            self._key = load_public_key(str(answer["public_key_pem"]), "the server's key")
            self._queue.put(_KEY, public_key_pem(self._key))
            log.warning("pinned the server's signing key %s on first use", key_id_of(self._key))
        try:
            copy = verify(payload.encode("utf-8"), signature, self._key)
        except CopyRefused as refused:
            self.problem = f"a hot-list copy from the server was refused: {refused.message}"
            raise
        self._queue.put_all({_PAYLOAD: payload, _SIGNATURE: signature})
        self._use(copy)
        self.problem = None
        return copy

    def _use(self, copy: HotlistCopy) -> None:
        self._index = EntryIndex(copy.entries)
        self._copy = copy

    def warning(self, now: datetime) -> str | None:
        """What the page and the health report must say about the copy, or None if it is good."""
        if self.problem is not None:
            return self.problem
        if self._copy is None:
            return "no hot-list copy yet: no offline alerts until the server is reached"
        if self._copy.expired(now):
            return (
                f"the hot-list copy expired at {self._copy.expires_at:%Y-%m-%d %H:%M} UTC: "
                "no offline alerts until the server is reached"
            )
        return None

    def match(
        self, plate_key: str, now: datetime, candidates: Sequence[PlateCandidate] = ()
    ) -> list[OfflineMatch]:
        """The entries a read of ``plate_key`` with the reader's alternative readings
        ``candidates`` matches in a way that alerts, if the copy is good now; none otherwise."""
        copy = self._copy
        if copy is None or copy.expired(now) or self.problem is not None:
            return []
        readings = reading_keys(plate_key, candidates, copy.alert_candidates)
        return [
            _offline(found)
            for found in self._index.match_readings(readings)
            if _active(found.match.entry, now) and _alerts(found, copy)
        ]


def _active(entry: CopyEntry, now: datetime) -> bool:
    return entry.expires_at is None or now < entry.expires_at


def _alerts(found: ReadingMatch[CopyEntry], copy: HotlistCopy) -> bool:
    """Whether the server would alert on this match, by the tiers the copy carries."""
    match = found.match
    one_off_alerts = (
        match.kind is MatchKind.ONE_OFF and match.entry.list_id in copy.one_off_alert_lists
    )
    return tier_of(match.kind, match.folds, one_off_alerts) is HitTier.ALERT


def _offline(found: ReadingMatch[CopyEntry]) -> OfflineMatch:
    match = found.match
    return OfflineMatch(match.entry, match.kind.value, match.score, found.reading)
