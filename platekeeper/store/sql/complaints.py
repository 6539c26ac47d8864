"""The register of complaints about the use of the system (R36)."""

from __future__ import annotations

from datetime import date

from platekeeper.domain.complaints import Complaint, ComplaintSource, ComplaintStatus
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.sql.database import Repository, Row, marks
from platekeeper.store.sql.dialect import ConstraintViolation, DayCodec, TimeCodec, Violation

_COLUMNS = (
    "id, agency_id, source, summary, subject, received_on, recorded_by, recorded_at, status,"
    " finding, decided_by, decided_on"
)
_ASSIGNMENTS = ", ".join(f"{c} = ?" for c in _COLUMNS.split(", ")[8:])


class SqlComplaints(Repository):
    def add(self, complaint: Complaint) -> None:
        row = _row(complaint, self._time, self._dialect.day)
        try:
            self._execute(f"INSERT INTO complaints ({_COLUMNS}) VALUES ({marks(12)})", row)
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"agency {complaint.agency_id!r} does not exist") from None
            raise Conflict(f"complaint {complaint.id} already exists") from None

    def get(self, complaint_id: str) -> Complaint | None:
        row = self._fetch_one(f"SELECT {_COLUMNS} FROM complaints WHERE id = ?", (complaint_id,))
        return None if row is None else _from_row(row, self._time, self._dialect.day)

    def update(self, before: Complaint, after: Complaint) -> bool:
        row = _row(after, self._time, self._dialect.day)
        changed = self._execute(
            f"UPDATE complaints SET {_ASSIGNMENTS} WHERE id = ? AND status = ?",
            (*row[8:], before.id, before.status.value),
        )
        return changed == 1

    def list(
        self, agency_id: str | None, received: tuple[date, date] | None = None
    ) -> list[Complaint]:
        clauses: list[str] = []
        params: list[object] = []
        if agency_id is not None:
            clauses.append("agency_id = ?")
            params.append(agency_id)
        if received is not None:
            clauses.append("received_on >= ? AND received_on <= ?")
            params.extend(self._dialect.day.to_db(day) for day in received)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._fetch_all(
            f"SELECT {_COLUMNS} FROM complaints{where} ORDER BY received_on, recorded_at, id",
            params,
        )
        return [_from_row(row, self._time, self._dialect.day) for row in rows]


def _row(complaint: Complaint, time: TimeCodec, day: DayCodec) -> Row:
    return (
        complaint.id,
        complaint.agency_id,
        complaint.source.value,
        complaint.summary,
        complaint.subject,
        day.to_db(complaint.received_on),
        complaint.recorded_by,
        time.to_db(complaint.recorded_at),
        complaint.status.value,
        complaint.finding,
        complaint.decided_by,
        day.optional_to_db(complaint.decided_on),
    )


def _from_row(row: Row, time: TimeCodec, day: DayCodec) -> Complaint:
    return Complaint(
        id=row[0],
        agency_id=row[1],
        source=ComplaintSource(row[2]),
        summary=row[3],
        subject=row[4],
        received_on=day.from_db(row[5]),
        recorded_by=row[6],
        recorded_at=time.from_db(row[7]),
        status=ComplaintStatus(row[8]),
        finding=row[9],
        decided_by=row[10],
        decided_on=day.optional_from_db(row[11]),
    )
