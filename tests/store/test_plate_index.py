"""The plate index (``store/sql/plate_index.py``): exact under every way reads come and go, and
every search through it returns what a brute-force filter over all the reads returns, without
scanning the reads."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from platekeeper.domain import GeoPoint, PlateRead
from platekeeper.domain.cameras import CameraKind
from platekeeper.domain.corrections import ReadCorrection
from platekeeper.domain.geo import GeoArea, GeoBox
from platekeeper.domain.holds import Exemptions, PlateSpan
from platekeeper.domain.plates import fold_confusables
from platekeeper.domain.reads import ReadSubmission
from platekeeper.domain.time import day_start
from platekeeper.store import Store
from platekeeper.store.protocols import ReadCursor, ReadQuery
from platekeeper.store.sql.plate_index import FOLDED_ALPHABET, spelled_out, unspelled_pattern
from tests.conftest import NOW, make_agency, make_camera, make_read

SEED = 17
DAYS = 8
# The fixture's fixed camera stands here; mobile reads scatter around it.
HOME = GeoPoint(38.5816, -121.4944)
# Camera -> agency: two of the home agency's (one mobile), one of another's.
CAMERAS = {"main-st-north": "demo-pd", "patrol-7": "demo-pd", "county-3": "county-so"}
_LETTERS = "ABCDEFGHJKMNPRSUVWXYZ"  # a few letters, so that patterns find several plates
_LOOK_ALIKES = {"0": "O", "O": "0", "B": "8", "8": "B", "S": "5", "5": "S", "1": "I", "2": "Z"}


# --- the index equals a recount of the reads ------------------------------------------------


def _database(store: Store) -> Any:
    return store._db  # type: ignore[attr-defined]


def _rows(store: Store, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with _database(store).read() as transaction:
        return [tuple(row) for row in transaction.execute(sql, params).fetchall()]


def _index(store: Store) -> dict[str, tuple[Any, ...]]:
    rows = _rows(store, "SELECT plate_key, folded_key, first_seen, last_seen, reads FROM plates")
    return {row[0]: row[1:] for row in rows}


def _recount(store: Store) -> dict[str, tuple[Any, ...]]:
    rows = _rows(
        store,
        "SELECT plate_key, min(captured_at), max(captured_at), count(*) FROM reads"
        " GROUP BY plate_key",
    )
    return {key: (fold_confusables(key), first, last, count) for key, first, last, count in rows}


def assert_index_exact(store: Store) -> None:
    assert _index(store) == _recount(store)
    if _database(store).dialect.name == "sqlite":
        # The trigrams follow the plates (external content): FTS5 checks it.
        with _database(store).write() as transaction:
            transaction.execute(
                "INSERT INTO plate_trigrams (plate_trigrams) VALUES ('integrity-check')"
            )


def _varied_reads(count: int, start: int = 0) -> list[PlateRead]:
    rng = random.Random(SEED + start)
    return [
        make_read(
            start + i,
            plate_text=rng.choice(["7ABC123", "7A8C123", "5XYZ789", "6DEF456", "AB1"]),
            captured_at=NOW - timedelta(hours=rng.randrange(24 * DAYS), seconds=i),
        )
        for i in range(count)
    ]


def test_the_index_counts_every_read_stored_once(store: Store) -> None:
    assert _index(store) == {}
    reads = _varied_reads(60)
    store.reads.add(reads[:40])
    assert_index_exact(store)
    # A retried batch adds nothing; a batch mixing retries and new reads adds the new ones.
    store.reads.add(reads[:40])
    store.reads.add(reads[30:])
    assert_index_exact(store)
    assert sum(row[3] for row in _index(store).values()) == 60
    assert _index(store)["7ABC123"][0] == "7ABCIZ3"


def test_purge_batches_keep_counts_and_first_sightings_true(store: Store) -> None:
    reads = _varied_reads(80)
    store.reads.add(reads)
    before = NOW - timedelta(days=DAYS // 2)
    held = PlateSpan("6DEF456", NOW - timedelta(days=DAYS * 2), NOW)
    exempt = Exemptions(read_ids=frozenset({reads[0].id}), plates=(held,))
    while store.reads.delete_expired(before, hit_reads=False, exempt=exempt, limit=7).reads:
        assert_index_exact(store)
    assert_index_exact(store)
    assert "6DEF456" in _index(store)


def test_first_and_last_sightings_move_to_the_nearest_day_left_however_far(store: Store) -> None:
    # A purged day moves a plate's first sighting to its next read: the next day, a week
    # later (past the days walked one by one), or not at all when an older read is kept; and
    # its last sighting back to an older kept read.
    def at(days: float, plate: str, index: int) -> PlateRead:
        return make_read(index, plate_text=plate, captured_at=NOW - timedelta(days=days))

    kept_old = at(20, "7KEPT01", 1)
    kept_last = at(12, "7LAST01", 2)
    reads = [
        kept_old, at(10, "7KEPT01", 3), at(2, "7KEPT01", 4),
        at(10, "7NEXT01", 5), at(9, "7NEXT01", 6), at(1, "7NEXT01", 7),
        at(10, "7WEEK01", 8), at(3, "7WEEK01", 9),
        kept_last, at(10, "7LAST01", 10),
    ]  # fmt: skip
    store.reads.add(reads)
    exempt = Exemptions(read_ids=frozenset({kept_old.id, kept_last.id}))
    cutoff = NOW - timedelta(days=9, hours=12)
    while store.reads.delete_expired(cutoff, hit_reads=False, exempt=exempt, limit=100).reads:
        pass
    assert_index_exact(store)
    index = _index(store)
    assert set(index) == {"7KEPT01", "7NEXT01", "7WEEK01", "7LAST01"}


def test_a_pattern_of_one_length_is_spelled_out_into_folded_keys() -> None:
    spelled = spelled_out(fold_confusables("7A_C12_"))
    assert spelled is not None
    assert len(spelled) == len(FOLDED_ALPHABET) ** 2 == 676
    assert fold_confusables("7ABC128") in spelled
    assert all(re.fullmatch("7A.CIZ.", key) for key in spelled)
    # Any run of characters, or too many unknown ones, is left to the trigrams.
    assert spelled_out("7AB%") is None
    assert spelled_out("7A___") is None
    assert spelled_out("7ABC123") is None


def test_only_a_pattern_not_spelled_out_is_looked_up_through_the_indexes() -> None:
    assert unspelled_pattern(ReadQuery(plate_like="%C123")) == fold_confusables("%C123")
    assert unspelled_pattern(ReadQuery(plate_like="7AB%", misread_tolerant=True)) == "7AB%"
    assert unspelled_pattern(ReadQuery(plate_like="7A_C12_")) is None
    assert unspelled_pattern(ReadQuery(plate_key="7ABC123", misread_tolerant=True)) is None


def test_a_day_purged_whole_is_settled_to_exact_counts(store: Store) -> None:
    # PostgreSQL swaps a whole day out of sight and tells the index after: until then it may
    # name plates and count reads that are gone, never fewer, and searches return what the
    # reads hold; settled, every count is exact again, a plate left with nothing has gone, and
    # each plate's first and last sighting enclose its reads.
    day = day_start((NOW - timedelta(days=5)).date())

    def at(days: float, plate: str, index: int) -> PlateRead:
        return make_read(index, plate_text=plate, captured_at=day + timedelta(days=days))

    kept = at(0.2, "7KEPT01", 1)
    reads = [
        kept, at(0.3, "7KEPT01", 2), at(0.1, "7ONLY01", 3), at(0.4, "7ONLY01", 4),
        at(0.5, "7BOTH01", 5), at(1.5, "7BOTH01", 6), at(3.2, "7LATE01", 7),
        at(0.6, "7TWICE1", 9), at(0.7, "7TWICE1", 10),  # told in two batches, nothing left
    ]  # fmt: skip
    store.reads.add(reads)
    exempt = Exemptions(read_ids=frozenset({kept.id}))
    purged = store.reads.delete_expired_day(day.date(), exempt=exempt)
    if _database(store).dialect.name == "sqlite":
        # SQLite purges in batches, which tell the index at once: nothing is ever owed.
        assert purged.reads == 0
        assert store.reads.unsettled() == 0
        return
    assert purged.reads == 6
    assert store.reads.unsettled() == 6  # out of sight, not yet told to the index
    owing, recount = _index(store), _recount(store)
    assert set(recount) == {"7KEPT01", "7BOTH01", "7LATE01"} < set(owing)
    assert all(owing[key][3] >= count for key, (*_, count) in recount.items())
    assert store.reads.find(ReadQuery(plate_like="7ONLY%")) == []
    assert [read.id for read in store.reads.find(ReadQuery(plate_like="7B0TH%",
        misread_tolerant=True))] == [reads[5].id]  # fmt: skip
    store.reads.add([at(2, "7ONLY01", 8)])  # seen again before the settle

    while store.reads.settle_summaries(1):
        pass

    assert store.reads.unsettled() == 0
    settled, recount = _index(store), _recount(store)
    assert set(settled) == set(recount) == {"7KEPT01", "7BOTH01", "7LATE01", "7ONLY01"}
    for key, (folded, first, last, count) in recount.items():
        assert settled[key][0] == folded
        assert settled[key][1] <= first
        assert settled[key][2] >= last
        assert settled[key][3] == count


def test_dropping_days_and_emptying_a_plate_removes_it(store: Store) -> None:
    store.reads.add([*_varied_reads(50), make_read(99, plate_text="9GONE99", captured_at=NOW)])
    store.reads.delete_captured_before(NOW - timedelta(days=3, hours=5))
    assert_index_exact(store)
    store.reads.delete_captured_before(NOW + timedelta(seconds=1))
    assert_index_exact(store)
    assert _index(store) == {}


def test_a_correction_moves_the_read_to_its_new_plate(store: Store) -> None:
    lone = make_read(1, plate_text="8MISRED", captured_at=NOW - timedelta(days=1))
    store.reads.add([lone, *_varied_reads(20, start=10)])
    assert store.read_corrections.apply(_correction(lone, "7ABC123"), lone.plate_key)
    assert_index_exact(store)
    assert "8MISRED" not in _index(store)
    assert store.reads.find(ReadQuery(plate_like="8MIS%")) == []
    found = store.reads.find(ReadQuery(plate_like="7AB%"))
    assert lone.id in {read.id for read in found}


def _correction(read: PlateRead, corrected_text: str) -> ReadCorrection:
    return ReadCorrection(
        id="correction-1",
        read_id=read.id,
        agency_id="demo-pd",
        captured_at=read.captured_at,
        original_text=read.plate_text,
        original_region=read.region,
        corrected_text=corrected_text,
        corrected_region=read.region,
        corrected_by="cora",
        corrected_at=NOW,
        reason="the reader took 7 for 8",
        purpose_code="investigation",
        case_number="2026-0042",
    )


def test_a_rebuild_recomputes_the_index_from_the_reads(store: Store) -> None:
    store.reads.add(_varied_reads(30))
    with _database(store).write() as transaction:
        transaction.execute("DELETE FROM plates WHERE plate_key = ?", ("5XYZ789",))
        transaction.execute("UPDATE plates SET reads = reads + 5")
    assert _index(store) != _recount(store)
    store.reads.rebuild_summaries()
    assert_index_exact(store)


def _stored_bytes(store: Store) -> int:
    """The space the plate index takes: its table and indexes on PostgreSQL, the database's
    pages in use on SQLite (where the rebuild's other tables are the same size each time)."""
    if _database(store).dialect.name == "postgres":
        [(size,)] = _rows(store, "SELECT pg_total_relation_size('plates')")
    else:
        [(pages,)] = _rows(
            store,
            "SELECT page_count - freelist_count FROM pragma_page_count, pragma_freelist_count",
        )
        [(page_size,)] = _rows(store, "PRAGMA page_size")
        size = pages * page_size
    return int(size)


def test_rebuilding_again_leaves_the_index_its_own_size(
    city: tuple[Store, list[PlateRead]],
) -> None:
    # Emptied row by row and filled again in one transaction, PostgreSQL's table and indexes
    # would hold every row twice over, and vacuum never gives that space back.
    store, _ = city
    store.reads.rebuild_summaries()
    once = _stored_bytes(store)
    for _ in range(3):
        store.reads.rebuild_summaries()
    assert _stored_bytes(store) <= once * 1.1
    assert_index_exact(store)


# --- every search returns what a brute-force filter returns ---------------------------------


@pytest.fixture
def city(store: Store) -> tuple[Store, list[PlateRead]]:
    """A store holding some two thousand random reads of look-alike plates, three cameras of
    two agencies, over ``DAYS`` days."""
    store.agencies.add(make_agency("county-so"))
    store.cameras.add(make_camera("patrol-7", kind=CameraKind.MOBILE)[0])
    store.cameras.add(make_camera("county-3", agency_id="county-so")[0])
    reads = _random_reads(random.Random(SEED), 2000)
    for at in range(0, len(reads), 500):
        store.reads.add(reads[at : at + 500])
    return store, reads


def _random_reads(rng: random.Random, count: int) -> list[PlateRead]:
    plates = [_random_plate(rng) for _ in range(60)]
    # Misreads of some: look-alikes swapped, one character changed, dropped or added.
    plates += [_misread(rng, rng.choice(plates)) for _ in range(60)]
    plates += ["AB1", "A81", "XY12"]
    reads = []
    for i in range(count):
        camera = rng.choice(list(CAMERAS))
        location = None
        if camera == "patrol-7":
            location = GeoPoint(
                HOME.latitude + rng.uniform(-0.02, 0.02), HOME.longitude + rng.uniform(-0.02, 0.02)
            )
        submission = ReadSubmission(
            client_read_id=f"city-{i}",
            plate_text=rng.choice(plates),
            confidence=0.9,
            # Whole seconds, some shared by two reads: ties order by id.
            captured_at=NOW - timedelta(seconds=rng.randrange(DAYS * 86_400 // 60) * 60),
            location=location,
        )
        reads.append(PlateRead.from_submission(submission, camera_id=camera, received_at=NOW))
    return reads


def _random_plate(rng: random.Random) -> str:
    digits = "0123456789"
    return (
        rng.choice("1234567")
        + "".join(rng.choice(_LETTERS) for _ in range(3))
        + "".join(rng.choice(digits) for _ in range(3))
    )


def _misread(rng: random.Random, plate: str) -> str:
    at = rng.randrange(len(plate))
    how = rng.choice(["look-alike", "change", "drop", "add"])
    if how == "look-alike":
        swappable = [i for i, ch in enumerate(plate) if ch in _LOOK_ALIKES]
        if swappable:
            at = rng.choice(swappable)
            return plate[:at] + _LOOK_ALIKES[plate[at]] + plate[at + 1 :]
    if how == "drop":
        return plate[:at] + plate[at + 1 :]
    if how == "add":
        return plate[:at] + rng.choice(_LETTERS) + plate[at:]
    return plate[:at] + rng.choice(_LETTERS + "0123456789") + plate[at + 1 :]


def _like(pattern: str) -> Callable[[str], bool]:
    regex = re.compile("".join(".*" if c == "%" else "." if c == "_" else c for c in pattern))
    return lambda key: regex.fullmatch(key) is not None


def _one_edit(left: str, right: str) -> bool:
    """Levenshtein distance exactly one, by the book."""
    previous = list(range(len(right) + 1))
    for i, a in enumerate(left, start=1):
        current = [i]
        for j, b in enumerate(right, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1] == 1


def _plate_matches(query: ReadQuery, key: str) -> bool:
    return _like_matches(query, key) and _key_matches(query, key)


def _like_matches(query: ReadQuery, key: str) -> bool:
    if query.plate_like is None:
        return True
    if query.misread_tolerant:
        return _like(fold_confusables(query.plate_like))(fold_confusables(key))
    return _like(query.plate_like)(key)


def _key_matches(query: ReadQuery, key: str) -> bool:
    if query.plate_key is None:
        return True
    if not query.misread_tolerant:
        return key == query.plate_key
    wanted, folded = fold_confusables(query.plate_key), fold_confusables(key)
    if folded == wanted:
        return True
    return len(wanted) > 3 and len(folded) > 3 and _one_edit(folded, wanted)


def _brute_force(reads: list[PlateRead], query: ReadQuery, page: int | None = None) -> list[str]:
    """Every read ``query`` takes, newest first, by filtering them all; ``page`` limits."""

    def taken(read: PlateRead) -> bool:
        where = read.location or HOME
        area: GeoArea | None = query.area
        checks = [
            _plate_matches(query, read.plate_key),
            query.camera_id in (None, read.camera_id),
            query.agency_id in (None, CAMERAS[read.camera_id]),
            query.captured_from is None or read.captured_at >= query.captured_from,
            query.captured_before is None or read.captured_at < query.captured_before,
            area is None or area.contains(where),
            query.after is None
            or (read.captured_at, read.id) < (query.after.captured_at, query.after.read_id),
        ]
        return all(checks)

    found = sorted(
        (read for read in reads if taken(read)), key=lambda r: (r.captured_at, r.id), reverse=True
    )
    return [read.id for read in found[:page]]


def _queries(reads: list[PlateRead]) -> Iterator[ReadQuery]:
    rng = random.Random(SEED + 1)
    for read in rng.sample(reads, 12):
        key = read.plate_key
        for misread_tolerant in (False, True):
            yield ReadQuery(plate_like=key[:3] + "%", misread_tolerant=misread_tolerant)
            yield ReadQuery(plate_like="%" + key[-4:], misread_tolerant=misread_tolerant)
            yield ReadQuery(
                plate_like=key[:2] + "_" + key[3:6] + "%", misread_tolerant=misread_tolerant
            )
            # One length, a character or two unknown: spelled out into folded keys, with and
            # without a run of three known characters, and too many unknown to spell out.
            for like in (
                key[:2] + "_" + key[3:-1] + "_",
                key[0] + "_" + key[2] + "_" + key[4:],
                key[:3] + "_" * (len(key) - 3),
            ):
                yield ReadQuery(plate_like=like, misread_tolerant=misread_tolerant)
        yield ReadQuery(plate_key=key, misread_tolerant=True)
        # A key and a pattern: both hold.
        yield ReadQuery(plate_key=key, plate_like="%" + key[-2:], misread_tolerant=True)
        yield ReadQuery(plate_key=key, plate_like=key[:3] + "%")
        yield ReadQuery(plate_key=_misread(rng, key), misread_tolerant=True)
    yield ReadQuery(plate_key="AB1", misread_tolerant=True)
    yield ReadQuery(plate_key="XY1Z", misread_tolerant=True)
    yield ReadQuery(plate_like="%XYZ%")


def _narrowed(query: ReadQuery, rng: random.Random) -> Iterator[ReadQuery]:
    yield query
    start = NOW - timedelta(days=rng.uniform(1, DAYS))
    yield replace(query, captured_from=start, captured_before=start + timedelta(days=2))
    yield replace(query, camera_id="patrol-7")
    yield replace(query, agency_id="demo-pd", captured_before=NOW - timedelta(days=2))
    box = GeoBox(HOME.latitude - 0.01, HOME.longitude - 0.01, HOME.latitude, HOME.longitude)
    yield replace(query, area=box)


def test_every_search_returns_what_a_brute_force_filter_returns(
    city: tuple[Store, list[PlateRead]],
) -> None:
    store, reads = city
    rng = random.Random(SEED + 2)
    compared = 0
    for base in _queries(reads):
        for query in _narrowed(base, rng):
            found = [read.id for read in store.reads.find(replace(query, limit=5000))]
            assert found == _brute_force(reads, query), query
            page = [read.id for read in store.reads.find(replace(query, limit=4))]
            assert page == _brute_force(reads, query, page=4), query
            compared += bool(found)
    assert compared > 150  # most queries find something: the comparison is not of empties


def test_pages_follow_one_another_through_the_index(city: tuple[Store, list[PlateRead]]) -> None:
    store, reads = city
    for query in (
        ReadQuery(plate_like="%1%", misread_tolerant=True, limit=9),
        ReadQuery(plate_key=reads[3].plate_key, misread_tolerant=True, limit=2),
    ):
        pages: list[str] = []
        while True:
            after = None
            if pages:
                last = next(read for read in reads if read.id == pages[-1])
                after = ReadCursor(last.captured_at, last.id)
            page = store.reads.find(replace(query, after=after))
            if not page:
                break
            assert len(page) <= query.limit
            pages += [read.id for read in page]
        assert pages == _brute_force(reads, query)
        assert len(pages) > query.limit


# --- no search scans the reads --------------------------------------------------------------


def test_partial_and_misread_tolerant_searches_scan_no_read_table(
    city: tuple[Store, list[PlateRead]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, reads = city
    database = _database(store)
    statements: list[tuple[str, tuple[Any, ...]]] = []
    read = database.read

    @contextmanager
    def recording() -> Iterator[Any]:
        with read() as transaction:
            yield _Recording(transaction, statements)

    monkeypatch.setattr(database, "read", recording)
    start = NOW - timedelta(days=3)
    for query in (
        ReadQuery(plate_like="1AB%"),
        ReadQuery(plate_like="%C123"),
        ReadQuery(plate_like="7A_C12_", captured_from=start, agency_id="demo-pd"),
        ReadQuery(plate_like="7A_C12_", misread_tolerant=True),
        ReadQuery(plate_key="7ABC123", misread_tolerant=True, camera_id="patrol-7"),
    ):
        store.reads.find(query)
    # Plates the city holds: their reads are fetched too, through reads_by_plate.
    key = reads[0].plate_key
    for query in (
        ReadQuery(plate_key=key),
        ReadQuery(plate_like=key[:3] + "%"),
        ReadQuery(plate_like="%" + key[-4:], agency_id="demo-pd"),
        ReadQuery(plate_key=key, misread_tolerant=True, captured_from=start),
    ):
        assert store.reads.find(query)
    monkeypatch.undo()
    assert sum("FROM plates" not in sql for sql, _ in statements) >= 4
    for sql, params in statements:
        plan = _plan(store, sql, params)
        assert "reads" not in " ".join(_scanned(plan, database.dialect.name)), (sql, plan)


class _Recording:
    def __init__(self, transaction: Any, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        self._transaction = transaction
        self._statements = statements

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        self._statements.append((sql, tuple(parameters)))
        return self._transaction.execute(sql, parameters)


def _plan(store: Store, sql: str, params: tuple[Any, ...]) -> list[str]:
    database = _database(store)
    with database.read() as transaction:
        if database.dialect.name == "sqlite":
            rows = transaction.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            return [str(row[3]) for row in rows]
        # A few thousand reads fit a page or two, where a scan is cheapest: with scans priced
        # out, one that remains is one no index can replace.
        transaction.execute("SET enable_seqscan = off")
        try:
            rows = transaction.execute(f"EXPLAIN {sql}", params).fetchall()
        finally:
            transaction.execute("RESET enable_seqscan")
        return [str(row[0]) for row in rows]


def _scanned(plan: list[str], dialect: str) -> list[str]:
    """The tables (or partitions) ``plan`` reads whole."""
    if dialect == "sqlite":
        pattern = re.compile(r"^SCAN (\w+)")
    else:
        pattern = re.compile(r"Seq Scan on (\w+)")
    return [match.group(1) for line in plan for match in [pattern.search(line.strip())] if match]


def test_the_migration_indexes_the_reads_already_stored(store: Store) -> None:
    store.reads.add([*_varied_reads(40), make_read(90, plate_text="0DQ8512")])
    with _database(store).write() as transaction:
        if _database(store).dialect.name == "sqlite":
            transaction.execute("DROP TABLE plate_trigrams")
        transaction.execute("DROP TABLE plates")
        transaction.execute("DELETE FROM schema_migrations WHERE version = 41")
    assert store.upgrade() == ["0041_plate_index"]
    assert_index_exact(store)
    # The migration's SQL folds as fold_confusables does.
    assert _index(store)["0DQ8512"][0] == fold_confusables("0DQ8512") == "OOOBSIZ"
    assert [read.plate_key for read in store.reads.find(ReadQuery(plate_like="0D%"))] == ["0DQ8512"]
