"""The access log service: records accesses, signs checkpoints, verifies, purges, finds signals.

Every access to ALPR data, allowed or denied, goes through ``AccessLog.record``; the repository
chains and stores it in one transaction. Plate text is never logged above DEBUG.

What a person reads of the log (``entries``, ``records_at``, ``signals``) is scoped to their
agency (``domain.scope.AgencyScope``) and shown as auditors see it (``audit.redaction.
for_auditors``): no plate, and read ids and image references as the agency's pseudonyms. The
chain, its checkpoints and its verification work on the stored values, untouched.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from platekeeper.audit.export import export_lines
from platekeeper.audit.pruning import statement_for
from platekeeper.audit.pseudonyms import PSEUDONYM_LABEL, Pseudonyms
from platekeeper.audit.redaction import for_auditors
from platekeeper.audit.signals import MisuseSignal, find_signals
from platekeeper.audit.signing import CheckpointSigner, key_id_of, load_or_create_signer
from platekeeper.audit.verify import VerificationReport, verify_log, verify_segment
from platekeeper.config import AuditSettings, Settings
from platekeeper.domain.access import (
    GENESIS_HASH,
    AccessEvent,
    AccessOutcome,
    AccessRecord,
    Actor,
    ChainPoint,
    Checkpoint,
)
from platekeeper.domain.permissions import Permission
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict
from platekeeper.store import Store
from platekeeper.store.protocols import (
    AccessFilter,
    AccessLogRepository,
    AgencyRepository,
    PurgeRange,
)

SCAN_BATCH = 5000
"""Entries read per query when walking the log: memory stays flat over millions."""

SIGNALS_DAYS = 90
"""How far back signals look unless told."""

CLOCK_SKEW = timedelta(minutes=5)
"""How far apart the clocks of the servers writing the log may be: an entry is numbered when it
is written, but timed by its own server's clock, so entries a little out of time order lie
that far either side of a time."""

logger = logging.getLogger(__name__)


class AccessLog:
    """The ``AccessSink`` of PlateKeeper, and what auditors use to check it."""

    def __init__(
        self,
        repository: AccessLogRepository,
        signer: CheckpointSigner,
        clock: Clock,
        settings: AuditSettings,
        agencies: AgencyRepository | None = None,
    ) -> None:
        self._repository = repository
        self._agencies = agencies
        self._signer = signer
        self._clock = clock
        self._settings = settings
        self._listeners: list[Callable[[AccessRecord], None]] = []
        self._pseudonyms = Pseudonyms(signer.derived_secret(PSEUDONYM_LABEL))

    @property
    def signer(self) -> CheckpointSigner:
        return self._signer

    def record(self, event: AccessEvent) -> AccessRecord:
        record = self._repository.append(event)
        logger.info(
            "access log entry %d: %s %s by %s",
            record.seq,
            event.action,
            event.outcome.value,
            event.actor.username,
        )
        logger.debug("access log entry %d query %s", record.seq, dict(event.query))
        for listener in self._listeners:
            try:
                listener(record)
            except Exception:  # the entry is in; a listener's trouble must not undo the access
                logger.exception("access log listener failed on entry %d", record.seq)
        return record

    def watch(self, listener: Callable[[AccessRecord], None]) -> None:
        """Call ``listener`` after every entry this process records (the checkpointer counts)."""
        self._listeners.append(listener)

    def entries(self, query: AccessFilter) -> list[AccessRecord]:
        """The stored entries matching ``query``, for the server's own use (the CLI, tests);
        what a person reads goes through ``entries_for``."""
        return self._repository.find(query)

    def entries_for(self, scope: AgencyScope, query: AccessFilter) -> list[AccessRecord]:
        """The entries of ``scope`` matching ``query``, newest first, as ``shown``. The scope's
        agency replaces any the filter names: the store is always asked for one agency."""
        found = self._repository.find(dataclasses.replace(query, agency_id=scope.agency_id))
        return self.shown(scope, found)

    def shown(self, scope: AgencyScope, records: Iterable[AccessRecord]) -> list[AccessRecord]:
        """``records`` of ``scope`` as a person is shown them (``redaction.for_auditors``);
        others are left out. The hashes are the stored entries': these events no longer match
        them, and are for showing only."""
        return [
            dataclasses.replace(
                record, event=for_auditors(record.event, scope.agency_id, self._pseudonyms)
            )
            for record in scope.keep(records, _agency_of)
        ]

    def read_pseudonym(self, scope: AgencyScope, read_id: str) -> str:
        """The pseudonym of ``read_id`` that ``scope``'s auditors see in the log (``shown``),
        for other records shown to them beside it."""
        return self._pseudonyms.of_read(scope.agency_id, read_id.lower())

    def record_reading(
        self,
        actor: Actor,
        what: str,
        query: Mapping[str, str],
        client_address: str | None = None,
    ) -> AccessRecord:
        """Log that ``actor`` read the log itself (``audit:read``): reading it is an access too."""
        return self.record(
            AccessEvent(
                at=self._clock.now(),
                actor=actor,
                action=Permission.AUDIT_READ.value,
                outcome=AccessOutcome.ALLOWED,
                reason=what,
                query=query,
                client_address=client_address,
            )
        )

    def records_at(self, seqs: Iterable[int]) -> list[AccessRecord]:
        """The entries numbered ``seqs`` that are still in the log, in the order asked."""
        return [
            record
            for seq in seqs
            for record in self._repository.scan(seq - 1, 1)
            if record.seq == seq
        ]

    def records_for(self, scope: AgencyScope, seqs: Iterable[int]) -> list[AccessRecord]:
        """``records_at`` of ``scope`` only, as ``shown``: the entries behind a signal."""
        return self.shown(scope, self.records_at(seqs))

    def checkpoint(self) -> Checkpoint | None:
        """Sign the head if it moved since the last checkpoint; None if there was nothing new.

        The entries since the last checkpoint are checked first: a damaged chain is never
        signed (``Conflict``), so a checkpoint cannot vouch for a change made before it.
        """
        last = self._repository.last_checkpoint()
        head = self._repository.head()
        if head is None or (
            last is not None and last.seq == head.seq and last.key_id == self._signer.key_id
        ):
            return None
        if last is not None and head.seq < last.seq:
            raise Conflict(
                f"the access log ends at entry {head.seq}, before the last checkpoint "
                f"(entry {last.seq})",
                hint="Entries were removed; run 'platekeeper audit verify'. Nothing was signed.",
            )
        start = last.point if last is not None else ChainPoint(0, GENESIS_HASH)
        signed_up_to, problem = verify_segment(self._records(after=start.seq), start)
        if problem is not None:
            raise Conflict(
                f"the access log is damaged: {problem.message}",
                hint="Run 'platekeeper audit verify'. Nothing was signed.",
            )
        if signed_up_to.seq == 0 or (
            last is not None and signed_up_to == last.point and last.key_id == self._signer.key_id
        ):
            return None
        checkpoint = self._signer.sign(signed_up_to.seq, signed_up_to.entry_hash, self._clock.now())
        if not self._repository.add_checkpoint(checkpoint):
            return None  # another process signed this head, or a later one, meanwhile
        logger.info("access log checkpoint signed at entry %d", checkpoint.seq)
        return checkpoint

    def verify(
        self,
        extra_checkpoints: Iterable[Checkpoint] = (),
        public_keys: Iterable[Ed25519PublicKey] = (),
    ) -> VerificationReport:
        """Check the whole log, its checkpoints, its purge events and ``extra_checkpoints``
        (held outside, e.g. an earlier export).

        With ``public_keys`` only those keys are trusted: an auditor passes the key they hold,
        so that a key swapped on the server, and checkpoints re-signed with it, show. Without,
        the server's own key is trusted.
        """
        given = list(public_keys)
        keys = {key_id_of(key): key for key in given} or {
            self._signer.key_id: self._signer.public_key
        }
        return verify_log(
            self._records(after=0),
            stored=self._repository.checkpoints(),
            external=list(extra_checkpoints),
            keys=keys,
        )

    def export_checkpoints(self) -> str:
        """The public key and every checkpoint, as JSON Lines (``platekeeper.audit.export``)."""
        return export_lines(self._signer.public_key, self._repository.checkpoints())

    def purge(self, *, dry_run: bool = False) -> int:
        """Remove the oldest entries, every one older than ``retention_days`` before ``now``, up
        to the last entry a checkpoint signed before that cutoff vouches for, leaving a signed
        purge event in their place (``platekeeper.audit.pruning``). Retention is counted from
        the clock, never from a time a caller names.

        Refuses (``Conflict``) when the log does not verify: purging would destroy evidence.
        """
        now = self._clock.now()
        report = self.verify()
        if report.first_problem is not None:
            raise Conflict(
                f"the access log does not verify, so nothing is purged: "
                f"{report.first_problem.message}",
                hint="Run 'platekeeper audit verify' and investigate first.",
            )
        retention_days = self._settings.retention_days
        # Whole seconds: the database's own check of the cutoff reads it at that grain.
        cutoff = (now - timedelta(days=retention_days)).replace(microsecond=0)

        def event_for(purge: PurgeRange) -> AccessEvent:
            if purge.newest_at >= cutoff:  # the store's query says otherwise; trust neither
                raise Conflict(
                    f"entry {purge.last_seq} or one before it is not older than {cutoff}",
                    hint="Nothing was purged; run 'platekeeper audit verify'.",
                )
            statement = statement_for(purge, now, cutoff, retention_days)
            return statement.signed_by(self._signer).event()

        removed = self._repository.purge_before(cutoff, event_for, dry_run=dry_run)
        if removed and not dry_run:
            logger.info("access log purge removed %d entries older than %s", removed, cutoff)
            self.checkpoint()
        return removed

    def signals(
        self, scope: AgencyScope, since: datetime | None = None, now: datetime | None = None
    ) -> list[MisuseSignal]:
        """Misuse signals among the accesses of ``scope`` since ``since`` (``SIGNALS_DAYS`` ago
        by default): one agency's signals are made of its own entries only."""
        now = now or self._clock.now()
        start = since or now - timedelta(days=SIGNALS_DAYS)
        records = (
            r for r in entries_between(self._repository, start) if scope.admits(_agency_of(r))
        )
        return find_signals(records, self._settings, now, self._zones())

    def _zones(self) -> dict[str, str]:
        """Each agency's time zone, for the hours of its people's accesses."""
        agencies = [] if self._agencies is None else self._agencies.list()
        return {agency.id: agency.time_zone for agency in agencies}

    def _records(self, after: int) -> Iterator[AccessRecord]:
        while batch := self._repository.scan(after, SCAN_BATCH):
            yield from batch
            after = batch[-1].seq


class StoredEntries(Protocol):
    """What walking a stretch of the log needs of its store (``AccessLogRepository``)."""

    def scan(self, after_seq: int, limit: int) -> list[AccessRecord]: ...

    def find(self, query: AccessFilter) -> list[AccessRecord]: ...


def entries_between(
    repository: StoredEntries, start: datetime, end: datetime | None = None
) -> Iterator[AccessRecord]:
    """The entries timed from ``start`` up to ``end`` (open without), in stored order.

    The walk starts at the last entry written ``CLOCK_SKEW`` before ``start`` (by the index on
    the entries' times) and stops at the first one ``CLOCK_SKEW`` past ``end``: the signals of
    the last ninety days, or a month's report, read that stretch of a log of millions, not the
    log from its first entry."""
    before = repository.find(AccessFilter(at_before=start - CLOCK_SKEW, limit=1))
    after = before[0].seq if before else 0
    while batch := repository.scan(after, SCAN_BATCH):
        for record in batch:
            at = record.event.at
            if end is not None and at >= end + CLOCK_SKEW:
                return
            if at >= start and (end is None or at < end):
                yield record
        after = batch[-1].seq


def _agency_of(record: AccessRecord) -> str:
    return record.event.actor.agency_id


def open_access_log(store: Store, settings: Settings, clock: Clock) -> AccessLog:
    """The access log on ``store``, signing with the key at ``settings.signing_key_path`` (made
    on first use)."""
    signer = load_or_create_signer(settings.signing_key_path)
    return AccessLog(store.access_log, signer, clock, settings.audit, store.agencies)
