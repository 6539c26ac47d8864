"""The auditor's records: reviews of the sampled searches."""

from __future__ import annotations

from platekeeper.domain.sample_reviews import SampleReview, Verdict
from platekeeper.errors import NotFound
from platekeeper.store.sql.database import Repository, Row, marks
from platekeeper.store.sql.dialect import ConstraintViolation, TimeCodec

_COLUMNS = "id, agency_id, access_seq, verdict, note, reviewed_by, reviewed_at"


class SqlSampleReviews(Repository):
    def add(self, review: SampleReview) -> None:
        row = (
            review.id,
            review.agency_id,
            review.access_seq,
            review.verdict.value,
            review.note,
            review.reviewed_by,
            self._time.to_db(review.reviewed_at),
        )
        try:
            self._execute(f"INSERT INTO sample_reviews ({_COLUMNS}) VALUES ({marks(7)})", row)
        except ConstraintViolation:
            raise NotFound(f"agency {review.agency_id!r} does not exist") from None

    def list(
        self, agency_id: str | None, seqs: tuple[int, ...] | None = None
    ) -> list[SampleReview]:
        clauses: list[str] = []
        params: list[object] = []
        if agency_id is not None:
            clauses.append("agency_id = ?")
            params.append(agency_id)
        if seqs is not None:
            if not seqs:
                return []
            clauses.append(f"access_seq IN ({marks(len(seqs))})")
            params.extend(seqs)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._fetch_all(
            f"SELECT {_COLUMNS} FROM sample_reviews{where} ORDER BY reviewed_at, id", params
        )
        return [_from_row(row, self._time) for row in rows]


def _from_row(row: Row, time: TimeCodec) -> SampleReview:
    return SampleReview(
        id=row[0],
        agency_id=row[1],
        access_seq=int(row[2]),
        verdict=Verdict(row[3]),
        note=row[4],
        reviewed_by=row[5],
        reviewed_at=time.from_db(row[6]),
    )
