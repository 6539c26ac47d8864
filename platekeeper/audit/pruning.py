"""Purge events: retention's removal of old entries, written into the chain and signed.

A purge appends one entry of action ``audit:purge`` before it deletes anything, in the same
transaction. Its query names what went and why it could go::

    first_seq, last_seq   the range removed (the log's oldest entries)
    before_hash           the hash entry first_seq was chained to
    last_hash             the hash of entry last_seq, as a checkpoint signed before the cutoff
                          has it
    newest_at             the latest time among the removed entries
    cutoff                entries older than this were past retention (whole seconds, UTC)
    retention_days        the retention the cutoff was taken from
    key_id, signature     Ed25519 over ``PurgeStatement.message``, by the checkpoint key

The signature covers the event's own sequence number and time too, so a genuine statement
copied elsewhere no longer verifies. Verification (``platekeeper.audit.verify``) accepts a log
that does not start at entry 1 only when a purge event in it, signed by a trusted key, accounts
for exactly the missing entries; without the key nobody can write one.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessRecord, Actor
from platekeeper.domain.time import require_utc, to_epoch_us
from platekeeper.store.protocols import PurgeRange

PURGE_ACTION = "audit:purge"
PURGE_ACTOR = Actor("system:access-log-retention", "-")
PURGE_DOMAIN = b"platekeeper-access-log-purge-v1"
"""Prefix of every signed purge message: the key's signature over it can never be taken for a
checkpoint's, nor the other way round."""

MIN_RETENTION_DAYS = 365
"""The shortest access-log retention a purge event may claim (the floor of
``audit.retention_days``)."""

_FIELDS = (
    "first_seq",
    "last_seq",
    "before_hash",
    "last_hash",
    "newest_at",
    "cutoff",
    "retention_days",
    "key_id",
    "signature",
)


class MessageSigner(Protocol):
    key_id: str

    def sign_bytes(self, message: bytes) -> str: ...


@dataclass(frozen=True, slots=True)
class PurgeStatement:
    """What a purge event says, and the signature that vouches for it."""

    event_seq: int
    at: datetime
    first_seq: int
    last_seq: int
    before_hash: str
    last_hash: str
    newest_at: datetime
    cutoff: datetime
    retention_days: int
    key_id: str = ""
    signature: str = ""

    @property
    def message(self) -> bytes:
        """The bytes signed: the domain, a zero byte, then big-endian event seq, first and last
        seq (8 bytes each), the two hashes (32 raw bytes each), the event time, cutoff and
        newest time (µs since 1970, 8 bytes signed each) and the retention days (4 bytes)."""
        return (
            PURGE_DOMAIN
            + b"\x00"
            + struct.pack(">QQQ", self.event_seq, self.first_seq, self.last_seq)
            + _digest(self.before_hash)
            + _digest(self.last_hash)
            + struct.pack(
                ">qqqI",
                to_epoch_us(require_utc(self.at, "at")),
                to_epoch_us(require_utc(self.cutoff, "cutoff")),
                to_epoch_us(require_utc(self.newest_at, "newest_at")),
                self.retention_days,
            )
        )

    def signed_by(self, signer: MessageSigner) -> PurgeStatement:
        unsigned = replace(self, key_id=signer.key_id, signature="")
        return replace(unsigned, signature=signer.sign_bytes(unsigned.message))

    def signature_valid(self, key: Ed25519PublicKey) -> bool:
        try:
            key.verify(bytes.fromhex(self.signature), self.message)
        except (ValueError, InvalidSignature):
            return False
        return True

    def event(self) -> AccessEvent:
        """The access-log entry that records this purge."""
        return AccessEvent(
            at=self.at,
            actor=PURGE_ACTOR,
            action=PURGE_ACTION,
            outcome=AccessOutcome.ALLOWED,
            reason=f"retention removed entries {self.first_seq}-{self.last_seq}, every one "
            f"older than {_iso(self.cutoff)} ({self.retention_days} days)",
            query={
                "first_seq": str(self.first_seq),
                "last_seq": str(self.last_seq),
                "before_hash": self.before_hash,
                "last_hash": self.last_hash,
                "newest_at": _iso(self.newest_at),
                "cutoff": _iso(self.cutoff),
                "retention_days": str(self.retention_days),
                "key_id": self.key_id,
                "signature": self.signature,
            },
        )


def statement_for(
    purge: PurgeRange, at: datetime, cutoff: datetime, retention_days: int
) -> PurgeStatement:
    return PurgeStatement(
        event_seq=purge.event_seq,
        at=at,
        first_seq=purge.first_seq,
        last_seq=purge.last_seq,
        before_hash=purge.before_hash,
        last_hash=purge.last_hash,
        newest_at=purge.newest_at,
        cutoff=cutoff,
        retention_days=retention_days,
    )


def is_purge(record: AccessRecord) -> bool:
    return record.event.action == PURGE_ACTION


def read_statement(record: AccessRecord) -> PurgeStatement | None:
    """The statement a purge event's entry carries, or None if its query is not one."""
    query = record.event.query
    if set(query) != set(_FIELDS):
        return None
    try:
        statement = PurgeStatement(
            event_seq=record.seq,
            at=record.event.at,
            first_seq=int(query["first_seq"]),
            last_seq=int(query["last_seq"]),
            before_hash=query["before_hash"],
            last_hash=query["last_hash"],
            newest_at=datetime.fromisoformat(query["newest_at"]),
            cutoff=datetime.fromisoformat(query["cutoff"]),
            retention_days=int(query["retention_days"]),
            key_id=query["key_id"],
            signature=query["signature"],
        )
        statement.message  # noqa: B018 - raises when a hash or time cannot be encoded
    except (ValueError, struct.error):
        return None
    return statement


def retention_fault(statement: PurgeStatement) -> str | None:
    """Why the statement's range was not past retention when it was removed, or None."""
    if statement.retention_days < MIN_RETENTION_DAYS:
        return (
            f"it claims a retention of {statement.retention_days} days, under the "
            f"{MIN_RETENTION_DAYS}-day floor"
        )
    if statement.cutoff > statement.at - timedelta(days=statement.retention_days):
        return (
            f"its cutoff {_iso(statement.cutoff)} is less than {statement.retention_days} days "
            f"before the purge ({_iso(statement.at)})"
        )
    if statement.newest_at >= statement.cutoff:
        return (
            f"it removed an entry of {_iso(statement.newest_at)}, not older than its cutoff "
            f"{_iso(statement.cutoff)}"
        )
    return None


def _digest(hex_hash: str) -> bytes:
    digest = bytes.fromhex(hex_hash)
    if len(digest) != 32:
        raise ValueError("a hash is 64 hex digits")
    return digest


def _iso(instant: datetime) -> str:
    return instant.isoformat(timespec="microseconds").replace("+00:00", "Z")
