"""The auditor's records: reviews of the sampled searches, report runs and resolved findings."""

from __future__ import annotations

from datetime import datetime

from platekeeper.domain.audit_findings import AuditRun, FindingResolution
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


_RUN_COLUMNS = "id, agency_id, period_start, period_end, run_by, run_at, codes"
_RESOLUTION_COLUMNS = "id, agency_id, run_id, code, how, resolved_by, resolved_at"


class SqlAuditRuns(Repository):
    def add(self, run: AuditRun) -> None:
        row = (
            run.id,
            run.agency_id,
            self._time.to_db(run.period_start),
            self._time.to_db(run.period_end),
            run.run_by,
            self._time.to_db(run.run_at),
            "\n".join(run.codes),
        )
        self._execute(f"INSERT INTO audit_runs ({_RUN_COLUMNS}) VALUES ({marks(7)})", row)

    def list(
        self, agency_id: str | None, period: tuple[datetime, datetime] | None = None
    ) -> list[AuditRun]:
        clauses: list[str] = []
        params: list[object] = []
        if agency_id is not None:
            clauses.append("agency_id = ?")
            params.append(agency_id)
        if period is not None:
            clauses.append("period_start = ? AND period_end = ?")
            params += [self._time.to_db(period[0]), self._time.to_db(period[1])]
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._fetch_all(
            f"SELECT {_RUN_COLUMNS} FROM audit_runs{where} ORDER BY run_at, id", params
        )
        return [_run(row, self._time) for row in rows]

    def latest(self, agency_id: str | None) -> AuditRun | None:
        where = "" if agency_id is None else " WHERE agency_id = ? OR agency_id IS NULL"
        row = self._fetch_one(
            f"SELECT {_RUN_COLUMNS} FROM audit_runs{where} ORDER BY run_at DESC, id DESC LIMIT 1",
            () if agency_id is None else (agency_id,),
        )
        return None if row is None else _run(row, self._time)


class SqlFindingResolutions(Repository):
    def add(self, resolution: FindingResolution) -> None:
        row = (
            resolution.id,
            resolution.agency_id,
            resolution.run_id,
            resolution.code,
            resolution.how,
            resolution.resolved_by,
            self._time.to_db(resolution.resolved_at),
        )
        sql = f"INSERT INTO finding_resolutions ({_RESOLUTION_COLUMNS}) VALUES ({marks(7)})"
        try:
            self._execute(sql, row)
        except ConstraintViolation:
            raise NotFound(f"report run {resolution.run_id!r} does not exist") from None

    def list(self, agency_id: str | None, run_id: str | None = None) -> list[FindingResolution]:
        clauses: list[str] = []
        params: list[object] = []
        if agency_id is not None:
            clauses.append("agency_id = ?")
            params.append(agency_id)
        if run_id is not None:
            clauses.append("run_id = ?")
            params.append(run_id)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._fetch_all(
            f"SELECT {_RESOLUTION_COLUMNS} FROM finding_resolutions{where} "
            "ORDER BY resolved_at, id",
            params,
        )
        return [
            FindingResolution(
                id=row[0],
                agency_id=row[1],
                run_id=row[2],
                code=row[3],
                how=row[4],
                resolved_by=row[5],
                resolved_at=self._time.from_db(row[6]),
            )
            for row in rows
        ]


def _run(row: Row, time: TimeCodec) -> AuditRun:
    return AuditRun(
        id=row[0],
        agency_id=row[1],
        period_start=time.from_db(row[2]),
        period_end=time.from_db(row[3]),
        run_by=row[4],
        run_at=time.from_db(row[5]),
        codes=tuple(code for code in row[6].split("\n") if code),
    )
