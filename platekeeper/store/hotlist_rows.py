"""Hot lists and their entries as rows and back, in one column order for both backends."""

from __future__ import annotations

from platekeeper.domain.hotlists import AlertLevel, Hotlist, HotlistEntry, ListSource
from platekeeper.store.protocols import HotlistFeed
from platekeeper.store.rows import Row
from platekeeper.store.sql.dialect import TimeCodec

HOTLIST_COLUMNS = (
    "id, agency_id, name, source, priority, alert_level, covert, created_at, refreshed_at"
)
HOTLIST_COLUMN_COUNT = 9
FEED_COLUMNS = "id, feed_location, feed_format, feed_mapping, feed_attempted_at, feed_error"
ENTRY_COLUMNS = (
    "id, list_id, plate_text, plate_key, state, reason, entered_by, entered_at, expires_at,"
    " source_record_id, case_number, note"
)
ENTRY_COLUMN_COUNT = 12
ENTRY_UPDATES = ", ".join(
    f"{column} = excluded.{column}" for column in [*ENTRY_COLUMNS.split(", ")[2:], "batch"]
)
"""The SET list of an upsert that refreshes every column of an entry but its id and list."""
ACTIVE_COLUMNS = "id, list_id, plate_key, state, expires_at"


def hotlist_row(hotlist: Hotlist, time: TimeCodec, covert: object) -> Row:
    """``covert`` is the flag as the backend keeps it (SQLite: 0 or 1; PostgreSQL: boolean)."""
    return (
        hotlist.id,
        hotlist.agency_id,
        hotlist.name,
        hotlist.source.value,
        hotlist.priority,
        hotlist.alert_level.value,
        covert,
        time.to_db(hotlist.created_at),
        time.optional_to_db(hotlist.refreshed_at),
    )


def hotlist_from_row(row: Row, time: TimeCodec) -> Hotlist:
    return Hotlist(
        id=row[0],
        agency_id=row[1],
        name=row[2],
        source=ListSource(row[3]),
        priority=row[4],
        alert_level=AlertLevel(row[5]),
        covert=bool(row[6]),
        created_at=time.from_db(row[7]),
        refreshed_at=time.optional_from_db(row[8]),
    )


def feed_from_row(row: Row, time: TimeCodec) -> HotlistFeed | None:
    if row[1] is None:
        return None
    return HotlistFeed(row[0], row[1], row[2], row[3], time.optional_from_db(row[4]), row[5])


def entry_row(entry: HotlistEntry, time: TimeCodec) -> Row:
    return (
        entry.id,
        entry.list_id,
        entry.plate_text,
        entry.plate_key,
        entry.state,
        entry.reason,
        entry.entered_by,
        time.to_db(entry.entered_at),
        time.optional_to_db(entry.expires_at),
        entry.source_record_id,
        entry.case_number,
        entry.note,
    )


def entry_from_row(row: Row, time: TimeCodec) -> HotlistEntry:
    return HotlistEntry(
        id=row[0],
        list_id=row[1],
        plate_text=row[2],
        state=row[4],
        reason=row[5],
        entered_by=row[6],
        entered_at=time.from_db(row[7]),
        expires_at=time.optional_from_db(row[8]),
        source_record_id=row[9],
        case_number=row[10],
        note=row[11],
    )
