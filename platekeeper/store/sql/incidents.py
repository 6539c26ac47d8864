"""Security incidents, public-records requests and corrections of misreads."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from platekeeper.domain.breaches import (
    Incident,
    IncidentDecision,
    IncidentSource,
    IncidentStatus,
    NoticeContent,
)
from platekeeper.domain.corrections import ReadCorrection
from platekeeper.domain.records_requests import (
    AggregateRelease,
    Exemption,
    RecordsRequest,
    RequestStatus,
)
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.sql.database import Database, Repository, Row, marks
from platekeeper.store.sql.dialect import ConstraintViolation, DayCodec, TimeCodec, Violation
from platekeeper.store.sql.read_summaries import ReadSummaries, ReadSummary, removed_reads
from platekeeper.store.sql.reads import READ_COLUMNS, read_from_row

_INCIDENT_COLUMNS = (
    "id, agency_id, source, summary, discovered_at, reported_by, status, data_involved,"
    " reads_affected, people_affected, california_residents, handled_by, law_enforcement_delay,"
    " notice, notified_at, attorney_general_notified_at, decisions, decision_count"
)
_INCIDENT_ASSIGNMENTS = ", ".join(f"{c} = ?" for c in _INCIDENT_COLUMNS.split(", ")[2:])
_REQUEST_COLUMNS = (
    "id, agency_id, requester, description, received_on, recorded_by, recorded_at, status,"
    " extension_reason, exemptions, release, response, responded_by, responded_on"
)
_REQUEST_ASSIGNMENTS = ", ".join(f"{c} = ?" for c in _REQUEST_COLUMNS.split(", ")[7:])
_CORRECTION_COLUMNS = (
    "id, read_id, captured_at, agency_id, original_text, original_region, corrected_text,"
    " corrected_region, corrected_by, corrected_at, reason, purpose_code, case_number"
)
# A correction counts while its read is stored: the purge takes reads (whole partitions, on
# PostgreSQL) without a trigger, so every query asks, and ``delete_orphaned`` sweeps.
_READ_STORED = (
    "EXISTS (SELECT 1 FROM reads WHERE CAST(reads.id AS TEXT) = read_corrections.read_id"
    " AND reads.captured_at = read_corrections.captured_at)"
)


def _agency_where(agency_id: str | None, *more: str) -> tuple[str, list[object]]:
    clauses = [*more, *([] if agency_id is None else ["agency_id = ?"])]
    params: list[object] = [] if agency_id is None else [agency_id]
    return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), params


class _AgencyRecords(Repository):
    def _insert(self, sql: str, row: Row, what: str, agency_id: str) -> None:
        try:
            self._execute(sql, row)
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"agency {agency_id!r} does not exist") from None
            raise Conflict(f"{what} already exists") from None


class SqlIncidents(_AgencyRecords):
    def add(self, incident: Incident) -> None:
        sql = f"INSERT INTO incidents ({_INCIDENT_COLUMNS}) VALUES ({marks(18)})"
        row = _incident_row(incident, self._time)
        self._insert(sql, row, f"incident {incident.id}", incident.agency_id)

    def get(self, incident_id: str) -> Incident | None:
        row = self._fetch_one(
            f"SELECT {_INCIDENT_COLUMNS} FROM incidents WHERE id = ?", (incident_id,)
        )
        return None if row is None else _incident_from_row(row, self._time)

    def update(self, before: Incident, after: Incident) -> bool:
        row = _incident_row(after, self._time)
        changed = self._execute(
            f"UPDATE incidents SET {_INCIDENT_ASSIGNMENTS} WHERE id = ? AND decision_count = ?",
            (*row[2:], before.id, len(before.decisions)),
        )
        return changed == 1

    def list(self, agency_id: str | None = None, limit: int = 100) -> list[Incident]:
        where, params = _agency_where(agency_id)
        rows = self._fetch_all(
            f"SELECT {_INCIDENT_COLUMNS} FROM incidents{where}"
            " ORDER BY discovered_at DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [_incident_from_row(row, self._time) for row in rows]


class SqlRecordsRequests(_AgencyRecords):
    def add(self, request: RecordsRequest) -> None:
        sql = f"INSERT INTO records_requests ({_REQUEST_COLUMNS}) VALUES ({marks(14)})"
        row = _request_row(request, self._time, self._dialect.day)
        self._insert(sql, row, f"records request {request.id}", request.agency_id)

    def get(self, request_id: str) -> RecordsRequest | None:
        row = self._fetch_one(
            f"SELECT {_REQUEST_COLUMNS} FROM records_requests WHERE id = ?", (request_id,)
        )
        return None if row is None else _request_from_row(row, self._time, self._dialect.day)

    def update(self, request: RecordsRequest) -> bool:
        row = _request_row(request, self._time, self._dialect.day)
        changed = self._execute(
            f"UPDATE records_requests SET {_REQUEST_ASSIGNMENTS} WHERE id = ? AND status = 'open'",
            (*row[7:], request.id),
        )
        return changed == 1

    def list(self, agency_id: str | None = None, limit: int = 100) -> list[RecordsRequest]:
        where, params = _agency_where(agency_id)
        rows = self._fetch_all(
            f"SELECT {_REQUEST_COLUMNS} FROM records_requests{where}"
            " ORDER BY received_on DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [_request_from_row(row, self._time, self._dialect.day) for row in rows]


class SqlReadCorrections(Repository):
    def __init__(self, database: Database, summaries: Sequence[ReadSummary] = ()) -> None:
        super().__init__(database)
        # A correction moves a read from one plate key to another: the plate index hears of it.
        self._summaries = ReadSummaries(summaries)

    def apply(self, correction: ReadCorrection, expected_key: str) -> bool:
        at = self._time.to_db(correction.captured_at)
        with self._db.write() as connection:
            corrected = connection.execute(
                "UPDATE reads SET plate_text = ?, plate_key = ?, region = ?,"
                " region_confidence = CASE WHEN region = ? THEN region_confidence END"
                " WHERE CAST(id AS TEXT) = ? AND captured_at = ? AND plate_key = ?"
                f" RETURNING {READ_COLUMNS}",
                (
                    correction.corrected_text,
                    correction.corrected_key,
                    correction.corrected_region,
                    correction.corrected_region,
                    correction.read_id,
                    at,
                    expected_key,
                ),
            ).fetchall()
            if len(corrected) != 1:
                return False
            read = read_from_row(corrected[0], self._time)
            gone = removed_reads([(expected_key, read.camera_id, read.captured_at)])
            self._summaries.removed(connection, gone)
            self._summaries.added(connection, [read])
            connection.execute(
                f"INSERT INTO read_corrections ({_CORRECTION_COLUMNS}) VALUES ({marks(13)})",
                _correction_row(correction, self._time),
            )
        return True

    def of_read(self, read_id: str) -> list[ReadCorrection]:
        rows = self._fetch_all(
            f"SELECT {_CORRECTION_COLUMNS} FROM read_corrections WHERE read_id = ?"
            f" AND {_READ_STORED} ORDER BY corrected_at, id",
            (read_id,),
        )
        return [_correction_from_row(row, self._time) for row in rows]

    def list(self, agency_id: str | None = None, limit: int = 100) -> list[ReadCorrection]:
        where, params = _agency_where(agency_id, _READ_STORED)
        rows = self._fetch_all(
            f"SELECT {_CORRECTION_COLUMNS} FROM read_corrections{where}"
            " ORDER BY corrected_at DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [_correction_from_row(row, self._time) for row in rows]

    def delete_orphaned(self) -> int:
        return self._execute(f"DELETE FROM read_corrections WHERE NOT {_READ_STORED}")


# --- rows ------------------------------------------------------------------------------------


def _incident_row(incident: Incident, time: TimeCodec) -> Row:
    return (
        incident.id,
        incident.agency_id,
        incident.source.value,
        incident.summary,
        time.to_db(incident.discovered_at),
        incident.reported_by,
        incident.status.value,
        incident.data_involved,
        incident.reads_affected,
        incident.people_affected,
        incident.california_residents,
        incident.handled_by,
        incident.law_enforcement_delay,
        None if incident.notice is None else json.dumps(_notice_to_json(incident.notice)),
        time.optional_to_db(incident.notified_at),
        time.optional_to_db(incident.attorney_general_notified_at),
        json.dumps(
            [{"at": d.at.isoformat(), "by": d.by, "text": d.text} for d in incident.decisions]
        ),
        len(incident.decisions),
    )


def _incident_from_row(row: Row, time: TimeCodec) -> Incident:
    decisions = tuple(
        IncidentDecision(datetime.fromisoformat(d["at"]), d["by"], d["text"])
        for d in json.loads(row[16])
    )
    return Incident(
        id=row[0],
        agency_id=row[1],
        source=IncidentSource(row[2]),
        summary=row[3],
        discovered_at=time.from_db(row[4]),
        reported_by=row[5],
        status=IncidentStatus(row[6]),
        data_involved=row[7],
        reads_affected=row[8],
        people_affected=row[9],
        california_residents=row[10],
        handled_by=row[11],
        law_enforcement_delay=row[12],
        notice=None if row[13] is None else _notice_from_json(json.loads(row[13])),
        notified_at=time.optional_from_db(row[14]),
        attorney_general_notified_at=time.optional_from_db(row[15]),
        decisions=decisions,
    )


def _notice_to_json(notice: NoticeContent) -> dict[str, Any]:
    return {
        "what_happened": notice.what_happened,
        "information_involved": notice.information_involved,
        "what_we_are_doing": notice.what_we_are_doing,
        "what_you_can_do": notice.what_you_can_do,
        "for_more_information": notice.for_more_information,
        "breach_from": None if notice.breach_from is None else notice.breach_from.isoformat(),
        "breach_to": None if notice.breach_to is None else notice.breach_to.isoformat(),
        "identification_numbers": notice.identification_numbers,
    }


def _notice_from_json(value: dict[str, Any]) -> NoticeContent:
    def instant(key: str) -> datetime | None:
        text = value.get(key)
        return None if text is None else datetime.fromisoformat(text)

    return NoticeContent(
        what_happened=value["what_happened"],
        information_involved=value["information_involved"],
        what_we_are_doing=value["what_we_are_doing"],
        what_you_can_do=value["what_you_can_do"],
        for_more_information=value["for_more_information"],
        breach_from=instant("breach_from"),
        breach_to=instant("breach_to"),
        identification_numbers=bool(value.get("identification_numbers", False)),
    )


def _request_row(request: RecordsRequest, time: TimeCodec, day: DayCodec) -> Row:
    return (
        request.id,
        request.agency_id,
        request.requester,
        request.description,
        day.to_db(request.received_on),
        request.recorded_by,
        time.to_db(request.recorded_at),
        request.status.value,
        request.extension_reason,
        json.dumps([e.value for e in request.exemptions]),
        None if request.release is None else json.dumps(dict(request.release.figures)),
        request.response,
        request.responded_by,
        day.optional_to_db(request.responded_on),
    )


def _request_from_row(row: Row, time: TimeCodec, day: DayCodec) -> RecordsRequest:
    return RecordsRequest(
        id=row[0],
        agency_id=row[1],
        requester=row[2],
        description=row[3],
        received_on=day.from_db(row[4]),
        recorded_by=row[5],
        recorded_at=time.from_db(row[6]),
        status=RequestStatus(row[7]),
        extension_reason=row[8],
        exemptions=tuple(Exemption(e) for e in json.loads(row[9])),
        release=None if row[10] is None else AggregateRelease(json.loads(row[10])),
        response=row[11],
        responded_by=row[12],
        responded_on=day.optional_from_db(row[13]),
    )


def _correction_row(correction: ReadCorrection, time: TimeCodec) -> Row:
    return (
        correction.id,
        correction.read_id,
        time.to_db(correction.captured_at),
        correction.agency_id,
        correction.original_text,
        correction.original_region,
        correction.corrected_text,
        correction.corrected_region,
        correction.corrected_by,
        time.to_db(correction.corrected_at),
        correction.reason,
        correction.purpose_code,
        correction.case_number,
    )


def _correction_from_row(row: Row, time: TimeCodec) -> ReadCorrection:
    return ReadCorrection(
        id=row[0],
        read_id=row[1],
        captured_at=time.from_db(row[2]),
        agency_id=row[3],
        original_text=row[4],
        original_region=row[5],
        corrected_text=row[6],
        corrected_region=row[7],
        corrected_by=row[8],
        corrected_at=time.from_db(row[9]),
        reason=row[10],
        purpose_code=row[11],
        case_number=row[12],
    )
