"""The store keeps SQL written once: the shared repositories speak no driver, and each backend
package holds only what truly differs between the databases."""

from __future__ import annotations

from pathlib import Path

from tests.test_layers import imported_modules

STORE = Path(__file__).parents[2] / "platekeeper" / "store"
_DRIVERS = ("sqlite3", "psycopg", "psycopg_pool")


def test_shared_repositories_import_no_driver() -> None:
    offences = [
        f"{path.name} imports {module}"
        for path in sorted((STORE / "sql").glob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in _DRIVERS
        or module.startswith(("platekeeper.store.sqlite", "platekeeper.store.postgres"))
    ]
    assert offences == []


def test_no_repository_is_written_twice() -> None:
    """A module name in both backend packages is a twin, unless it is one of the parts that
    every backend has and that differ in substance (connection, dialect, store, tuned reads,
    the plate index's trigram search on SQLite and batch upsert on PostgreSQL, each a small
    subclass of the shared ``SqlPlateIndex``)."""
    per_backend = ("__init__", "database", "dialect", "plate_index", "reads", "store")
    sqlite = {path.stem for path in (STORE / "sqlite").glob("*.py")}
    postgres = {path.stem for path in (STORE / "postgres").glob("*.py")}
    assert sorted((sqlite & postgres) - set(per_backend)) == []
