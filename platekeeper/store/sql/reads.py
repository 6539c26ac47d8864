"""Plate reads: what every database asks of them the same way. Each backend's ``Reads``
subclass adds the paths it tunes for itself (inserting, fetching one, deleting, the oldest
read, counts per minute) and says how its expired reads are found."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import orjson

from platekeeper.domain import GeoPoint, PlateBox, PlateCandidate, PlateRead, Point
from platekeeper.domain.geo import METRES_PER_DEGREE, GeoArea, GeoBox
from platekeeper.domain.holds import Exemptions
from platekeeper.domain.ids import read_id_lower_bound, read_id_upper_bound
from platekeeper.domain.plates import fold_confusables
from platekeeper.domain.reads import VehicleAttributes
from platekeeper.domain.retention import FALSE_HIT_OUTCOMES, HIT_CLASS_STATUSES, ReadCeilings
from platekeeper.domain.time import MICROSECOND, ONE_DAY, day_start
from platekeeper.store.protocols import (
    CeilingSource,
    DayReads,
    PurgedReads,
    ReadQuery,
    ReadStats,
)
from platekeeper.store.sql.database import Database, Repository, Row, Transaction
from platekeeper.store.sql.dialect import TimeCodec
from platekeeper.store.sql.plate_index import (
    SeenPlate,
    SqlPlateIndex,
    folded_sql,
    searched_through_index,
)
from platekeeper.store.sql.read_summaries import (
    ReadSummaries,
    ReadSummary,
    RemovedReads,
    removed_reads,
)
from platekeeper.store.sql.read_windows import ReadDensity, next_window_reads

# A search through the plate index reaches back, in its first window, as far as its plates are
# expected to hold this many times its page in reads (by the index's counts); each next window
# as far as the yield of those before says the missing reads lie (``next_window_reads``), so
# that a page fills in one or two round trips even when the query's other conditions thin the
# plates' reads.
_FIRST_PAGES = 2

READ_COLUMNS = (
    "id, client_read_id, camera_id, plate_text, plate_key, confidence, region,"
    " region_confidence, candidates, captured_at, received_at, latitude, longitude, box,"
    " crop_ref, image_ref, fingerprint, vehicle"
)


def read_row(read: PlateRead, time: TimeCodec) -> Row:
    """The values of ``read`` in ``READ_COLUMNS`` order. It runs for every stored read."""
    location = read.location
    return (
        read.id,
        read.client_read_id,
        read.camera_id,
        read.plate_text,
        read.plate_key,
        read.confidence,
        read.region,
        read.region_confidence,
        _candidates_to_json(read.candidates),
        time.to_db(read.captured_at),
        time.to_db(read.received_at),
        None if location is None else location.latitude,
        None if location is None else location.longitude,
        _box_to_json(read.box),
        read.crop_ref,
        read.image_ref,
        read.fingerprint,
        _vehicle_to_json(read.vehicle),
    )


def read_from_row(row: Row, time: TimeCodec) -> PlateRead:
    return PlateRead(
        id=str(row[0]),
        client_read_id=row[1],
        camera_id=row[2],
        plate_text=row[3],
        plate_key=row[4],
        confidence=row[5],
        region=row[6],
        region_confidence=row[7],
        candidates=_candidates_from_json(row[8]),
        captured_at=time.from_db(row[9]),
        received_at=time.from_db(row[10]),
        location=None if row[11] is None else GeoPoint(row[11], row[12]),
        box=_box_from_json(row[13]),
        crop_ref=row[14],
        image_ref=row[15],
        fingerprint=row[16],
        vehicle=_vehicle_from_json(row[17]),
    )


class SqlReads(Repository, ABC):
    # Read ids sort by capture time (``platekeeper.domain.ids``): where the primary key is the
    # read's index, bounding the ids by the time range lets it find the range.
    _BOUND_IDS = False
    # A read's id as text, which is how hits name it.
    _ID_TEXT = "reads.id"

    _ceilings: CeilingSource | None = None

    def __init__(
        self,
        database: Database,
        summaries: Sequence[ReadSummary] = (),
        plates: SqlPlateIndex | None = None,
    ) -> None:
        super().__init__(database)
        self._summaries = ReadSummaries(summaries)
        # Without the plate index (a bare repository), patterns scan the reads.
        self._plates = plates

    def retain_within(self, source: CeilingSource) -> None:
        self._ceilings = source

    def rebuild_summaries(self) -> None:
        """Recompute every table summing up the reads (``read_summaries``) from the reads."""
        with self._db.write() as transaction:
            self._summaries.rebuild(transaction)

    def settle_summaries(self, limit: int) -> int:
        # Every removal here tells the summaries in its own transaction: nothing waits.
        return 0

    def unsettled(self) -> int:
        return 0

    def get(self, read_id: str) -> PlateRead | None:
        located = self._locate(read_id)
        if located is None:
            return None
        where, params = located
        within, within_params = self._within_ceilings(self._current_ceilings(), None)
        row = self._fetch_one(
            f"SELECT {READ_COLUMNS} FROM reads WHERE {where}{within}", (*params, *within_params)
        )
        return None if row is None else read_from_row(row, self._time)

    def find(self, query: ReadQuery) -> list[PlateRead]:
        ceilings = self._current_ceilings()
        if self._plates is not None and searched_through_index(query):
            with self._db.read() as transaction:
                return self._find_by_plates(transaction, self._plates, query, ceilings)
        sql, params = read_query_sql(
            query,
            READ_COLUMNS,
            time=self._time,
            bound_ids=self._BOUND_IDS,
            within=self._within_ceilings(ceilings, query.captured_from),
        )
        return [read_from_row(row, self._time) for row in self._fetch_all(sql, params)]

    def _find_by_plates(
        self,
        transaction: Transaction,
        plates: SqlPlateIndex,
        query: ReadQuery,
        ceilings: ReadCeilings | None,
    ) -> list[PlateRead]:
        """``query``'s page from the plates the index names, a window of capture time at a
        time, newest first (``read_windows``): each window's reads of the plates seen in it,
        through ``reads_by_plate`` (PostgreSQL opens only the days each plate was seen). The
        page is full once the windows' reads fill it, and older windows are never read.

        Each probe returns its reads whole: it visits each read's row anyway, for the query's
        other conditions, and fetching the page's reads again by id cost a third of a search."""
        seen = plates.matching(transaction, query)
        if not seen:
            return []
        floor, end = _plates_span(seen, query)
        density = ReadDensity(seen)
        page: list[Row] = []
        wanted: float = query.limit * _FIRST_PAGES
        expected = 0.0
        while end > floor and len(page) < query.limit:
            start = density.start_for(end, wanted, floor)
            batch = [plate for plate in seen if plate.last_seen >= start and plate.first_seen < end]
            if batch:
                within = self._within_ceilings(ceilings, start)
                # No more than the page still lacks: a window after the first is mostly short
                # of a few reads, and a row the page drops costs its decoding all the same.
                rest = replace(query, limit=query.limit - len(page))
                sql, params = self._plates_sql(rest, batch, (start, end), within)
                # In the results' order, newest first, after the newer windows' reads.
                page += self._fetch_window(transaction, rest, sql, params)
            expected += density.expected(start, end)
            end = start
            # An estimate that fell short (the query's other conditions thin the plates' reads)
            # is not made again: the next window is sized by the yield the windows had.
            wanted = next_window_reads(query.limit - len(page), expected, len(page), wanted)
        return [read_from_row(row, self._time) for row in page[: query.limit]]

    def _plates_sql(
        self,
        query: ReadQuery,
        batch: list[SeenPlate],
        window: tuple[datetime, datetime],
        within: tuple[str, Row],
    ) -> tuple[str, list[Any]]:
        """One statement giving the newest reads of ``batch``'s plates for ``query`` captured
        in ``window`` (``READ_COLUMNS``), at most its limit, newest first."""
        start, end = window
        plates = replace(
            query,
            plate_key=None,
            plate_like=None,
            misread_tolerant=False,
            captured_from=start,
            captured_before=end,
        )
        keys = self._dialect.array([plate.plate_key for plate in batch])
        extra, extra_params = within
        # Without the id bounds: the plates and the time range find the reads' index.
        return read_query_sql(
            plates,
            READ_COLUMNS,
            time=self._time,
            within=(f" AND {self._dialect.member('plate_key')}{extra}", (keys, *extra_params)),
        )

    def _fetch_window(
        self, transaction: Transaction, query: ReadQuery, sql: str, params: Sequence[Any]
    ) -> list[Row]:
        """The rows of a statement from ``_plates_sql`` for ``query``."""
        return transaction.execute(sql, params).fetchall()

    def any_captured(self, captured_from: datetime, captured_before: datetime) -> bool:
        query = ReadQuery(captured_from=captured_from, captured_before=captured_before, limit=1)
        sql, params = read_query_sql(query, "id", time=self._time, bound_ids=self._BOUND_IDS)
        return self._fetch_one(sql, params) is not None

    def stored_client_ids(self, camera_id: str, plate_keys: Mapping[str, str]) -> frozenset[str]:
        if not plate_keys:
            return frozenset()
        keys, ids = sorted(set(plate_keys.values())), list(plate_keys)
        rows = self._fetch_all(
            "SELECT client_read_id FROM reads"
            f" WHERE plate_key IN ({_marks(keys)}) AND camera_id = ?"
            f" AND client_read_id IN ({_marks(ids)})",
            (*keys, camera_id, *ids),
        )
        return frozenset(row[0] for row in rows)

    def _current_ceilings(self) -> ReadCeilings | None:
        return None if self._ceilings is None else self._ceilings.read_ceilings()

    def _within_ceilings(
        self, ceilings: ReadCeilings | None, since: datetime | None
    ) -> tuple[str, Row]:
        """``AND (...)``: the read is within its class's ceiling or held; empty without a
        ceiling, or where the look-up reaches no read captured before ``since`` and every
        read from then on is within (no ceiling's sub-queries to plan into each partition)."""
        if ceilings is None or ceilings.none_past_from(since):
            return "", ()
        bounds = (
            (ceilings.non_hit_before, hit_read_sql(True, self._ID_TEXT)),
            (ceilings.hit_before, hit_read_sql(False, self._ID_TEXT)),
        )
        # Within: captured at or after the bound, or of the other class.
        parts = [(f"(captured_at >= ? OR {other})", at) for at, other in bounds if at is not None]
        sql = "(" + " AND ".join(part for part, _ in parts) + ")"
        params: list[Any] = [self._time.to_db(at) for _, at in parts]
        exempt = ceilings.exempt
        if exempt.read_ids:
            sql = f"{sql} OR {self._dialect.member('id')}"
            params.append(self._held(exempt.read_ids))
        held_plates, plate_params = held_plate_sql(exempt, self._time)
        return f" AND ({sql}{held_plates})", (*params, *plate_params)

    def count_expired(
        self, captured_before: datetime, *, hit_reads: bool, exempt: Exemptions
    ) -> PurgedReads:
        where, params = self._expired_where(captured_before, hit_reads, exempt)
        row = self._fetch_one(
            "SELECT count(*), count(crop_ref) + count(image_ref), min(captured_at),"
            f" max(captured_at) FROM reads WHERE {where}",
            params,
        )
        return purged_counts_from(row, self._time)

    def purgeable_days(self, captured_before: datetime) -> list[date]:
        # None by default: the batches of ``delete_expired`` take every read (SQLite).
        return []

    def delete_expired_day(self, day: date, *, exempt: Exemptions) -> PurgedReads:
        return PurgedReads(0, 0, None, None)

    def delete_expired(
        self, captured_before: datetime, *, hit_reads: bool, exempt: Exemptions, limit: int
    ) -> PurgedReads:
        where, params = self._expired_where(captured_before, hit_reads, exempt)
        with self._db.write() as connection:
            rows = connection.execute(self._delete_batch_sql(where), (*params, limit)).fetchall()
            self._summaries.removed(connection, self._removed(rows))
        return purged_reads_from(rows, self._time)

    def _removed(self, rows: Iterable[Row]) -> list[RemovedReads]:
        """What deleted ``(captured_at, crop_ref, image_ref, plate_key, camera_id)`` rows were,
        for the summaries."""
        return removed_reads((row[3], row[4], self._time.from_db(row[0])) for row in rows)

    def stats(self) -> ReadStats:
        # The daily counts give the total and the first and last day; only those two days'
        # reads are looked at for the exact first and last capture.
        row = self._fetch_one("SELECT sum(reads), min(day), max(day) FROM read_counts")
        if row is None or row[0] is None:
            return ReadStats(0, None, None)
        first, last = (day_start(self._dialect.day.from_db(day)) for day in row[1:])
        return ReadStats(
            read_count=int(row[0]),
            oldest_captured_at=self._captured("min", first, first + ONE_DAY),
            newest_captured_at=self._captured("max", last, last + ONE_DAY),
        )

    def _captured(self, extreme: str, start: datetime, end: datetime) -> datetime | None:
        """``min`` or ``max`` of the capture times in ``[start, end)``."""
        query = ReadQuery(captured_from=start, captured_before=end)
        where, params = read_where_sql(query, time=self._time, bound_ids=self._BOUND_IDS)
        row = self._fetch_one(f"SELECT {extreme}(captured_at) FROM reads{where}", params)
        return None if row is None else self._time.optional_from_db(row[0])

    def per_day(
        self,
        captured_from: datetime,
        captured_before: datetime | None = None,
        agency_id: str | None = None,
    ) -> list[DayReads]:
        counted: Counter[date] = Counter()
        whole, partial = split_days(captured_from, captured_before)
        if whole is not None:
            counted.update(dict(self._whole_days(*whole, agency_id)))
        for start, end in partial:
            counted[start.astimezone(UTC).date()] += self._count(start, end, agency_id)
        return [DayReads(day, reads) for day, reads in sorted(counted.items()) if reads]

    def _whole_days(
        self, first: date, end: date | None, agency_id: str | None
    ) -> Iterable[tuple[date, int]]:
        """Reads per day from the daily counts, of days from ``first`` to before ``end``."""
        day = self._dialect.day
        conditions = [("day >= ?", day.to_db(first))]
        if end is not None:
            conditions.append(("day < ?", day.to_db(end)))
        if agency_id is not None:
            conditions.append(
                ("camera_id IN (SELECT id FROM cameras WHERE agency_id = ?)", agency_id)
            )
        where = " AND ".join(clause for clause, _ in conditions)
        rows = self._fetch_all(
            f"SELECT day, sum(reads) FROM read_counts WHERE {where} GROUP BY day",
            [value for _, value in conditions],
        )
        return ((day.from_db(row[0]), int(row[1])) for row in rows)

    def _count(self, start: datetime, end: datetime, agency_id: str | None) -> int:
        """Reads captured in ``[start, end)``, counted on the reads: part of one day only."""
        query = ReadQuery(agency_id=agency_id, captured_from=start, captured_before=end)
        where, params = read_where_sql(query, time=self._time, bound_ids=self._BOUND_IDS)
        row = self._fetch_one(f"SELECT count(*) FROM reads{where}", params)
        return 0 if row is None else int(row[0])

    def attach_image(self, read_id: str, image_ref: str) -> bool:
        located = self._locate(read_id)
        if located is None:
            return False
        where, params = located
        # Only a read still without one: an image that came with the read is never replaced.
        changed = self._execute(
            f"UPDATE reads SET image_ref = ? WHERE {where} AND image_ref IS NULL",
            (image_ref, *params),
        )
        return changed > 0

    def _locate(self, read_id: str) -> tuple[str, Row] | None:
        """The condition that finds the read ``read_id`` names; None if it names none."""
        return "id = ?", (read_id,)

    @abstractmethod
    def _delete_batch_sql(self, where: str) -> str:
        """A ``DELETE`` of at most ``?`` reads meeting ``where``, oldest first, ``RETURNING
        captured_at, crop_ref, image_ref, plate_key, camera_id``."""

    def _captured_before(self, instant: datetime) -> tuple[str, Row]:
        """The condition that a read was captured before ``instant``. The ids bound it too: they
        begin with the capture millisecond, so the primary key finds the few reads of a day
        before a purge's ceiling instead of a pass over the day."""
        return "id < ? AND captured_at < ?", (
            read_id_upper_bound(instant),
            self._time.to_db(instant),
        )

    def _held(self, read_ids: frozenset[str]) -> Any:
        """The held reads' ids as one parameter of ``dialect.member``."""
        return self._dialect.array(sorted(read_ids))

    def _expired_where(
        self, captured_before: datetime, hit_reads: bool, exempt: Exemptions
    ) -> tuple[str, Row]:
        """The condition on ``reads`` (and its parameters) of the reads a purge may take."""
        bound, bound_params = self._captured_before(captured_before)
        plates, plate_params = plate_exemption_sql(exempt, self._time)
        where = (
            f"{bound} AND {hit_read_sql(hit_reads, self._ID_TEXT)}"
            f" AND NOT {self._dialect.member('id')}{plates}"
        )
        return where, (*bound_params, self._held(exempt.read_ids), *plate_params)


def split_days(
    start: datetime, end: datetime | None
) -> tuple[tuple[date, date | None] | None, list[tuple[datetime, datetime]]]:
    """``[start, end)`` (to the end of time without ``end``) as whole days (UTC): the first and
    the one after the last (None: to the end), or None where there is no whole day; and the
    parts of days at either end, each within one day."""
    if end is not None and end <= start:
        return None, []
    first_whole = day_start(start.astimezone(UTC).date())
    if first_whole < start:
        first_whole += ONE_DAY
    last_whole = None if end is None else day_start(end.astimezone(UTC).date())
    if last_whole is not None and end is not None and last_whole < first_whole:
        return None, [(start, end)]  # within one day
    partial = [(start, first_whole)] if start < first_whole else []
    if last_whole is not None and end is not None and last_whole < end:
        partial.append((last_whole, end))
    if last_whole == first_whole:
        return None, partial
    return (first_whole.date(), None if last_whole is None else last_whole.date()), partial


def _plates_span(seen: list[SeenPlate], query: ReadQuery) -> tuple[datetime, datetime]:
    """From when to before when ``query``'s reads of the plates ``seen`` can have been
    captured: their first and last captures, within the query's bounds and before its cursor."""
    floor = min(plate.first_seen for plate in seen)
    end = max(plate.last_seen for plate in seen) + MICROSECOND
    if query.captured_from is not None:
        floor = max(floor, query.captured_from)
    if query.captured_before is not None:
        end = min(end, query.captured_before)
    if query.after is not None:
        end = min(end, query.after.captured_at + MICROSECOND)
    return floor, end


def read_query_sql(
    query: ReadQuery,
    columns: str,
    *,
    time: TimeCodec,
    bound_ids: bool = False,
    within: tuple[str, Row] = ("", ()),
) -> tuple[str, list[Any]]:
    """``SELECT columns FROM reads ...`` for ``query``, newest first, with its parameters.

    With ``bound_ids`` the time range also bounds the read ids, which sort by capture time
    (``platekeeper.domain.ids``), so that the primary key's index finds the range. ``within``
    is an ``AND ...`` condition added to the query's own (the retention ceilings).
    """
    where, params = read_where_sql(query, time=time, bound_ids=bound_ids)
    extra, extra_params = within
    if extra:
        where = f"{where}{extra}" if where else f" WHERE{extra.removeprefix(' AND')}"
    order = " ORDER BY captured_at DESC, id DESC LIMIT ?"
    return f"SELECT {columns} FROM reads{where}{order}", [*params, *extra_params, query.limit]


def read_where_sql(
    query: ReadQuery, *, time: TimeCodec, bound_ids: bool = False
) -> tuple[str, list[Any]]:
    """The ``WHERE`` clause of ``query`` (empty without bounds) and its parameters; its limit
    is not part of it."""
    start, end = query.captured_from, query.captured_before
    area = query.area
    key, like = query.plate_key, query.plate_like
    column = "plate_key"
    if query.misread_tolerant:
        column = _FOLDED_PLATE_KEY
        key = None if key is None else fold_confusables(key)
        like = None if like is None else fold_confusables(like)
    conditions = [
        (f"{column} = ?", key),
        # Plate keys are upper-case letters and digits, so LIKE's case rules never matter.
        (f"{column} LIKE ?", like),
        ("camera_id = ?", query.camera_id),
        ("camera_id IN (SELECT id FROM cameras WHERE agency_id = ?)", query.agency_id),
        ("captured_at >= ?", time.optional_to_db(start)),
        ("captured_at < ?", time.optional_to_db(end)),
    ]
    if bound_ids:
        conditions += [
            ("id >= ?", None if start is None else read_id_lower_bound(start)),
            ("id < ?", None if end is None else read_id_upper_bound(end)),
            (
                "id < ?",
                None if query.after is None else read_id_upper_bound(query.after.captured_at),
            ),
        ]
    present = [(clause, value) for clause, value in conditions if value is not None]
    clauses = [clause for clause, _ in present]
    params: list[Any] = [value for _, value in present]
    if area is not None:
        clause, area_params = area_sql(area)
        clauses.append(clause)
        params += area_params
    if query.after is not None:
        # After the cursor in the order of the results (captured_at DESC, id DESC).
        clauses.append("(captured_at < ? OR (captured_at = ? AND id < ?))")
        at = time.to_db(query.after.captured_at)
        params += [at, at, query.after.read_id]
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return where, params


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


_FOLDED_PLATE_KEY = folded_sql("plate_key")


def area_sql(area: GeoArea) -> tuple[str, list[Any]]:
    """A condition taking reads inside ``area``, and its parameters. A read carries its own
    position when it came from a mobile camera; a fixed camera's reads are where it stands."""
    inside, params = _inside(area)
    sql = (
        f"(({inside}) OR (latitude IS NULL AND camera_id IN"
        f" (SELECT id FROM cameras WHERE {inside})))"
    )
    return sql, params * 2


def _inside(area: GeoArea) -> tuple[str, list[Any]]:
    """``latitude`` and ``longitude`` inside ``area``: a box, or a circle's box (which an index
    on the position can use) and then its distance, as ``GeoCircle.contains`` measures it."""
    box = area if isinstance(area, GeoBox) else area.bounds()
    sql = "latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?"
    params: list[Any] = [box.south, box.north, box.west, box.east]
    if isinstance(area, GeoBox):
        return sql, params
    north, east = "((latitude - ?) * ?)", "((longitude - ?) * ?)"
    sql += f" AND {north} * {north} + {east} * {east} <= ?"
    north_params = [area.latitude, METRES_PER_DEGREE]
    east_params = [area.longitude, area.metres_per_degree_east]
    params += [*north_params, *north_params, *east_params, *east_params, area.radius_m**2]
    return sql, params


def plate_exemption_sql(exempt: Exemptions, time: TimeCodec) -> tuple[str, Row]:
    """``AND NOT (...)`` conditions leaving out every read of the held plates' time ranges, of
    the holding agency's cameras only (``PlateSpan.agency_id``)."""
    sql = "".join(
        " AND NOT (plate_key = ? AND captured_at >= ? AND captured_at < ?"
        + ("" if span.agency_id is None else _OF_AGENCY)
        + ")"
        for span in exempt.plates
    )
    params = tuple(
        value
        for span in exempt.plates
        for value in (
            span.plate_key,
            time.to_db(span.captured_from),
            time.to_db(span.captured_before),
            *(() if span.agency_id is None else (span.agency_id,)),
        )
    )
    return sql, params


_OF_AGENCY = " AND camera_id IN (SELECT id FROM cameras WHERE agency_id = ?)"


def held_plate_sql(exempt: Exemptions, time: TimeCodec) -> tuple[str, Row]:
    """``OR (...)`` conditions taking in every read of the held plates' time ranges, of the
    holding agency's cameras only: the positive twin of ``plate_exemption_sql``."""
    negated, params = plate_exemption_sql(exempt, time)
    return negated.replace(" AND NOT (", " OR ("), params


def hit_read_sql(hit_reads: bool, read_id: str) -> str:
    """The condition that a read is (or is not) a hit read: some hit names it that keeps the
    hit class (``domain.retention.keeps_hit_class``): not rejected, not found false."""
    exists = f"EXISTS (SELECT 1 FROM hits WHERE hits.read_id = {read_id}{_KEEPS_HIT_CLASS})"
    return exists if hit_reads else f"NOT {exists}"


def hit_read_ids_sql() -> str:
    """``SELECT`` of the read ids (text) from ``?`` to before ``?`` that some hit keeps in the
    hit class: the hit reads of a range of capture time, found from the hits, without weighing
    every read of the range as ``hit_read_sql`` does. Read ids are lower-case UUIDs of one
    length with their hyphens in the same places, so their text sorts as the ids do under any
    collation."""
    return (
        "SELECT hits.read_id FROM hits WHERE hits.read_id >= ? AND hits.read_id < ?"
        f"{_KEEPS_HIT_CLASS}"
    )


def _sql_set(values: Iterable[str]) -> str:
    # Enum values of our own: letters and hyphens, safe to write into the statement.
    return ", ".join(f"'{value}'" for value in sorted(values))


_KEEPS_HIT_CLASS = (
    f" AND hits.status IN ({_sql_set(HIT_CLASS_STATUSES)})"
    f" AND (hits.outcome IS NULL OR hits.outcome NOT IN ({_sql_set(FALSE_HIT_OUTCOMES)}))"
)


def purged_reads_from(rows: list[Row], time: TimeCodec) -> PurgedReads:
    """What deleted ``(captured_at, crop_ref, image_ref, ...)`` rows were."""
    refs = tuple(ref for row in rows for ref in (row[1], row[2]) if ref is not None)
    times = [time.from_db(row[0]) for row in rows]
    return PurgedReads(
        len(rows), len(refs), min(times, default=None), max(times, default=None), refs
    )


def purged_counts_from(row: Row | None, time: TimeCodec) -> PurgedReads:
    """What a ``count(*), count(crop_ref) + count(image_ref), min, max`` row counted."""
    if row is None:
        return PurgedReads(0, 0, None, None)
    return PurgedReads(
        int(row[0]), int(row[1] or 0), time.optional_from_db(row[2]), time.optional_from_db(row[3])
    )


# Candidates as [{"plate_text": ..., "confidence": ...}] and a box as [{"x": ..., "y": ...}, ...]:
# both run for every stored read, and orjson takes slotted dataclasses through a slow path (five
# times the cost of these dicts), so the dicts are built here.


def _candidates_to_json(candidates: tuple[PlateCandidate, ...]) -> str:
    return orjson.dumps(
        [{"plate_text": c.plate_text, "confidence": c.confidence} for c in candidates]
    ).decode()


def _candidates_from_json(value: str | list[dict[str, Any]]) -> tuple[PlateCandidate, ...]:
    items = orjson.loads(value) if isinstance(value, str) else value
    return tuple(PlateCandidate(item["plate_text"], float(item["confidence"])) for item in items)


def _box_to_json(box: PlateBox | None) -> str | None:
    if box is None:
        return None
    return orjson.dumps([{"x": corner.x, "y": corner.y} for corner in box.corners]).decode()


def _box_from_json(value: str | list[dict[str, float]] | None) -> PlateBox | None:
    if value is None:
        return None
    items = orjson.loads(value) if isinstance(value, str) else value
    a, b, c, d = (Point(float(item["x"]), float(item["y"])) for item in items)
    return PlateBox((a, b, c, d))


_VEHICLE_FIELDS = ("color", "make", "model", "body_type", "direction")


def _vehicle_to_json(vehicle: VehicleAttributes | None) -> str | None:
    if vehicle is None or vehicle.empty:
        return None
    fields = {name: getattr(vehicle, name) for name in _VEHICLE_FIELDS}
    return orjson.dumps({name: value for name, value in fields.items() if value}).decode()


def _vehicle_from_json(value: str | dict[str, str] | None) -> VehicleAttributes | None:
    if value is None:
        return None
    fields = orjson.loads(value) if isinstance(value, str) else value
    return VehicleAttributes(**{name: fields.get(name) for name in _VEHICLE_FIELDS})
