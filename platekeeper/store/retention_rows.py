"""Legal holds and purge-ledger entries as rows and back, and the SQL both backends share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from platekeeper.domain.holds import Exemptions, LegalHold, PlateSpan
from platekeeper.domain.purges import ClassPurge, PurgeLedgerEntry
from platekeeper.store.protocols import PurgedReads
from platekeeper.store.rows import Row
from platekeeper.store.sql.dialect import TimeCodec

HOLD_COLUMNS = (
    "id, agency_id, case_number, reason, requested_by, requested_at, expires_at, plate_key,"
    " captured_from, captured_before, approved_by, approved_at, released_by, released_at"
)
HOLD_COLUMN_COUNT = 14
LEDGER_COLUMNS = "id, started_at, finished_at, dry_run, classes, buckets_destroyed"


def hold_row(hold: LegalHold, time: TimeCodec) -> Row:
    span = hold.plates
    return (
        hold.id,
        hold.agency_id,
        hold.case_number,
        hold.reason,
        hold.requested_by,
        time.to_db(hold.requested_at),
        time.to_db(hold.expires_at),
        None if span is None else span.plate_key,
        None if span is None else time.to_db(span.captured_from),
        None if span is None else time.to_db(span.captured_before),
        hold.approved_by,
        time.optional_to_db(hold.approved_at),
        hold.released_by,
        time.optional_to_db(hold.released_at),
    )


def hold_from_row(row: Row, read_ids: tuple[str, ...], time: TimeCodec) -> LegalHold:
    plates = None
    if row[7] is not None:
        plates = PlateSpan(row[7], time.from_db(row[8]), time.from_db(row[9]))
    return LegalHold(
        id=row[0],
        agency_id=row[1],
        case_number=row[2],
        reason=row[3],
        requested_by=row[4],
        requested_at=time.from_db(row[5]),
        expires_at=time.from_db(row[6]),
        read_ids=read_ids,
        plates=plates,
        approved_by=row[10],
        approved_at=time.optional_from_db(row[11]),
        released_by=row[12],
        released_at=time.optional_from_db(row[13]),
    )


def ledger_row(entry: PurgeLedgerEntry, time: TimeCodec) -> Row:
    classes = [
        {
            "data_class": item.data_class,
            "cutoff": _iso(item.cutoff),
            "reads": item.reads,
            "images": item.images,
            "oldest_purged": _iso(item.oldest_purged),
            "newest_purged": _iso(item.newest_purged),
            "skipped": item.skipped,
        }
        for item in entry.classes
    ]
    return (
        entry.id,
        time.to_db(entry.started_at),
        time.to_db(entry.finished_at),
        entry.dry_run,
        orjson.dumps(classes).decode(),
        orjson.dumps(list(entry.buckets_destroyed)).decode(),
    )


def ledger_from_row(row: Row, time: TimeCodec) -> PurgeLedgerEntry:
    classes = orjson.loads(row[4]) if isinstance(row[4], str) else row[4]
    buckets = orjson.loads(row[5]) if isinstance(row[5], str) else row[5]
    return PurgeLedgerEntry(
        id=row[0],
        started_at=time.from_db(row[1]),
        finished_at=time.from_db(row[2]),
        dry_run=bool(row[3]),
        classes=tuple(_class_purge(item) for item in classes),
        buckets_destroyed=tuple(buckets),
    )


def _class_purge(item: dict[str, Any]) -> ClassPurge:
    return ClassPurge(
        data_class=item["data_class"],
        cutoff=_from_iso(item["cutoff"]),
        reads=item["reads"],
        images=item["images"],
        oldest_purged=_from_iso(item["oldest_purged"]),
        newest_purged=_from_iso(item["newest_purged"]),
        skipped=item["skipped"],
    )


def _iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat(timespec="microseconds")


def _from_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def plate_exemption_sql(exempt: Exemptions, time: TimeCodec, placeholder: str) -> tuple[str, Row]:
    """``AND NOT (...)`` conditions leaving out every read of the held plates' time ranges."""
    sql = "".join(
        f" AND NOT (plate_key = {placeholder} AND captured_at >= {placeholder}"
        f" AND captured_at < {placeholder})"
        for _ in exempt.plates
    )
    params = tuple(
        value
        for span in exempt.plates
        for value in (
            span.plate_key,
            time.to_db(span.captured_from),
            time.to_db(span.captured_before),
        )
    )
    return sql, params


def hit_read_sql(hit_reads: bool, read_id: str) -> str:
    """The condition that a read is (or is not) a hit read: some hit names it."""
    exists = f"EXISTS (SELECT 1 FROM hits WHERE hits.read_id = {read_id})"
    return exists if hit_reads else f"NOT {exists}"


def purged_reads_from(rows: list[Row], time: TimeCodec) -> PurgedReads:
    """What deleted ``(captured_at, crop_ref, image_ref)`` rows were."""
    refs = tuple(ref for row in rows for ref in (row[1], row[2]) if ref is not None)
    times = [time.from_db(row[0]) for row in rows]
    return PurgedReads(
        len(rows), len(refs), min(times, default=None), max(times, default=None), refs
    )


def purged_counts_from(row: Row | None, time: TimeCodec) -> PurgedReads:
    """What a ``count(*), count(crop_ref) + count(image_ref), min, max`` row counted."""
    if row is None:
        return PurgedReads(0, 0, None, None)
    return PurgedReads(
        int(row[0]), int(row[1] or 0), time.optional_from_db(row[2]), time.optional_from_db(row[3])
    )
