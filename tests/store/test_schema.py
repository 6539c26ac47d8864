"""Both backends carry the same migrations with the same tables and columns."""

from __future__ import annotations

import re

from platekeeper.store.migrations import load_migrations

_TABLE = re.compile(r"CREATE TABLE (\w+) \((.*?)\n\)", re.DOTALL)
_COLUMN = re.compile(r"^\s+([a-z_]+)\s+[A-Za-z]", re.MULTILINE)
_CONSTRAINTS = {"primary", "unique", "foreign", "check"}


def _tables(package: str) -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    for migration in load_migrations(package):
        for name, body in _TABLE.findall(migration.sql):
            columns = [c for c in _COLUMN.findall(body) if c.lower() not in _CONSTRAINTS]
            tables[name] = columns
    return tables


def test_backends_share_migration_versions() -> None:
    sqlite = load_migrations("platekeeper.store.sqlite.migrations")
    postgres = load_migrations("platekeeper.store.postgres.migrations")
    assert [m.label for m in sqlite] == [m.label for m in postgres]


def test_backends_share_tables_and_columns() -> None:
    sqlite = _tables("platekeeper.store.sqlite.migrations")
    postgres = _tables("platekeeper.store.postgres.migrations")
    assert sqlite == postgres
    assert {"agencies", "cameras", "reads"} <= set(sqlite)
