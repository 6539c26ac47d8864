"""Published versions of the usage and privacy policy, and attestations of its purposes."""

from __future__ import annotations

from platekeeper.domain.policy_purposes import PurposeAttestation
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.store.protocols import PolicyVersion
from platekeeper.store.sql.database import Repository, Row
from platekeeper.store.sql.dialect import TimeCodec

_COLUMNS = "version, sha256, first_rendered_at, last_rendered_at"


class SqlPolicyVersions(Repository):
    def record(self, version: PolicyVersion) -> PolicyVersion:
        at = self._time.to_db(version.rendered_at)
        with self._db.write() as connection:
            row = connection.execute(
                f"INSERT INTO policy_versions ({_COLUMNS}) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (sha256) DO UPDATE SET last_rendered_at ="
                f" {self._dialect.greatest}(policy_versions.last_rendered_at,"
                f" excluded.last_rendered_at) RETURNING {_COLUMNS}",
                (version.version, version.sha256, at, at),
            ).fetchone()
        return _from_row(row, self._time)

    def latest(self) -> PolicyVersion | None:
        versions = self.list(limit=1)
        return versions[0] if versions else None

    def list(self, limit: int = 100) -> list[PolicyVersion]:
        rows = self._fetch_all(
            f"SELECT {_COLUMNS} FROM policy_versions"
            " ORDER BY last_rendered_at DESC, first_rendered_at DESC LIMIT ?",
            (limit,),
        )
        return [_from_row(row, self._time) for row in rows]


def _from_row(row: Row, time: TimeCodec) -> PolicyVersion:
    return PolicyVersion(
        version=row[0],
        sha256=row[1],
        rendered_at=time.from_db(row[2]),
        last_rendered_at=time.from_db(row[3]),
    )


_ATTESTED = "purpose_code, label, category, reason, attested_by, attested_at"


class SqlPurposeAttestations(Repository):
    def add(self, attestation: PurposeAttestation) -> None:
        a = attestation
        self._execute(
            f"INSERT INTO purpose_attestations ({_ATTESTED}) VALUES (?, ?, ?, ?, ?, ?)",
            (
                a.purpose_code,
                a.label,
                a.category.value,
                a.reason,
                a.attested_by,
                self._time.to_db(a.attested_at),
            ),
        )

    def list(self) -> list[PurposeAttestation]:
        rows = self._fetch_all(f"SELECT {_ATTESTED} FROM purpose_attestations ORDER BY seq")
        return [
            PurposeAttestation(
                row[0], row[1], PurposeCategory(row[2]), row[3], row[4], self._time.from_db(row[5])
            )
            for row in rows
        ]
