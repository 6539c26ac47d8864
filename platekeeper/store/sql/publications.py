"""The transparency reports published on their schedule."""

from __future__ import annotations

from platekeeper.store.protocols.publications import TransparencySnapshot
from platekeeper.store.sql.database import Repository, Row
from platekeeper.store.sql.dialect import TimeCodec

_COLUMNS = "seq, published_at, period_from, period_to, report"


class SqlTransparencySnapshots(Repository):
    def add(self, snapshot: TransparencySnapshot) -> TransparencySnapshot:
        to_db = self._time.to_db
        with self._db.write() as connection:
            row = connection.execute(
                "INSERT INTO transparency_reports (published_at, period_from, period_to, report)"
                f" VALUES (?, ?, ?, ?) RETURNING {_COLUMNS}",
                (
                    to_db(snapshot.published_at),
                    to_db(snapshot.period_from),
                    to_db(snapshot.period_to),
                    snapshot.report,
                ),
            ).fetchone()
        return _from_row(row, self._time)

    def latest(self) -> TransparencySnapshot | None:
        found = self.list(limit=1)
        return found[0] if found else None

    def get(self, seq: int) -> TransparencySnapshot | None:
        row = self._fetch_one(f"SELECT {_COLUMNS} FROM transparency_reports WHERE seq = ?", (seq,))
        return None if row is None else _from_row(row, self._time)

    def list(self, limit: int = 100) -> list[TransparencySnapshot]:
        rows = self._fetch_all(
            f"SELECT {_COLUMNS} FROM transparency_reports"
            " ORDER BY published_at DESC, seq DESC LIMIT ?",
            (limit,),
        )
        return [_from_row(row, self._time) for row in rows]


def _from_row(row: Row, time: TimeCodec) -> TransparencySnapshot:
    return TransparencySnapshot(
        published_at=time.from_db(row[1]),
        period_from=time.from_db(row[2]),
        period_to=time.from_db(row[3]),
        report=row[4],
        seq=int(row[0]),
    )
