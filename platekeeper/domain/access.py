"""The record of one access to ALPR data, and the hash chain that makes the log tamper-evident.

Civil Code 1798.90.52 requires, for every access: the date and time, the data queried (plate or
other query elements), the username and organisation, and the purpose. Each ``AccessRecord``
carries those, what was returned, and the outcome, allowed or denied. Records are chained: each
holds the hash of the one before, so changing, removing, inserting or reordering an entry breaks
the chain at that entry.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Protocol

from platekeeper.domain.time import require_utc, to_epoch_us

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first entry ever written."""


class AccessOutcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made an access: a person's username and agency, or a service.

    ``signed_in_with`` is how the person proved who they are for this access (CJIS AU-3): the
    session's method (``password``, ``password+totp``, ``oidc``, ...), ``api-token``,
    ``console+...`` or ``camera-key``; None for the system and the host's own jobs, and in
    entries written before the log recorded it. It rides on the actor so that every entry a
    service writes for the person carries it without any service passing it on; it is not part
    of who the actor is, so two actors of one person compare equal however each signed in (the
    rules that two people must differ compare actors).
    """

    username: str
    agency_id: str
    signed_in_with: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class AccessEvent:
    """One access, as it happened, before it takes its place in the chain.

    ``action`` is the permission exercised (``reads:search``) or an account event
    (``auth:login``). ``query`` holds the query elements as strings: plate, pattern, time range,
    area, camera. ``read_ids`` and ``image_refs`` are what the access returned.
    """

    at: datetime
    actor: Actor
    action: str
    outcome: AccessOutcome
    reason: str
    query: Mapping[str, str] = field(default_factory=dict)
    read_ids: tuple[str, ...] = ()
    image_refs: tuple[str, ...] = ()
    purpose_code: str | None = None
    case_number: str | None = None
    client_address: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", require_utc(self.at, "at"))
        query = {_storable(key): _storable(value) for key, value in self.query.items()}
        object.__setattr__(self, "query", MappingProxyType(query))
        # What a person typed is recorded as typed, but some text no database keeps and no
        # encoder hashes: NUL and lone surrogates become U+FFFD, so a refusal is still logged.
        for name in ("reason", "purpose_code", "case_number"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _storable(value))


def _storable(text: str) -> str:
    if text.isprintable():  # neither NUL nor a surrogate is printable: the common case is done
        return text
    return "".join("\ufffd" if ch == "\x00" or "\ud800" <= ch <= "\udfff" else ch for ch in text)


@dataclass(frozen=True, slots=True)
class AccessRecord:
    """An event in its place: its sequence number, the previous entry's hash and its own."""

    seq: int
    event: AccessEvent
    prev_hash: str
    entry_hash: str

    @property
    def intact(self) -> bool:
        """Whether the stored hash is the hash of this content at this position."""
        return entry_hash(self.seq, self.event, self.prev_hash) == self.entry_hash


class AccessSink(Protocol):
    """Where access events go: the access log, which chains and keeps them."""

    def record(self, event: AccessEvent) -> AccessRecord: ...


def seal(seq: int, event: AccessEvent, prev_hash: str) -> AccessRecord:
    """``event`` as entry ``seq`` following the entry whose hash is ``prev_hash``."""
    return AccessRecord(seq, event, prev_hash, entry_hash(seq, event, prev_hash))


def event_document(event: AccessEvent) -> dict[str, Any]:
    """The event's part of an entry's hashed document (``entry_hash``), as JSON values: the
    names and values anyone outside recomputes the hash from, and an export shows."""
    document: dict[str, Any] = {
        "at": event.at.isoformat(timespec="microseconds"),
        "username": event.actor.username,
        "agency_id": event.actor.agency_id,
        "action": event.action,
        "outcome": event.outcome.value,
        "reason": event.reason,
        "query": dict(event.query),
        "read_ids": list(event.read_ids),
        "image_refs": list(event.image_refs),
        "purpose_code": event.purpose_code,
        "case_number": event.case_number,
        "client_address": event.client_address,
    }
    if event.actor.signed_in_with is not None:  # absent, not null: see ``entry_hash``
        document["signed_in_with"] = event.actor.signed_in_with
    return document


def canonical_json(document: Mapping[str, Any]) -> bytes:
    """``document`` in the encoding ``entry_hash`` describes, as UTF-8: the definition, which
    a faster encoder must match byte for byte (``audit.encoding``)."""
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return encoded.encode("utf-8")


def entry_hash(
    seq: int,
    event: AccessEvent,
    prev_hash: str,
    encode: Callable[[Mapping[str, Any]], bytes] = canonical_json,
) -> str:
    """SHA-256 of the entry's canonical JSON: sorted keys, UTF-8, times in ISO 8601 with µs.

    The encoding is part of the log's format: anyone holding an export can recompute it. In
    full: one JSON object with the keys ``action agency_id at case_number client_address
    image_refs outcome prev_hash purpose_code query read_ids reason seq username`` sorted by code
    point (inside ``query`` too), no whitespace (``,`` and ``:``), non-ASCII characters as raw
    UTF-8, ``at`` as ``2026-11-28T12:00:00.000000+00:00``, absent values as ``null``; the hash is
    written as 64 lower-case hex digits. ``seq`` is inside the hash, so an entry moved to another
    position no longer matches, and verification can tell where it was written.

    One key is there only when it has a value: ``signed_in_with`` (how the actor signed in),
    which the log records since migration 0029. An entry without it (written before, or by the
    system) hashes exactly as it always did, so older entries still verify; an entry with it
    has fifteen keys, and changing, adding or removing the value breaks its hash.
    """
    document = {"seq": seq, "prev_hash": prev_hash, **event_document(event)}
    return hashlib.sha256(encode(document)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainPoint:
    """One position in the chain: an entry's sequence number and hash.

    The head of the log is one; so is the anchor, the last entry removed by retention, from which
    verification starts once older entries are gone.
    """

    seq: int
    entry_hash: str


CHECKPOINT_DOMAIN = b"platekeeper-access-log-checkpoint-v1"
"""Prefix of every signed checkpoint message, so that the key's signature over a checkpoint can
never be taken for its signature over anything else."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement: "entry ``seq`` of the access log had hash ``entry_hash``".

    ``signature`` is the hex Ed25519 signature of ``checkpoint_message`` by the key whose id is
    ``key_id`` (the first 16 hex digits of SHA-256 of the raw 32-byte public key).
    """

    seq: int
    entry_hash: str
    signed_at: datetime
    key_id: str
    signature: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "signed_at", require_utc(self.signed_at, "signed_at"))

    @property
    def point(self) -> ChainPoint:
        return ChainPoint(self.seq, self.entry_hash)

    @property
    def message(self) -> bytes:
        return checkpoint_message(self.seq, self.entry_hash, self.signed_at)


def checkpoint_message(seq: int, entry_hash_hex: str, signed_at: datetime) -> bytes:
    """The bytes a checkpoint's signature covers, 85 in all::

    b"platekeeper-access-log-checkpoint-v1"   36 bytes, ASCII
    0x00                                       1 byte separator
    seq                                        8 bytes, unsigned big-endian
    entry hash                                32 bytes, the SHA-256 digest (not its hex)
    signed_at                                  8 bytes, signed big-endian, µs since
                                               1970-01-01T00:00:00Z
    """
    digest = bytes.fromhex(entry_hash_hex)
    if len(digest) != 32:
        raise ValueError("an entry hash is 64 hex digits")
    return (
        CHECKPOINT_DOMAIN
        + b"\x00"
        + struct.pack(">Q", seq)
        + digest
        + struct.pack(">q", to_epoch_us(require_utc(signed_at, "signed_at")))
    )
