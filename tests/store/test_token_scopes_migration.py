"""Migration 0032 on each database: tokens issued before scopes keep none, so they do nothing
until reissued; tokens issued since keep theirs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from platekeeper.domain.credentials import ApiToken
from platekeeper.domain.token_scopes import TokenScope
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.sql.accounts import SqlApiTokens
from platekeeper.store.sql.store import ManagedDatabase
from platekeeper.store.sqlite.database import SqliteDatabase
from tests.conftest import NOW

MIGRATION = "0032_api_token_scopes"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def before_scopes(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ManagedDatabase]:
    """A database as it was before 0032, holding one person and their (year-long) token."""
    opened: ManagedDatabase
    if request.param == "sqlite":
        opened = SqliteDatabase(tmp_path / "store.sqlite3")
    else:
        opened = PostgresDatabase(request.getfixturevalue("postgres_schema_dsn"), max_size=2)
    opened.upgrade()
    time = opened.dialect.time
    with opened.write() as connection:
        connection.execute("ALTER TABLE api_tokens DROP COLUMN scopes")
        connection.execute("DELETE FROM schema_migrations WHERE version = 32")
        connection.execute(
            "INSERT INTO agencies (id, name, state, created_at) VALUES ('a', 'A', 'CA', ?)",
            (time.to_db(NOW),),
        )
        connection.execute(
            "INSERT INTO accounts (id, username, display_name, agency_id, job_title, roles,"
            " status, created_at) VALUES ('p', 'pat', 'Pat', 'a', 'Analyst', 'analyst',"
            " 'active', ?)",
            (time.to_db(NOW),),
        )
        connection.execute(
            "INSERT INTO api_tokens (id, account_id, name, token_hash, created_at, expires_at)"
            " VALUES ('old', 'p', 'nightly', 'hash-of-old', ?, ?)",
            (time.to_db(NOW), time.to_db(NOW + timedelta(days=365))),
        )
    yield opened
    opened.close()


def test_tokens_from_before_scopes_get_none(before_scopes: ManagedDatabase) -> None:
    assert MIGRATION in before_scopes.upgrade()
    tokens = SqlApiTokens(before_scopes)
    old = tokens.get("old")
    assert old is not None
    assert old.scopes == frozenset()
    # One issued since keeps what it was issued for.
    scopes = frozenset({TokenScope.SEARCH, TokenScope.INGEST_ADMIN})
    tokens.add(
        ApiToken("new", "p", "feed", "hash-of-new", NOW, NOW + timedelta(days=30), scopes=scopes)
    )
    new = tokens.by_token_hash("hash-of-new")
    assert new is not None
    assert new.scopes == scopes
    assert {token.id: token.scopes for token in tokens.list("p")} == {
        "old": frozenset(),
        "new": scopes,
    }
