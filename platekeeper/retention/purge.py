"""The purge: applies a ``PurgePlan`` a whole day and then bounded batches at a time, and writes
the ledger entry.

Each capture day wholly past the non-hit ceiling is emptied in one step where the store can
(PostgreSQL swaps the day's partition, keeping the hit and held reads); bounded batches take the
rest, each one short transaction of at most ``batch_size`` reads and about ``batch_seconds``
(``pacing``), so that searches and ingest go on between them; fresh reads lie far from any
cutoff and are never touched. The run records what it did (counts and capture-time ranges per
class, never plate data) in the purge ledger and as one event in the access log. A day emptied
in one step leaves its reads out of sight for ``settle`` to delete and tell the summaries.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessSink, Actor
from platekeeper.domain.holds import Exemptions
from platekeeper.domain.purges import ClassPurge, PurgeLedgerEntry
from platekeeper.domain.retention import DataClass, ReadCeilings, RetentionRule
from platekeeper.domain.time import Clock
from platekeeper.errors import PlateKeeperError
from platekeeper.retention.pacing import BatchPacer
from platekeeper.retention.plan import (
    ClassDecision,
    PurgePlan,
    bucket_day_end,
    bucket_day_start,
    buckets_past_cutoff,
    plan_purge,
    read_ceilings,
)
from platekeeper.store import Store
from platekeeper.store.images import ImageStore
from platekeeper.store.images.encrypted import EncryptedImageStore
from platekeeper.store.protocols import PurgedReads

logger = logging.getLogger(__name__)

PURGE_ACTION = "retention:purge"
RETENTION_ACTOR = Actor("system:retention", "-")
DEFAULT_BATCH_SIZE = 5_000
DEFAULT_BATCH_SECONDS = 0.05


class BucketShredder(Protocol):
    """Destroys the key of one capture day's images (``EncryptedImageStore``)."""

    def destroy_bucket(self, bucket: str) -> bool: ...


def shredder_of(images: ImageStore) -> BucketShredder | None:
    """The image store itself when it can destroy a day's key, else None (plain images)."""
    return images if isinstance(images, EncryptedImageStore) else None


@dataclass(frozen=True, slots=True)
class PurgeReport:
    entry: PurgeLedgerEntry
    conflicts: tuple[str, ...]
    oldest_surviving_non_hit: datetime | None
    """The proof: no non-hit read older than its ceiling is left (unless a hold keeps it)."""


class PurgeService:
    def __init__(
        self,
        store: Store,
        images: ImageStore,
        clock: Clock,
        *,
        rules: Mapping[DataClass, RetentionRule],
        log: AccessSink,
        shredder: BucketShredder | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        batch_seconds: float = DEFAULT_BATCH_SECONDS,
        batch_pause_s: float = 0.001,
    ) -> None:
        self._store = store
        self._images = images
        self._shredder = shredder
        self._clock = clock
        self.rules = dict(rules)
        self._log = log
        self._batch_size = batch_size
        self._batch_seconds = batch_seconds
        self._batch_pause_s = batch_pause_s

    def plan(self) -> PurgePlan:
        now = self._clock.now()
        return plan_purge(self.rules, now, self._store.legal_holds.in_force(now))

    def read_ceilings(self) -> ReadCeilings:
        """What the plan would purge now: the store leaves it out of every look-up, so that a
        read past its ceiling is never shown, whether the purge has run since or not."""
        return read_ceilings(self.plan())

    def run(self, *, dry_run: bool = False, actor: Actor = RETENTION_ACTOR) -> PurgeReport:
        started = self._clock.now()
        plan = self.plan()
        classes = tuple(self._apply(decision, plan.exempt, dry_run) for decision in plan.classes)
        buckets = () if dry_run else self._shred(plan)
        if not dry_run:
            # A correction keeps the misread's original text: it must not outlive its read.
            self._store.read_corrections.delete_orphaned()
        entry = PurgeLedgerEntry(
            id=str(uuid.uuid4()),
            started_at=started,
            finished_at=self._clock.now(),
            dry_run=dry_run,
            classes=classes,
            buckets_destroyed=buckets,
        )
        self._store.purge_ledger.add(entry)
        self._log.record(_purge_event(entry, actor))
        oldest = self.oldest_surviving(DataClass.NON_HIT_READS)
        return PurgeReport(entry, plan.conflicts, oldest)

    def settle(self) -> int:
        """Finish the days purged whole: their reads are out of every search, and here they
        are deleted and told to the summaries (``Reads.settle_summaries``) in paced batches
        with a pause between, so that a writer waits for one short transaction at most; return
        how many. The scheduler runs it after each purge; a crash leaves the rest to the next
        run."""
        settled = 0
        pacer = self._pacer()
        while True:
            started = time.perf_counter()
            done = self._store.reads.settle_summaries(pacer.size)
            if not done:
                return settled
            pacer.took(done, time.perf_counter() - started)
            settled += done
            time.sleep(self._batch_pause_s)

    def _pacer(self) -> BatchPacer:
        return BatchPacer(self._batch_size, self._batch_seconds)

    def held_back(self) -> dict[DataClass, int]:
        """Per class of reads the purge acts on, how many of the reads due now the legal holds
        in force keep."""
        plan = self.plan()
        return {
            decision.data_class: 0
            if plan.exempt.empty
            else self._due(decision, Exemptions()) - self._due(decision, plan.exempt)
            for decision in plan.classes
            if decision.acts
        }

    def _due(self, decision: ClassDecision, exempt: Exemptions) -> int:
        hit_reads = decision.data_class is DataClass.HIT_READS
        return self._store.reads.count_expired(
            decision.captured_before, hit_reads=hit_reads, exempt=exempt
        ).reads

    def oldest_surviving(self, data_class: DataClass) -> datetime | None:
        if data_class not in (DataClass.NON_HIT_READS, DataClass.HIT_READS):
            raise ValueError(f"{data_class.value} is not a class of reads")
        return self._store.reads.oldest(hit_reads=data_class is DataClass.HIT_READS)

    def _apply(self, decision: ClassDecision, exempt: Exemptions, dry_run: bool) -> ClassPurge:
        if not decision.acts:
            return ClassPurge(decision.data_class.value, None, skipped=decision.reason)
        hit_reads = decision.data_class is DataClass.HIT_READS
        if dry_run:
            due = self._store.reads.count_expired(
                decision.captured_before, hit_reads=hit_reads, exempt=exempt
            )
            return _class_purge(decision, [due])
        return _class_purge(decision, self._delete(decision, exempt, hit_reads))

    def _delete(
        self, decision: ClassDecision, exempt: Exemptions, hit_reads: bool
    ) -> list[PurgedReads]:
        batches = [] if hit_reads else self._delete_days(decision, exempt)
        pacer = self._pacer()
        while True:
            limit = pacer.size
            started = time.perf_counter()
            batch = self._store.reads.delete_expired(
                decision.captured_before, hit_reads=hit_reads, exempt=exempt, limit=limit
            )
            pacer.took(batch.reads, time.perf_counter() - started)
            self._delete_images(batch.image_refs)
            batches.append(batch)
            if batch.reads < limit:
                return batches
            # Let waiting writers (ingest) take the database between batches.
            time.sleep(self._batch_pause_s)

    def _delete_days(self, decision: ClassDecision, exempt: Exemptions) -> list[PurgedReads]:
        """The non-hit reads of each day wholly past the ceiling, a day at a time."""
        days = []
        for day in self._store.reads.purgeable_days(decision.captured_before):
            purged = self._store.reads.delete_expired_day(day, exempt=exempt)
            self._delete_images(purged.image_refs)
            days.append(purged)
        return days

    def _delete_images(self, refs: tuple[str, ...]) -> None:
        for ref in refs:
            try:
                self._images.delete(ref)
            except PlateKeeperError as exc:
                # The read is gone; a file left over is unreadable once its bucket is shredded.
                logger.warning("could not delete an image of a purged read: %s", exc.message)

    def _shred(self, plan: PurgePlan) -> tuple[str, ...]:
        if self._shredder is None:
            return ()
        destroyed = []
        for bucket in buckets_past_cutoff(self._store.image_keys.live(), plan):
            if self._day_has_reads(bucket):
                continue
            if self._shredder.destroy_bucket(bucket):
                destroyed.append(bucket)
        return tuple(destroyed)

    def _day_has_reads(self, bucket: str) -> bool:
        # Every stored read counts here, shown or not: its images need the day's key.
        return self._store.reads.any_captured(bucket_day_start(bucket), bucket_day_end(bucket))


def _class_purge(decision: ClassDecision, batches: list[PurgedReads]) -> ClassPurge:
    oldest = [batch.oldest for batch in batches if batch.oldest is not None]
    newest = [batch.newest for batch in batches if batch.newest is not None]
    return ClassPurge(
        data_class=decision.data_class.value,
        cutoff=decision.cutoff,
        reads=sum(batch.reads for batch in batches),
        images=sum(batch.images for batch in batches),
        oldest_purged=min(oldest, default=None),
        newest_purged=max(newest, default=None),
    )


def _purge_event(entry: PurgeLedgerEntry, actor: Actor) -> AccessEvent:
    query = {"purge_id": entry.id, "dry_run": str(entry.dry_run).lower()}
    for item in entry.classes:
        query[item.data_class] = "skipped" if item.skipped else str(item.reads)
    return AccessEvent(
        at=entry.finished_at,
        actor=actor,
        action=PURGE_ACTION,
        outcome=AccessOutcome.ALLOWED,
        reason=f"retention purge: {entry.reads} reads, {len(entry.buckets_destroyed)} buckets",
        query=query,
    )
