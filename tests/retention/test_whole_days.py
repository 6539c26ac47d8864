"""The purge of whole days: a day past its ceiling keeps exactly its hit and held reads, the
summaries hear exactly what went, lookups of other days go on, and a crash loses nothing.

On PostgreSQL the day's partition is swapped out and settled after (``store/postgres/
day_purge.py``); SQLite deletes in batches; the outcome must be the same on both.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from platekeeper.domain import PlateRead
from platekeeper.domain.holds import PlateSpan
from platekeeper.domain.hotlists import RejectionReason
from platekeeper.retention.purge import PurgeReport
from platekeeper.retention.scheduler import PurgeScheduler
from platekeeper.store import Store
from platekeeper.store.postgres import PostgresStore, day_purge
from platekeeper.store.postgres.dialect import Connection
from platekeeper.store.postgres.reads import PostgresReads
from platekeeper.store.sql.database import Transaction
from platekeeper.store.sql.read_summaries import RemovedReads
from platekeeper.store.sqlite import SqliteStore
from platekeeper.store.sqlite.reads import SqliteReads
from tests.conftest import NOW, make_agency, make_camera, make_read
from tests.retention.conftest import NON_HIT_DAYS, Rig, hold, make_rig
from tests.store.test_postgres import partitions

LIMIT = timedelta(days=NON_HIT_DAYS)
PAST_DAY = datetime(2026, 10, 20, tzinfo=UTC)
"""Wholly past the 30-day ceiling (28 Oct 12:00 at ``NOW``)."""
HELD_PLATE = "4SPN404"
OTHER_CAMERA = "elm-st-east"


class RecordingSummary:
    """A ``ReadSummary`` that counts what it is told, by plate, camera and capture day."""

    def __init__(self) -> None:
        self.added_reads: Counter[tuple[str, str, date]] = Counter()
        self.removed_reads: Counter[tuple[str, str, date]] = Counter()
        self.fail = False

    def added(self, transaction: Transaction, reads: Sequence[PlateRead]) -> None:
        self.added_reads.update(
            (read.plate_key, read.camera_id, read.captured_at.date()) for read in reads
        )

    def removed(self, transaction: Transaction, gone: Sequence[RemovedReads]) -> None:
        if self.fail:
            raise RuntimeError("the summary failed")
        for item in gone:
            self.removed_reads[(item.plate_key, item.camera_id, item.day)] += item.reads

    def rebuild(self, transaction: Transaction) -> None:
        raise AssertionError("not called by the purge")


def recording(store: Store) -> RecordingSummary:
    """Give ``store`` reads that tell a ``RecordingSummary``, and return it."""
    recorder = RecordingSummary()
    if isinstance(store, PostgresStore):
        assert isinstance(store.reads, PostgresReads)
        store.reads = PostgresReads(store.reads._pg, [recorder])
    else:
        assert isinstance(store, SqliteStore)
        assert isinstance(store.reads, SqliteReads)
        store.reads = SqliteReads(store.reads._sqlite, [recorder])
    return recorder


@pytest.fixture
def recorded(store: Store, tmp_path: Path) -> tuple[Rig, RecordingSummary]:
    store.agencies.add(make_agency("other-pd"))
    store.cameras.add(make_camera(OTHER_CAMERA, agency_id="other-pd")[0])
    recorder = recording(store)
    return make_rig(store, tmp_path), recorder


def _at(hours: float, day: datetime = PAST_DAY) -> datetime:
    return day + timedelta(hours=hours)


def _gone(reads: Sequence[PlateRead]) -> Counter[tuple[str, str, date]]:
    return Counter((read.plate_key, read.camera_id, read.captured_at.date()) for read in reads)


def _filenode(dsn: str, day: datetime) -> int | None:
    with psycopg.connect(dsn) as connection:
        row = connection.execute(
            "SELECT pg_relation_filenode(to_regclass(%s))", (f"reads_p{day:%Y%m%d}",)
        ).fetchone()
    return None if row is None else row[0]


def test_a_past_day_keeps_exactly_its_hit_and_held_reads(
    recorded: tuple[Rig, RecordingSummary], request: pytest.FixtureRequest
) -> None:
    rig, recorder = recorded
    hit = rig.add_read(1, _at(8))
    rig.hit(hit)
    held = rig.add_read(2, _at(9), plate="5XYZ999")
    in_span = rig.add_read(3, _at(10), plate=HELD_PLATE)
    gone = [
        rig.add_read(4, _at(13), plate=HELD_PLATE),  # after the held span
        rig.add_read(5, _at(11), plate="8QRS321"),
        rig.add_read(6, _at(23.5), plate="8QRS321"),
        rig.add_read(7, _at(0), plate="7ABC123"),
        rig.add_read(20, NOW - LIMIT - timedelta(hours=1)),  # the day at the ceiling, in part
        rejected := rig.add_read(22, _at(14), plate="6REJ606"),  # a false hit keeps nothing
    ]
    rig.hit(rejected)
    false_hit = rig.store.hits.get(f"hit-{rejected.id}")
    assert false_hit is not None
    rig.store.hits.update(
        false_hit.rejected("olivia", NOW, RejectionReason.MISREAD, "a 5, not a 6")
    )
    rig.hit(rig.add_read(23, _at(24.5)))  # the next day's hit keeps nothing of this day
    other = make_read(8, camera_id=OTHER_CAMERA, captured_at=_at(10.5), plate_text=HELD_PLATE)
    rig.store.reads.add([other])  # another agency's read of the held plate: its hold is not ours
    gone.append(other)
    fresh = [rig.add_read(21, NOW - LIMIT + timedelta(hours=1)), rig.add_read(30, NOW)]
    rig.store.legal_holds.add(
        hold((held.id,), PlateSpan(HELD_PLATE, _at(9.5), _at(12), agency_id="demo-pd"))
    )
    dsn = _dsn_of(rig.store, request)
    before = None if dsn is None else _filenode(dsn, PAST_DAY)
    recorder.removed_reads.clear()

    report = rig.purge.run()

    kept = {read.id for read in (hit, held, in_span, *fresh)}
    everything = [hit, held, in_span, *gone, *fresh]
    assert {read.id for read in everything if rig.store.reads.get(read.id)} == kept
    rig.purge.settle()  # PostgreSQL tells the summaries of a day swapped out here
    assert recorder.removed_reads == _gone(gone)
    assert rig.store.reads.unsettled() == 0
    non_hit = report.entry.classes[0]
    assert non_hit.reads == len(gone)
    assert non_hit.oldest_purged == min(read.captured_at for read in gone)
    assert non_hit.newest_purged == max(read.captured_at for read in gone)
    assert non_hit.images == sum(read.image_ref is not None for read in gone)
    for read in gone:
        assert read.image_ref is None or not (rig.image_root / read.image_ref).exists()
    for read in (hit, held, in_span):
        assert read.image_ref is not None
        assert rig.images.get(read.image_ref).startswith(b"\xff\xd8\xff")
    if dsn is not None:
        # Swapped, not deleted row by row: the day's partition has fresh files.
        swapped = _filenode(dsn, PAST_DAY)
        assert swapped not in (None, before)
    # The next run finds the kept reads and leaves the day as it is.
    recorder.removed_reads.clear()
    assert rig.purge.run().entry.classes[0].reads == 0
    assert rig.purge.settle() == 0
    assert recorder.removed_reads == Counter()
    assert {read.id for read in everything if rig.store.reads.get(read.id)} == kept
    if dsn is not None:
        assert _filenode(dsn, PAST_DAY) == swapped


def _dsn_of(store: Store, request: pytest.FixtureRequest) -> str | None:
    if not isinstance(store, PostgresStore):
        return None
    return str(request.getfixturevalue("postgres_schema_dsn"))


def test_a_failing_summary_loses_no_read_and_tells_each_once(
    recorded: tuple[Rig, RecordingSummary],
) -> None:
    # SQLite tells the summaries in the purge's own batches: a failure leaves the day whole for
    # the next run. PostgreSQL swaps the day out of sight first and tells them in the settle: a
    # failure there leaves the gone reads waiting for the next settle. Either way each read
    # goes once, and the summaries hear of it once.
    rig, recorder = recorded
    swapped = isinstance(rig.store, PostgresStore)
    hit = rig.add_read(1, _at(8))
    rig.hit(hit)
    plain = [rig.add_read(index, _at(index)) for index in range(2, 6)]
    recorder.fail = True

    def purge_and_settle() -> None:
        rig.purge.run()
        rig.purge.settle()

    with pytest.raises(RuntimeError, match="the summary failed"):
        purge_and_settle()
    assert rig.store.reads.get(hit.id) is not None
    assert [read for read in plain if rig.store.reads.get(read.id)] == ([] if swapped else plain)
    assert rig.store.reads.unsettled() == (len(plain) if swapped else 0)
    assert recorder.removed_reads == Counter()

    recorder.fail = False
    report = rig.purge.run()
    assert rig.purge.settle() == (len(plain) if swapped else 0)
    assert rig.store.reads.get(hit.id) is not None
    assert not any(rig.store.reads.get(read.id) for read in plain)
    # PostgreSQL's ledger counted the day when it was swapped out, in the first run.
    assert report.entry.classes[0].reads == (0 if swapped else len(plain))
    assert recorder.removed_reads == _gone(plain)
    assert rig.store.reads.unsettled() == 0


postgres_only = pytest.mark.postgres


@pytest.fixture
def pg_rig(postgres_schema_dsn: str, tmp_path: Path) -> Iterator[tuple[Rig, RecordingSummary]]:
    store = PostgresStore(postgres_schema_dsn, min_size=1, max_size=4)
    store.upgrade()
    store.agencies.add(make_agency())
    store.cameras.add(make_camera()[0])
    recorder = recording(store)
    yield make_rig(store, tmp_path), recorder
    store.close()


def _add_day(rig: Rig, day: datetime, count: int, first: int = 1000) -> list[PlateRead]:
    reads = [
        make_read(
            first + index,
            captured_at=day + timedelta(seconds=index * 86_000 // count),
            plate_text=f"{index % 9}PLT{index:04d}",
        )
        for index in range(count)
    ]
    rig.store.reads.add(reads)
    return reads


@postgres_only
def test_a_crash_after_emptying_the_day_puts_everything_back(
    pg_rig: tuple[Rig, RecordingSummary], monkeypatch: pytest.MonkeyPatch
) -> None:
    rig, recorder = pg_rig
    hit = rig.add_read(1, _at(8))
    rig.hit(hit)
    plain = _add_day(rig, PAST_DAY, 50)
    real_locked = day_purge._locked

    def crash_after_detaching(connection: Connection, statement: sql.Composed) -> bool:
        granted = real_locked(connection, statement)
        if "DETACH" in statement.as_string(connection):
            raise RuntimeError("crashed between detaching the day and putting kept reads back")
        return granted

    monkeypatch.setattr(day_purge, "_locked", crash_after_detaching)
    with pytest.raises(RuntimeError, match="crashed"):
        rig.purge.run()
    assert rig.store.reads.get(hit.id) is not None
    assert all(rig.store.reads.get(read.id) for read in plain)

    assert rig.store.reads.unsettled() == 0

    monkeypatch.setattr(day_purge, "_locked", real_locked)
    recorder.removed_reads.clear()
    assert rig.purge.run().entry.classes[0].reads == len(plain)
    assert rig.purge.settle() == len(plain)
    assert rig.store.reads.get(hit.id) is not None
    assert recorder.removed_reads == _gone(plain)


@postgres_only
def test_a_past_day_left_with_nothing_is_dropped(
    pg_rig: tuple[Rig, RecordingSummary], postgres_schema_dsn: str
) -> None:
    rig, recorder = pg_rig
    plain = _add_day(rig, PAST_DAY, 20)
    hit = rig.add_read(1, _at(8, PAST_DAY - timedelta(days=1)))
    rig.hit(hit)
    rig.add_read(2, NOW)
    rig.purge.run()
    assert partitions(postgres_schema_dsn) == ["reads_p20261019", "reads_p20261128"]
    rig.purge.settle()
    assert recorder.removed_reads == _gone(plain)
    # A year on, the hit read goes by its own ceiling, and its day with it.
    rig.clock.advance(timedelta(days=366))
    rig.purge.run()
    rig.purge.run()
    assert partitions(postgres_schema_dsn) == []


@postgres_only
def test_a_swapped_day_s_fresh_partition_is_made_like_any_other(
    pg_rig: tuple[Rig, RecordingSummary], postgres_schema_dsn: str
) -> None:
    rig, _ = pg_rig
    _add_day(rig, PAST_DAY, 20)
    kept = rig.add_read(1, _at(8))
    rig.hit(kept)
    rig.add_read(2, NOW)  # today's partition, made as ingest makes them
    rig.purge.run()
    past, today = (f"reads_p{day:%Y%m%d}" for day in (PAST_DAY, NOW))
    assert partitions(postgres_schema_dsn) == [past, today]
    assert _shape(postgres_schema_dsn, past) == _shape(postgres_schema_dsn, today)
    with psycopg.connect(postgres_schema_dsn) as connection:
        tables = connection.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r'"
            " AND relnamespace = current_schema()::regnamespace AND relname LIKE 'reads%'"
        ).fetchall()
    # No table made for the swap is left beside the partitions and the day's gone reads.
    assert sorted(name for (name,) in tables if not name.startswith("reads_gone_")) == [
        past,
        today,
    ]
    assert rig.store.reads.get(kept.id) == kept


def _shape(dsn: str, table: str) -> tuple[list[str], list[str], list[str]]:
    """A partition's indexes (each attached to one of reads'), constraints and columns, its
    own name and the names it gave them left out."""
    with psycopg.connect(dsn) as connection:
        indexes = connection.execute(
            "SELECT parent.relname, pg_get_indexdef(index.indexrelid) FROM pg_index index"
            " JOIN pg_inherits ON pg_inherits.inhrelid = index.indexrelid"
            " JOIN pg_class parent ON parent.oid = pg_inherits.inhparent"
            " WHERE index.indrelid = to_regclass(%s)",
            (table,),
        ).fetchall()
        constraints = connection.execute(
            "SELECT contype, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = to_regclass(%s)",
            (table,),
        ).fetchall()
        columns = connection.execute(
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute"
            " WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
            (table,),
        ).fetchall()
    return (
        sorted(f"{parent}: {definition.split(' USING ')[1]}" for parent, definition in indexes),
        sorted(f"{kind}: {definition}" for kind, definition in constraints),
        sorted(str(column) for column in columns),
    )


@postgres_only
def test_lookups_of_other_days_go_on_during_the_purge(
    pg_rig: tuple[Rig, RecordingSummary], postgres_schema_dsn: str
) -> None:
    rig, _ = pg_rig
    _add_day(rig, PAST_DAY, 3000)
    rig.hit(rig.add_read(2, _at(7)))  # so the day is swapped, not dropped
    fresh = rig.add_read(1, NOW - timedelta(hours=2), plate="6LOOK01")
    failures: list[BaseException] = []
    found: list[int] = []
    done = threading.Event()

    def look_up() -> None:
        with psycopg.connect(postgres_schema_dsn, autocommit=True) as connection:
            connection.execute("SET lock_timeout = '100ms'")
            while not done.is_set():
                try:
                    for lookup in _LOOKUPS:
                        row = connection.execute(lookup, (fresh.plate_key, fresh.captured_at))
                        found.append(len(row.fetchall()))
                except psycopg.Error as exc:
                    failures.append(exc)

    thread = threading.Thread(target=look_up)
    thread.start()
    try:
        time.sleep(0.05)
        report = rig.purge.run()
    finally:
        done.set()
        thread.join()
    assert report.entry.classes[0].reads == 3000
    assert failures == []
    assert len(found) > len(_LOOKUPS)
    assert set(found) == {1}


_LOOKUPS = (
    # This day only, and every day (which touches the partition being swapped).
    "SELECT id FROM reads WHERE plate_key = %s AND captured_at >= %s::timestamptz - interval '1h'"
    " AND captured_at < now() + interval '1 day'",
    "SELECT id FROM reads WHERE plate_key = %s AND captured_at = %s",
)


@postgres_only
def test_a_long_reader_makes_the_swap_give_way_to_the_batches(
    pg_rig: tuple[Rig, RecordingSummary], postgres_schema_dsn: str
) -> None:
    # Detaching a day locks all of reads: with a transaction open on reads (a long export) the
    # swap asks a few times, briefly, and gives way, so that lookups never queue behind it; the
    # purge's batches take the day's reads instead, and the reader reads on.
    rig, recorder = pg_rig
    plain = _add_day(rig, PAST_DAY, 30)
    fresh = rig.add_read(1, NOW)
    today = "SELECT id FROM reads WHERE captured_at >= %s AND captured_at < %s"
    hours = (NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    with psycopg.connect(postgres_schema_dsn) as reader:
        assert len(reader.execute(today, hours).fetchall()) == 1
        reports: list[PurgeReport] = []
        purge = threading.Thread(target=lambda: reports.append(rig.purge.run()))
        purge.start()
        purge.join(timeout=30)
        waited = purge.is_alive()
        assert len(reader.execute(today, hours).fetchall()) == 1
        reader.rollback()
        purge.join()
    assert not waited
    assert reports[0].entry.classes[0].reads == len(plain)
    assert recorder.removed_reads == _gone(plain)  # told by the batches, nothing left to settle
    assert rig.store.reads.unsettled() == 0
    assert rig.store.reads.get(fresh.id) is not None
    assert "reads_p20261020" in partitions(postgres_schema_dsn)  # emptied, not swapped
    rig.purge.run()
    assert "reads_p20261020" not in partitions(postgres_schema_dsn)


def test_the_scheduled_purge_settles_what_a_whole_day_left_owing(
    store: Store, tmp_path: Path
) -> None:
    # On PostgreSQL the swap takes the day out of sight and leaves the plate index to be told;
    # the scheduler's run settles it, so that the index names the plates kept and no other.
    rig = make_rig(store, tmp_path)
    for index, plate in enumerate(("8GONE01", "8GONE02", "8BOTH01"), start=1):
        rig.add_read(index, _at(index), plate=plate)
    fresh = [rig.add_read(10, NOW, plate="8BOTH01"), rig.add_read(11, NOW, plate="8KEPT01")]

    class NoHolds:
        def expire(self) -> None:
            return None

    PurgeScheduler(rig.purge, NoHolds(), 3600).tick()

    assert store.reads.unsettled() == 0
    with store._db.read() as transaction:  # type: ignore[attr-defined]
        indexed = dict(transaction.execute("SELECT plate_key, reads FROM plates").fetchall())
    assert indexed == {read.plate_key: 1 for read in fresh}
