"""Bodies of the retention routes: legal holds, the purge ledger and what survives."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, Field

from platekeeper.domain.holds import HoldStatus, LegalHold
from platekeeper.domain.purges import PurgeLedgerEntry


class PlateSpanCreate(BaseModel):
    plate: str = Field(min_length=1, max_length=16)
    captured_from: AwareDatetime
    captured_before: AwareDatetime


class HoldCreate(BaseModel):
    case_number: str = Field(max_length=64)
    reason: str = Field(min_length=10, max_length=2000)
    expires_at: AwareDatetime
    read_ids: list[str] = Field(default_factory=list, max_length=10_000)
    plate: PlateSpanCreate | None = None


class HoldPublic(BaseModel):
    id: str
    case_number: str
    reason: str
    status: HoldStatus
    requested_by: str
    requested_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    released_by: str | None
    released_at: datetime | None
    expires_at: datetime
    read_ids: list[str]
    plate_key: str | None
    captured_from: datetime | None
    captured_before: datetime | None

    @classmethod
    def of(cls, hold: LegalHold, now: datetime) -> HoldPublic:
        span = hold.plates
        return cls(
            id=hold.id,
            case_number=hold.case_number,
            reason=hold.reason,
            status=hold.status(now),
            requested_by=hold.requested_by,
            requested_at=hold.requested_at,
            approved_by=hold.approved_by,
            approved_at=hold.approved_at,
            released_by=hold.released_by,
            released_at=hold.released_at,
            expires_at=hold.expires_at,
            read_ids=list(hold.read_ids),
            plate_key=None if span is None else span.plate_key,
            captured_from=None if span is None else span.captured_from,
            captured_before=None if span is None else span.captured_before,
        )


class HoldList(BaseModel):
    holds: list[HoldPublic]


class ClassPurgePublic(BaseModel):
    data_class: str
    cutoff: datetime | None
    reads: int
    images: int
    oldest_purged: datetime | None
    newest_purged: datetime | None
    skipped: str | None


class PurgeRunPublic(BaseModel):
    id: str
    started_at: datetime
    finished_at: datetime
    dry_run: bool
    classes: list[ClassPurgePublic]
    buckets_destroyed: list[str]

    @classmethod
    def of(cls, entry: PurgeLedgerEntry) -> PurgeRunPublic:
        return cls(
            id=entry.id,
            started_at=entry.started_at,
            finished_at=entry.finished_at,
            dry_run=entry.dry_run,
            classes=[
                ClassPurgePublic(
                    data_class=item.data_class,
                    cutoff=item.cutoff,
                    reads=item.reads,
                    images=item.images,
                    oldest_purged=item.oldest_purged,
                    newest_purged=item.newest_purged,
                    skipped=item.skipped,
                )
                for item in entry.classes
            ],
            buckets_destroyed=list(entry.buckets_destroyed),
        )


class PurgeLedgerPublic(BaseModel):
    runs: list[PurgeRunPublic]


class OldestSurvivingPublic(BaseModel):
    """The proof that the purge works: the capture day of the oldest non-hit read still kept."""

    oldest_non_hit_read_day: date | None
    cutoff: datetime | None
    """Non-hit reads captured at or before this instant are due now; None when kept."""
