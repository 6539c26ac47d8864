"""The port the shared repositories are written against, on each database: the same SQL, with
``?`` marks and literal ``%``, the same answers, and a broken constraint named the same way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.sql.dialect import ConstraintViolation, Violation
from platekeeper.store.sql.store import ManagedDatabase
from platekeeper.store.sqlite.database import SqliteDatabase
from tests.conftest import NOW


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ManagedDatabase]:
    opened: ManagedDatabase
    if request.param == "sqlite":
        opened = SqliteDatabase(tmp_path / "store.sqlite3")
    else:
        opened = PostgresDatabase(request.getfixturevalue("postgres_schema_dsn"), max_size=2)
    opened.upgrade()
    with opened.write() as connection:
        connection.execute(
            "INSERT INTO agencies (id, name, state, created_at) VALUES (?, ?, ?, ?)",
            ("a", "Agency 50% of the time?", "CA", opened.dialect.time.to_db(NOW)),
        )
    yield opened
    opened.close()


def test_marks_and_literal_percent_signs_mean_the_same_everywhere(
    database: ManagedDatabase,
) -> None:
    with database.read() as connection:
        row = connection.execute(
            "SELECT name FROM agencies WHERE name LIKE '%50\\%%' ESCAPE '\\' AND id = ?", ("a",)
        ).fetchone()
    assert row == ("Agency 50% of the time?",)


def test_a_list_binds_as_one_parameter(database: ManagedDatabase) -> None:
    dialect = database.dialect
    with database.read() as connection:
        found = connection.execute(
            f"SELECT count(*) FROM agencies WHERE {dialect.member('id')}",
            (dialect.array(["x", "a", *(str(n) for n in range(40_000))]),),
        ).fetchone()
    assert found == (1,)


def test_later_keeps_the_later_instant_and_takes_a_first_one(database: ManagedDatabase) -> None:
    time = database.dialect.time
    update = f"UPDATE accounts SET last_active_at = {database.dialect.later('last_active_at')}"
    with database.write() as connection:
        connection.execute(
            "INSERT INTO accounts (id, username, display_name, agency_id, job_title, roles,"
            " status, created_at) VALUES ('p', 'pat', 'Pat', 'a', 'Analyst', 'analyst',"
            " 'active', ?)",
            (time.to_db(NOW),),
        )
    for at in (NOW, NOW - timedelta(hours=1)):
        with database.write() as connection:
            connection.execute(update, (time.to_db(at), time.to_db(at)))
    with database.read() as connection:
        (stored,) = connection.execute("SELECT last_active_at FROM accounts").fetchone()
    assert time.from_db(stored) == NOW


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("INSERT INTO cameras (id, agency_id, name, kind, status, api_key_hash, created_at)"
         " VALUES ('c', 'nowhere', 'C', 'fixed', 'active', 'h', ?)", Violation.FOREIGN_KEY),
        ("INSERT INTO agencies (id, name, state, created_at) VALUES ('a', 'Again', 'CA', ?)",
         Violation.UNIQUE),
    ],
)  # fmt: skip
def test_a_broken_constraint_is_named_and_nothing_is_written(
    database: ManagedDatabase, sql: str, kind: Violation
) -> None:
    at = database.dialect.time.to_db(NOW)

    def write_both() -> None:
        with database.write() as connection:
            connection.execute(
                "INSERT INTO agencies (id, name, state, created_at) VALUES ('b', 'B', 'NV', ?)",
                (at,),
            )
            connection.execute(sql, (at,))

    with pytest.raises(ConstraintViolation) as raised:
        write_both()
    assert raised.value.kind is kind
    with database.read() as connection:
        assert connection.execute("SELECT id FROM agencies").fetchall() == [("a",)]
