"""Migration 0034 on each database: agencies registered before it take their state's main time
zone, UTC outside the US; one registered since keeps the zone it was given."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from platekeeper.domain import Agency
from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.sql.registry import SqlAgencies
from platekeeper.store.sql.store import ManagedDatabase
from platekeeper.store.sqlite.database import SqliteDatabase
from tests.conftest import NOW

MIGRATION = "0034_agency_time_zone"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def before_zones(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ManagedDatabase]:
    """A database as it was before 0034, holding agencies of California, Texas and Ontario."""
    opened: ManagedDatabase
    if request.param == "sqlite":
        opened = SqliteDatabase(tmp_path / "store.sqlite3")
    else:
        opened = PostgresDatabase(request.getfixturevalue("postgres_schema_dsn"), max_size=2)
    opened.upgrade()
    time = opened.dialect.time
    with opened.write() as connection:
        connection.execute("ALTER TABLE agencies DROP COLUMN time_zone")
        connection.execute("DELETE FROM schema_migrations WHERE version = 34")
        for agency_id, state in (("sac-pd", "CA"), ("austin-pd", "TX"), ("tor-ps", "ON")):
            connection.execute(
                "INSERT INTO agencies (id, name, state, created_at) VALUES (?, 'A', ?, ?)",
                (agency_id, state, time.to_db(NOW)),
            )
    yield opened
    opened.close()


def test_agencies_from_before_take_their_states_zone(before_zones: ManagedDatabase) -> None:
    assert MIGRATION in before_zones.upgrade()
    agencies = SqlAgencies(before_zones)
    assert {agency.id: agency.time_zone for agency in agencies.list()} == {
        "austin-pd": "America/Chicago",
        "sac-pd": "America/Los_Angeles",
        "tor-ps": "UTC",
    }
    agencies.add(Agency("paris-pm", "Préfecture", "FR", NOW, time_zone="Europe/Paris"))
    added = agencies.get("paris-pm")
    assert added is not None
    assert added.time_zone == "Europe/Paris"
