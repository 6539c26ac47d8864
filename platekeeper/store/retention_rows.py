"""Retention's pieces of the reads' SQL, which both backends share: which reads a purge leaves
alone and what the deleted ones were. (Holds, the purge ledger and image keys are in
``store/sql/retention.py``.)"""

from __future__ import annotations

from platekeeper.domain.holds import Exemptions
from platekeeper.store.protocols import PurgedReads
from platekeeper.store.rows import Row
from platekeeper.store.sql.dialect import TimeCodec


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
