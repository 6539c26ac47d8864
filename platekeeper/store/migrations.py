"""Versioned schema migrations, kept as numbered SQL files beside each backend.

Both backends carry the same versions with the same tables and columns; only the dialect differs
(``tests/store/test_schema.py`` holds them to that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_FILE_NAME = re.compile(r"(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"


def load_migrations(package: str) -> tuple[Migration, ...]:
    """The migrations shipped in ``package``, in version order, checked for gaps."""
    found: list[Migration] = []
    for entry in resources.files(package).iterdir():
        match = _FILE_NAME.fullmatch(entry.name)
        if match:
            found.append(
                Migration(int(match["version"]), match["name"], entry.read_text(encoding="utf-8"))
            )
    found.sort(key=lambda migration: migration.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration {expected:04d} is missing in {package}")
    return tuple(found)
