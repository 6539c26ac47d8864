"""Access events, chains held in memory, and a store of each backend for the access log."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest

from platekeeper.audit import AccessLog
from platekeeper.audit.signing import CheckpointSigner
from platekeeper.config import AuditSettings
from platekeeper.domain.access import (
    GENESIS_HASH,
    AccessEvent,
    AccessOutcome,
    AccessRecord,
    Actor,
    seal,
)
from platekeeper.store import Store
from platekeeper.store.postgres.dialect import POSTGRES
from platekeeper.store.sql.access_log import ACCESS_COLUMNS, access_row
from platekeeper.store.sqlite import SqliteStore
from platekeeper.store.sqlite.dialect import SQLITE
from tests.conftest import NOW, FixedClock
from tests.store.conftest import empty_store, store

__all__ = ["empty_store", "store"]


def make_event(
    index: int = 0,
    *,
    at: datetime | None = None,
    username: str = "officer1",
    action: str = "reads:search",
    plate: str | None = "7ABC123",
    case_number: str | None = "2026-000123",
    outcome: AccessOutcome = AccessOutcome.ALLOWED,
) -> AccessEvent:
    query = {"captured_from": "2026-11-01T00:00:00+00:00"}
    if plate is not None:
        query["plate"] = plate
    return AccessEvent(
        at=at or NOW + timedelta(minutes=index),
        actor=Actor(username, "demo-pd"),
        action=action,
        outcome=outcome,
        reason="allowed: purpose and case number given",
        query=query,
        read_ids=(f"read-{index}",),
        image_refs=(f"img/{index}.jpg",),
        purpose_code="criminal-investigation",
        case_number=case_number,
        client_address="10.0.0.7",
    )


def chain(count: int, start: int = 1, prev_hash: str = GENESIS_HASH) -> list[AccessRecord]:
    records: list[AccessRecord] = []
    for seq in range(start, start + count):
        record = seal(seq, make_event(seq), records[-1].entry_hash if records else prev_hash)
        records.append(record)
    return records


@pytest.fixture(scope="session")
def signer() -> CheckpointSigner:
    return CheckpointSigner.generate()


class RawSql:
    """Plain SQL on the store's database, as an attacker with database access has it: the
    append-only triggers are switched off first, as such an attacker would."""

    def __init__(self, store: Store, dsn: str | None) -> None:
        self._sqlite: sqlite3.Connection | None = None
        self._postgres: psycopg.Connection[Any] | None = None
        if isinstance(store, SqliteStore):
            self._sqlite = sqlite3.connect(store.path, isolation_level=None)
        else:
            assert dsn is not None
            self._postgres = psycopg.connect(dsn, autocommit=True)

    def disable_triggers(self) -> None:
        if self._sqlite is not None:
            names = self._sqlite.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'access_log%'"
            ).fetchall()
            for (name,) in names:
                self._sqlite.execute(f"DROP TRIGGER {name}")
        else:
            for table in ("access_log", "access_log_checkpoints"):
                self.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if self._sqlite is not None:
            self._sqlite.execute(sql, params)
        else:
            assert self._postgres is not None
            self._postgres.execute(sql.replace("?", "%s").encode(), params)

    def insert(self, record: AccessRecord) -> None:
        if self._sqlite is not None:
            row = access_row(record, SQLITE.time, SQLITE.json)
        else:
            row = access_row(record, POSTGRES.time, POSTGRES.json)
        placeholders = ", ".join("?" * len(row))
        self.execute(f"INSERT INTO access_log ({ACCESS_COLUMNS}) VALUES ({placeholders})", row)

    def renumber_from(self, seq: int, by: int) -> None:
        """Shift entries from ``seq`` on by ``by`` places; in two steps, as each row's new
        number must be free when it is written."""
        self.execute("UPDATE access_log SET seq = -(seq + ?) WHERE seq >= ?", (by, seq))
        self.execute("UPDATE access_log SET seq = -seq WHERE seq < 0")

    def swap(self, first: int, second: int) -> None:
        self.execute("UPDATE access_log SET seq = -1 WHERE seq = ?", (first,))
        self.execute("UPDATE access_log SET seq = ? WHERE seq = ?", (first, second))
        self.execute("UPDATE access_log SET seq = ? WHERE seq = -1", (second,))

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
        if self._postgres is not None:
            self._postgres.close()


@pytest.fixture
def raw(store: Store, request: pytest.FixtureRequest) -> Iterator[RawSql]:
    dsn = None if isinstance(store, SqliteStore) else request.getfixturevalue("postgres_schema_dsn")
    connection = RawSql(store, dsn)
    yield connection
    connection.close()


@pytest.fixture
def access_log(store: Store, signer: CheckpointSigner, clock: FixedClock) -> AccessLog:
    return AccessLog(store.access_log, signer, clock, AuditSettings(), store.agencies)
