"""Published versions of the usage and privacy policy in PostgreSQL."""

from __future__ import annotations

from typing import Any

from platekeeper.store.postgres.database import PostgresDatabase
from platekeeper.store.postgres.time import POSTGRES_TIME
from platekeeper.store.protocols import PolicyVersion

_COLUMNS = "version, sha256, first_rendered_at, last_rendered_at"


class PostgresPolicyVersions:
    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    def record(self, version: PolicyVersion) -> PolicyVersion:
        at = version.rendered_at
        with self._db.connection() as connection:
            row = connection.execute(
                f"INSERT INTO policy_versions ({_COLUMNS}) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (sha256) DO UPDATE SET last_rendered_at ="
                " greatest(policy_versions.last_rendered_at, excluded.last_rendered_at)"
                f" RETURNING {_COLUMNS}",
                (version.version, version.sha256, at, at),
            ).fetchone()
        assert row is not None
        return _from_row(row)

    def latest(self) -> PolicyVersion | None:
        versions = self.list(limit=1)
        return versions[0] if versions else None

    def list(self, limit: int = 100) -> list[PolicyVersion]:
        with self._db.connection() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM policy_versions"
                " ORDER BY last_rendered_at DESC, first_rendered_at DESC LIMIT %s",
                (limit,),
            ).fetchall()
        return [_from_row(row) for row in rows]


def _from_row(row: tuple[Any, ...]) -> PolicyVersion:
    return PolicyVersion(
        version=row[0],
        sha256=row[1],
        rendered_at=POSTGRES_TIME.from_db(row[2]),
        last_rendered_at=POSTGRES_TIME.from_db(row[3]),
    )
