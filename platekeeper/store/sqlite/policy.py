"""Published versions of the usage and privacy policy in SQLite."""

from __future__ import annotations

from typing import Any

from platekeeper.store.protocols import PolicyVersion
from platekeeper.store.sqlite.database import SqliteDatabase
from platekeeper.store.sqlite.time import SQLITE_TIME

_COLUMNS = "version, sha256, first_rendered_at, last_rendered_at"


class SqlitePolicyVersions:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def record(self, version: PolicyVersion) -> PolicyVersion:
        at = SQLITE_TIME.to_db(version.rendered_at)
        with self._db.write() as connection:
            row = connection.execute(
                f"INSERT INTO policy_versions ({_COLUMNS}) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (sha256) DO UPDATE SET last_rendered_at ="
                " max(policy_versions.last_rendered_at, excluded.last_rendered_at)"
                f" RETURNING {_COLUMNS}",
                (version.version, version.sha256, at, at),
            ).fetchone()
        return _from_row(row)

    def latest(self) -> PolicyVersion | None:
        versions = self.list(limit=1)
        return versions[0] if versions else None

    def list(self, limit: int = 100) -> list[PolicyVersion]:
        rows = self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM policy_versions"
            " ORDER BY last_rendered_at DESC, first_rendered_at DESC LIMIT ?",
            (limit,),
        )
        return [_from_row(row) for row in rows]


def _from_row(row: tuple[Any, ...]) -> PolicyVersion:
    return PolicyVersion(
        version=row[0],
        sha256=row[1],
        rendered_at=SQLITE_TIME.from_db(row[2]),
        last_rendered_at=SQLITE_TIME.from_db(row[3]),
    )
