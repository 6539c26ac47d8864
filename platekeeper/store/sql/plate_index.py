"""The plate index: every distinct plate key among the stored reads, with its folded key, the
first and last capture time and how many reads carry it (table ``plates``, migration 0041).

It is a ``ReadSummary``: told of every read stored and removed in the same transaction, so it
stays exact. (A whole day purged at once on PostgreSQL leaves ``reads`` first and is told to the
summaries batch by batch afterwards, ``day_purge.settle``: meanwhile the index may name a plate
with no read left, whose search finds nothing, and never misses one.)

Partial and misread-tolerant searches find their plates here (a trigram index for patterns, a
B-tree on the folded key for the one-edit neighbourhood) and then fetch only those plates' reads
(``SqlReads.find``), so that no search scans the reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain, product
from string import ascii_uppercase, digits
from typing import Any, NamedTuple

from platekeeper.domain import PlateRead
from platekeeper.domain.plates import CONFUSABLE_CLASSES, fold_confusables, misread_keys
from platekeeper.domain.time import ONE_DAY, day_start
from platekeeper.store.protocols import ReadQuery
from platekeeper.store.sql.database import Repository, Row, Transaction
from platekeeper.store.sql.read_summaries import RemovedReads

_DAYS_WALKED = 3
"""Days walked from a removed span for plates' new first and last captures, before the rest are
looked up over all days (``SqlPlateIndex._renew_bounds``)."""


class SeenPlate(NamedTuple):
    """A plate the index names for a search, and when it was first and last captured."""

    plate_key: str
    first_seen: datetime
    last_seen: datetime
    reads: int


@dataclass(frozen=True, slots=True)
class _Seen:
    """One plate's part of a batch of reads stored."""

    first: datetime
    last: datetime
    reads: int


class SqlPlateIndex(Repository):
    """The plate index over one database; a backend says how a pattern finds its plates."""

    # Plates whose folded key matches the ``LIKE`` pattern bound to the mark; the database's
    # trigram index answers it. PostgreSQL's planner takes the GIN index for a plain LIKE.
    _FOLDED_LIKE = "folded_key LIKE ?"

    # --- kept exact (ReadSummary) ------------------------------------------------------------

    def added(self, transaction: Transaction, reads: Sequence[PlateRead]) -> None:
        seen: dict[str, _Seen] = {}
        for read in reads:
            at, before = read.captured_at, seen.get(read.plate_key)
            seen[read.plate_key] = (
                _Seen(at, at, 1)
                if before is None
                else _Seen(min(before.first, at), max(before.last, at), before.reads + 1)
            )
        to_db = self._time.to_db
        # In key order, so that two writers touching the same plates lock them in one order.
        self._upsert(
            transaction,
            [
                (key, fold_confusables(key), to_db(plate.first), to_db(plate.last), plate.reads)
                for key, plate in sorted(seen.items())
            ],
        )

    def _upsert(self, transaction: Transaction, rows: list[tuple[Any, ...]]) -> None:
        """Add each row's reads (plate key, folded key, first, last, reads) to its plate."""
        transaction.executemany(upsert_sql("VALUES (?, ?, ?, ?, ?)"), rows)

    def removed(self, transaction: Transaction, gone: Sequence[RemovedReads]) -> None:
        lost: dict[str, int] = {}
        for removed in gone:
            lost[removed.plate_key] = lost.get(removed.plate_key, 0) + removed.reads
        self._subtract(transaction, lost)
        self._renew_bounds(transaction, sorted(lost), sorted({removed.day for removed in gone}))

    def _subtract(self, transaction: Transaction, lost: dict[str, int]) -> None:
        """Take ``lost`` reads from each plate's count; a plate left with none goes."""
        # A purge may touch a few hundred thousand plates: grouped by how many reads each lost
        # (mostly one), a handful of statements do what one per plate would.
        by_count: dict[int, list[str]] = {}
        for key, reads in lost.items():
            by_count.setdefault(reads, []).append(key)
        member = self._dialect.member("plate_key")
        for reads, keys in sorted(by_count.items()):
            plates = self._dialect.array(sorted(keys))
            transaction.execute(
                f"DELETE FROM plates WHERE {member} AND reads <= ?", (plates, reads)
            )
            transaction.execute(
                f"UPDATE plates SET reads = reads - ? WHERE {member}", (reads, plates)
            )

    def _renew_bounds(self, transaction: Transaction, keys: list[str], days: list[date]) -> None:
        """Set the first (last) capture of the plates in ``keys`` whose first (last) capture fell
        in the removed days' span: only those can have moved.

        A plate's new first capture lies after the span's first day (an earlier read would have
        been its first capture before), so the days are walked forward from there, each day one
        indexed look-up per pending plate in one day (one partition on PostgreSQL) rather than
        a probe of every day's index per plate; a purge of the oldest day finds nearly every
        plate on the next day. Last captures likewise, backward from the span's last day. The
        few plates left after ``_DAYS_WALKED`` days take a look-up over all days; one with no
        read left keeps its bounds: a day swapped out is told in batches, and its other reads
        come in a later one, which then removes the plate."""
        start, end = self._day_start(days[0]), self._day_start(days[-1] + ONE_DAY)
        member = self._dialect.member("plate_key")
        for column, aggregate, first_day, step in (
            ("first_seen", "min", days[0], ONE_DAY),
            ("last_seen", "max", days[-1], -ONE_DAY),
        ):
            rows = transaction.execute(
                f"SELECT plate_key FROM plates WHERE {member} AND {column} >= ? AND {column} < ?",
                (self._dialect.array(keys), start, end),
            ).fetchall()
            pending = {key for (key,) in rows}
            day = first_day
            for _ in range(_DAYS_WALKED):
                if not pending:
                    break
                found = transaction.execute(
                    f"UPDATE plates SET {column} = found.at FROM (SELECT plate_key,"
                    f" {aggregate}(captured_at) AS at FROM reads WHERE {member}"
                    " AND captured_at >= ? AND captured_at < ? GROUP BY plate_key) AS found"
                    " WHERE plates.plate_key = found.plate_key RETURNING plates.plate_key",
                    (
                        self._dialect.array(sorted(pending)),
                        self._day_start(day),
                        self._day_start(day + ONE_DAY),
                    ),
                ).fetchall()
                pending.difference_update(key for (key,) in found)
                day += step
            if pending:
                transaction.execute(
                    f"UPDATE plates SET {column} = coalesce((SELECT {aggregate}(captured_at)"
                    f" FROM reads WHERE reads.plate_key = plates.plate_key), {column})"
                    f" WHERE {member}",
                    (self._dialect.array(sorted(pending)),),
                )

    def rebuild(self, transaction: Transaction) -> None:
        transaction.execute(self._dialect.empty("plates"))
        transaction.execute(
            "INSERT INTO plates (plate_key, folded_key, first_seen, last_seen, reads)"
            f" SELECT plate_key, {folded_sql('plate_key')}, min(captured_at), max(captured_at),"
            " count(*) FROM reads GROUP BY plate_key"
        )

    def _day_start(self, day: date) -> Any:
        return self._time.to_db(day_start(day))

    # --- searched ----------------------------------------------------------------------------

    def matching(self, transaction: Transaction, query: ReadQuery) -> list[SeenPlate]:
        """The plates ``query``'s plate condition names that were seen in its time range (and
        before its cursor), in no order."""
        conditions, params = self._plate_condition(query)
        start, end = query.captured_from, query.captured_before
        after = None if query.after is None else query.after.captured_at
        bounds = [
            ("last_seen >= ?", start),
            ("first_seen < ?", end),
            ("first_seen <= ?", after),
        ]
        for clause, instant in bounds:
            if instant is not None:
                conditions.append(clause)
                params.append(self._time.to_db(instant))
        rows = self._select(
            transaction,
            query,
            "SELECT plate_key, first_seen, last_seen, reads FROM plates"
            f" WHERE {' AND '.join(conditions)}",
            params,
        )
        from_db = self._time.from_db
        return [
            SeenPlate(key, from_db(first), from_db(last), reads) for key, first, last, reads in rows
        ]

    def _select(
        self, transaction: Transaction, query: ReadQuery, sql: str, params: Sequence[Any]
    ) -> list[Row]:
        """The rows of ``matching``'s statement for ``query``."""
        return transaction.execute(sql, params).fetchall()

    def _found_by(self, folded_like: str) -> tuple[list[str], list[Any]]:
        """Conditions through which the database's indexes find the plates whose folded key
        may match ``folded_like``, a pattern not spelled out; ``LIKE`` decides after them."""
        return [self._FOLDED_LIKE], [folded_like]

    def _plate_condition(self, query: ReadQuery) -> tuple[list[str], list[Any]]:
        conditions: list[str] = []
        params: list[Any] = []
        if query.plate_key is not None and query.misread_tolerant:
            conditions.append(self._dialect.member("folded_key"))
            params.append(self._dialect.array(sorted(misread_keys(query.plate_key))))
        elif query.plate_key is not None:
            conditions.append("plate_key = ?")
            params.append(query.plate_key)
        if query.plate_like is not None:
            folded = fold_confusables(query.plate_like)
            spelled = spelled_out(folded)
            # The folded keys a pattern of one length can only be, through the folded key's
            # B-tree; else the trigram index finds candidates by the folded key. LIKE on the
            # column itself then decides (SQLite's trigrams keep no positions), and on the raw
            # key unless look-alikes are wanted.
            if spelled is None:
                found_by, found_params = self._found_by(folded)
                conditions += found_by
                params += found_params
            else:
                conditions.append(self._dialect.member("folded_key"))
                params.append(self._dialect.array(spelled))
            conditions.append("folded_key LIKE ?")
            params.append(folded)
            if not query.misread_tolerant:
                conditions.append("plate_key LIKE ?")
                params.append(query.plate_like)
        return conditions, params


FOLDED_ALPHABET = "".join(sorted({fold_confusables(c) for c in ascii_uppercase + digits}))
"""The characters a folded plate key is written in."""
MAX_SPELLED = 1_000
"""Most keys a pattern is spelled out into (two unknown characters: 676)."""


def spelled_out(folded_like: str) -> list[str] | None:
    """Every folded key the folded ``LIKE`` pattern ``folded_like`` can match, when it has no
    ``%`` and at most ``MAX_SPELLED`` of them: ``7A_C12_`` is 26 x 26 keys. None otherwise.

    A witness's plate with a character or two unknown is the pattern a trigram index serves
    worst: its known runs may be shorter than three characters (``7_B_12_``), and then no
    trigram narrows it and the whole index is read. Spelled out, it is a few hundred probes of
    the folded key's B-tree, whatever the store's size."""
    blanks = folded_like.count("_")
    if "%" in folded_like or not blanks or len(FOLDED_ALPHABET) ** blanks > MAX_SPELLED:
        return None
    parts = folded_like.split("_")
    return [
        "".join(chain.from_iterable(zip(parts, (*letters, ""), strict=True)))
        for letters in product(FOLDED_ALPHABET, repeat=blanks)
    ]


def unspelled_pattern(query: ReadQuery) -> str | None:
    """``query``'s plate pattern, folded, when the plates it names are looked up through the
    database's indexes (``_found_by``): hundreds of them, not the few keys it is spelled out
    into. None without a pattern or for one spelled out."""
    if query.plate_like is None:
        return None
    folded = fold_confusables(query.plate_like)
    return folded if spelled_out(folded) is None else None


def literal_tail(like: str) -> str:
    """What a ``LIKE`` pattern's matches all end with: its characters after the last wildcard
    (``%C123``: ``C123``); empty when it ends with one."""
    cut = max(like.rfind("%"), like.rfind("_"))
    return like[cut + 1 :]


def folded_sql(column: str) -> str:
    """SQL folding ``column`` as ``fold_confusables`` does, in SQLite and PostgreSQL alike."""
    for group in CONFUSABLE_CLASSES:
        for look_alike in group[1:]:
            column = f"REPLACE({column}, '{look_alike}', '{group[0]}')"
    return column


def searched_through_index(query: ReadQuery) -> bool:
    """Whether ``query`` finds its plates in the index: any key or pattern. Its reads are then
    looked for only between each plate's first and last capture."""
    return query.plate_key is not None or query.plate_like is not None


def upsert_sql(source: str) -> str:
    """The statement adding the plates of ``source`` (a ``VALUES`` list or a ``SELECT`` of the
    plate key, folded key, first and last capture and reads) to the index."""
    return (
        "INSERT INTO plates (plate_key, folded_key, first_seen, last_seen, reads)"
        f" {source}{_ON_CONFLICT}"
    )


# The earlier first and the later last capture; portable where SQLite's min and PostgreSQL's
# least are spelled differently.
_ON_CONFLICT = (
    " ON CONFLICT (plate_key) DO UPDATE SET"
    " first_seen = CASE WHEN excluded.first_seen < plates.first_seen"
    " THEN excluded.first_seen ELSE plates.first_seen END,"
    " last_seen = CASE WHEN excluded.last_seen > plates.last_seen"
    " THEN excluded.last_seen ELSE plates.last_seen END,"
    " reads = plates.reads + excluded.reads"
)
