"""What only the PostgreSQL store does: a partition per capture day, dropped whole by age."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from platekeeper.errors import StoreError
from platekeeper.store.postgres import PostgresStore
from platekeeper.store.postgres.database import READ_AHEAD, PostgresDatabase
from platekeeper.store.postgres.dialect import POSTGRES, PostgresTransaction
from platekeeper.store.protocols import ReadQuery
from tests.conftest import NOW, make_agency, make_camera, make_read, postgres_dsn

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(postgres_schema_dsn: str) -> Iterator[PostgresStore]:
    store = PostgresStore(postgres_schema_dsn, min_size=1, max_size=2)
    store.upgrade()
    store.agencies.add(make_agency())
    store.cameras.add(make_camera()[0])
    yield store
    store.close()


def partitions(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as connection:
        rows = connection.execute(
            "SELECT child.relname FROM pg_inherits"
            " JOIN pg_class parent ON parent.oid = pg_inherits.inhparent"
            " JOIN pg_class child ON child.oid = pg_inherits.inhrelid"
            " JOIN pg_namespace ns ON ns.oid = child.relnamespace"
            " WHERE parent.relname = 'reads' AND ns.nspname = current_schema()"
            " ORDER BY 1"
        ).fetchall()
    return [name for (name,) in rows]


def test_each_capture_day_gets_its_partition(
    pg_store: PostgresStore, postgres_schema_dsn: str
) -> None:
    pg_store.reads.add([make_read(i, captured_at=NOW - timedelta(days=i)) for i in range(3)])
    assert partitions(postgres_schema_dsn) == [
        "reads_p20261126",
        "reads_p20261127",
        "reads_p20261128",
    ]


def test_old_days_are_dropped_whole(pg_store: PostgresStore, postgres_schema_dsn: str) -> None:
    reads = [make_read(i, captured_at=NOW - timedelta(hours=10 * i)) for i in range(8)]
    pg_store.reads.add(reads)
    cutoff = NOW.replace(hour=6) - timedelta(days=1)  # 27 Nov 06:00: reads 4 to 7 are older
    assert pg_store.reads.delete_captured_before(cutoff) == 4
    assert partitions(postgres_schema_dsn) == ["reads_p20261127", "reads_p20261128"]
    assert [r.client_read_id for r in reads if pg_store.reads.get(r.id)] == [
        f"read-{i}" for i in range(4)
    ]


def test_a_day_dropped_by_another_process_is_made_again(
    pg_store: PostgresStore, postgres_schema_dsn: str
) -> None:
    pg_store.reads.add([make_read(1)])
    other = PostgresStore(postgres_schema_dsn, min_size=1, max_size=1)
    try:
        assert other.reads.delete_captured_before(NOW + timedelta(days=1)) == 1
    finally:
        other.close()
    assert partitions(postgres_schema_dsn) == []
    [stored] = pg_store.reads.add([make_read(2)])
    assert pg_store.reads.get(stored.read_id) is not None


def test_an_unreachable_server_is_a_store_error_without_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        PostgresStore("postgresql://pk:s3cret-pw@127.0.0.1:1/none?connect_timeout=1", max_size=1)
    assert "s3cret-pw" not in str(caught.value)


def test_two_stores_in_two_schemas_of_one_database_each_search_by_pattern(
    pg_store: PostgresStore, postgres_schema_dsn: str
) -> None:
    # pg_trgm exists once per database, in the schema that first created it; the second
    # store's migration must still build its trigram index, and its pattern searches use it.
    pg_store.reads.add([make_read(1, plate_text="7ABC123")])
    with psycopg.connect(postgres_schema_dsn, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {_SECOND_SCHEMA}")
    dsn = make_conninfo(postgres_schema_dsn, options=f"-csearch_path={_SECOND_SCHEMA}")
    second = PostgresStore(dsn, min_size=1, max_size=2)
    try:
        second.upgrade()
        second.agencies.add(make_agency())
        second.cameras.add(make_camera()[0])
        second.reads.add([make_read(2, plate_text="8XYZ123"), make_read(3, plate_text="8XYQ999")])
        found = second.reads.find(ReadQuery(plate_like="%Z12%"))
        assert [read.plate_text for read in found] == ["8XYZ123"]
        assert [r.plate_text for r in pg_store.reads.find(ReadQuery(plate_like="%C12%"))] == [
            "7ABC123"
        ]
    finally:
        second.close()
        with psycopg.connect(postgres_schema_dsn, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {_SECOND_SCHEMA} CASCADE")


_SECOND_SCHEMA = "test_second_store"


def test_a_database_without_utf8_text_is_refused_with_how_to_make_one() -> None:
    dsn = postgres_dsn()
    name = f"test_ascii_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name} ENCODING 'SQL_ASCII' TEMPLATE template0")
    try:
        with pytest.raises(StoreError) as caught:
            PostgresStore(make_conninfo(dsn, dbname=name), min_size=1, max_size=1)
        assert "SQL_ASCII" in str(caught.value)
        assert "--encoding=UTF8" in (caught.value.hint or "")
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE {name}")


@pytest.mark.parametrize("client_encoding", ["UTF8", "LATIN1"])
def test_strings_bound_as_one_array_come_back_as_they_were_sent(client_encoding: str) -> None:
    # The dialect writes a list of strings as an array literal itself: every character that
    # the literal's syntax gives a meaning must still be plain text on the server, in whatever
    # encoding the client speaks (PGCLIENTENCODING may set one).
    sent = ["7ABC123", "a,b", "NULL", "two words", 'say "hi"', "back\\slash", "{x}", "", "é"]
    dsn = make_conninfo(postgres_dsn(), client_encoding=client_encoding)
    with psycopg.connect(dsn) as connection:
        transaction = PostgresTransaction(connection)
        row = transaction.execute("SELECT ?::text[]", (POSTGRES.array(sent),)).fetchone()
        assert row is not None
        assert row[0] == sent
        found = transaction.execute(
            "SELECT value FROM unnest(?::text[]) AS value WHERE value = ANY(?)",
            (["NULL", "a", "b", "a,b"], POSTGRES.array(sent)),
        ).fetchall()
    assert [value for (value,) in found] == ["NULL", "a,b"]


def test_a_statement_under_one_plan_is_planned_for_any_value_from_its_first_run() -> None:
    statement = "SELECT count(*) FROM generate_series(1, 1000) AS n WHERE n < ?"
    with psycopg.connect(postgres_dsn(), autocommit=True) as connection:
        transaction = PostgresTransaction(connection)
        counts = [transaction.fetch_under_one_plan(statement, (limit,)) for limit in (10, 501, 0)]
        plans = connection.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE '%generate_series(1, 1000)%'"
        ).fetchall()
        # The setting ends with its statement: what runs next on the connection plans as usual.
        setting = connection.execute("SHOW plan_cache_mode").fetchone()
    assert counts == [[(9,)], [(500,)], [(0,)]]
    assert plans == [(3, 0)]
    assert setting == ("auto",)


def test_a_statement_in_table_order_reads_through_bitmaps_and_leaves_the_plans_after_it() -> None:
    statement = "EXPLAIN SELECT label FROM numbers WHERE n = ?"
    number = 1259

    def plan(rows: Sequence[tuple[Any, ...]]) -> str:
        return " ".join(str(row[0]) for row in rows)

    with psycopg.connect(postgres_dsn(), autocommit=True) as connection:
        # A table of its own, analysed, for which the planner takes an index scan for one row.
        connection.execute(
            "CREATE TEMPORARY TABLE numbers AS"
            " SELECT n, n::text AS label FROM generate_series(1, 100000) AS n"
        )
        connection.execute("CREATE INDEX ON numbers (n)")
        connection.execute("ANALYZE numbers")
        transaction = PostgresTransaction(connection)
        usual = plan(transaction.execute(statement, (number,)).fetchall())
        in_table_order = plan(transaction.fetch_in_table_order(statement, (number,)))
        after = connection.execute("SHOW enable_indexscan").fetchone()
        # Within a transaction the setting would outlive the statement: it is planned as usual.
        with connection.transaction():
            within = plan(transaction.fetch_in_table_order(statement, (number,)))
            after_within = connection.execute("SHOW enable_indexscan").fetchone()
    assert "Index Scan using" in usual
    assert "Bitmap Heap Scan" not in usual
    assert "Bitmap Heap Scan" in in_table_order
    assert "Index Scan using" not in in_table_order
    assert within == usual
    assert after == after_within == ("on",)


def test_a_statement_under_one_plan_in_table_order_is_planned_once_with_bitmaps() -> None:
    statement = "SELECT relname FROM pg_class WHERE oid = ?::oid"
    with psycopg.connect(postgres_dsn(), autocommit=True) as connection:
        transaction = PostgresTransaction(connection)
        rows = [
            transaction.fetch_under_one_plan(statement, (oid,), in_table_order=True)
            for oid in (1259, 1247)
        ]
        prepared = connection.execute(
            "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE '%FROM pg_class WHERE oid%'"
        ).fetchall()
        settings = connection.execute(
            "SELECT current_setting('enable_indexscan'), current_setting('plan_cache_mode')"
        ).fetchone()
        # The plan kept is the one made under the setting.
        (name, _, _), *_ = prepared
        connection.execute("SET plan_cache_mode = force_generic_plan")
        plan = " ".join(row[0] for row in connection.execute(f"EXPLAIN EXECUTE {name}(1259)"))
    assert rows == [[("pg_class",)], [("pg_type",)]]
    assert [(generic, custom) for _, generic, custom in prepared] == [(2, 0)]
    assert "Bitmap Heap Scan" in plan
    assert settings == ("on", "auto")


def test_bitmap_scans_read_ahead_unless_the_administrator_chose_how_far() -> None:
    with psycopg.connect(postgres_dsn(), autocommit=True) as connection:
        source = connection.execute(
            "SELECT source FROM pg_settings WHERE name = 'effective_io_concurrency'"
        ).fetchone()
    if source != ("default",):
        pytest.skip("the test server's configuration sets effective_io_concurrency")
    chosen = make_conninfo(postgres_dsn(), options="-c effective_io_concurrency=3")
    values = []
    for dsn in (postgres_dsn(), chosen):
        database = PostgresDatabase(dsn, max_size=1)
        try:
            with database.read() as transaction:
                values.append(transaction.execute("SHOW effective_io_concurrency").fetchone())
        finally:
            database.close()
    assert values == [(str(READ_AHEAD),), ("3",)]


def test_a_pattern_s_end_is_found_through_the_reversed_keys(
    pg_store: PostgresStore, postgres_schema_dsn: str
) -> None:
    keys = ["7ABC123", "8XYC123", "7ABC124", "C1234", "9QQQ999"]
    pg_store.reads.add([make_read(i, plate_text=key) for i, key in enumerate(keys)])
    query = ReadQuery(plate_like="%C123")
    assert sorted(read.plate_key for read in pg_store.reads.find(query)) == ["7ABC123", "8XYC123"]
    with psycopg.connect(postgres_schema_dsn, autocommit=True) as connection:
        recorded = _Recorded(PostgresTransaction(connection))
        plates = pg_store.reads._plates
        assert plates is not None
        plates.matching(recorded, query)
        # The search's own statement must be one the reversed keys' index serves: with bitmap
        # scans (all a trigram index offers) and scans of the table priced out, only it is left.
        connection.execute("ANALYZE plates")
        connection.execute("SET enable_bitmapscan = off")
        connection.execute("SET enable_seqscan = off")
        sql, params = recorded.statements[0]
        plan = recorded.transaction.execute(f"EXPLAIN {sql}", params).fetchall()
    assert "Index Scan using plates_by_reversed_folded" in plan[0][0], plan


class _Recorded:
    def __init__(self, transaction: PostgresTransaction) -> None:
        self.transaction = transaction
        self.statements: list[tuple[str, Sequence[Any]]] = []

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[Any]:
        self.statements.append((sql, parameters))
        return self.transaction.execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> None:
        raise AssertionError("a search writes nothing")
