"""The agent's durable queue: every read captured, with its images, until the server has it.

SQLite in WAL mode with ``synchronous=FULL``, one file in the agent's data folder. Why SQLite
and not a folder of files: one transaction holds a captured image's reads, their images, the
offline hits they made and the mark that the image is done, so after a power cut either all of
them are on disk or none is and the image is recognised again; there is no half-written file to
find and no rename protocol to get right. ``synchronous=FULL`` makes a commit wait for the WAL's
fsync, so a read whose capture was acknowledged (the commit returned) survives a power cut; WAL
lets the page and the forwarder read while the capture writes.

A read leaves the queue only when the server has acknowledged it (``remove``), or when the
server refused it for good (``refuse``: it moves to ``refused`` with the server's answer, kept
for a person to look at, so one bad read never blocks the rest).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS reads (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    client_read_id  TEXT NOT NULL UNIQUE,
    captured_at     TEXT NOT NULL,
    document        TEXT NOT NULL,
    image           BLOB,
    crop            BLOB,
    queued_at       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS captured (
    source_key  TEXT PRIMARY KEY,
    at          TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS refused (
    client_read_id  TEXT PRIMARY KEY,
    document        TEXT NOT NULL,
    problem         TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hits (
    id              TEXT PRIMARY KEY,
    client_read_id  TEXT NOT NULL,
    document        TEXT NOT NULL,
    crop            BLOB,
    made_at         TEXT NOT NULL,
    verdict         TEXT,
    verified_by     TEXT
);
CREATE TABLE IF NOT EXISTS events (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    id        TEXT NOT NULL UNIQUE,
    document  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sign_ins (
    token_hash  TEXT PRIMARY KEY,
    person      TEXT NOT NULL,
    good_until  TEXT NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class QueuedRead:
    """A read as queued: its wire document (the ingest API's JSON) and its images."""

    client_read_id: str
    captured_at: datetime
    document: str
    image: bytes | None
    crop: bytes | None


@dataclass(frozen=True, slots=True)
class StoredRead:
    seq: int
    read: QueuedRead


@dataclass(frozen=True, slots=True)
class LocalHit:
    """A match the agent made offline, kept for its page."""

    id: str
    client_read_id: str
    document: str
    crop: bytes | None


class EdgeQueue:
    """The queue, the agent's other durable state, and one connection behind a lock."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def capture(
        self,
        reads: Sequence[QueuedRead],
        hits: Sequence[LocalHit] = (),
        source_key: str | None = None,
    ) -> int:
        """Queue ``reads`` with the ``hits`` they made and mark ``source_key`` done, at once;
        how many reads were new. A read already queued (the same image again) is not doubled."""
        now = _now()
        with self._write() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO reads"
                " (client_read_id, captured_at, document, image, crop, queued_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (r.client_read_id, r.captured_at.isoformat(), r.document, r.image, r.crop, now)
                    for r in reads
                ],
            )
            added = db.total_changes - before
            db.executemany(
                "INSERT OR IGNORE INTO hits (id, client_read_id, document, crop, made_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [(h.id, h.client_read_id, h.document, h.crop, now) for h in hits],
            )
            if source_key is not None:
                db.execute(
                    "INSERT OR IGNORE INTO captured (source_key, at) VALUES (?, ?)",
                    (source_key, now),
                )
        return added

    def captured(self, source_key: str) -> bool:
        return bool(self._query("SELECT 1 FROM captured WHERE source_key = ?", (source_key,)))

    def oldest(self, limit: int) -> list[StoredRead]:
        """The first ``limit`` reads in the order they were captured."""
        rows = self._query(
            "SELECT seq, client_read_id, captured_at, document, image, crop FROM reads"
            " ORDER BY seq LIMIT ?",
            (limit,),
        )
        return [
            StoredRead(
                int(str(row[0])),
                QueuedRead(
                    str(row[1]),
                    datetime.fromisoformat(str(row[2])),
                    str(row[3]),
                    _blob(row[4]),
                    _blob(row[5]),
                ),
            )
            for row in rows
        ]

    def remove(self, seqs: Sequence[int], forwarded_at: datetime) -> None:
        """The server has these reads: they leave the queue."""
        with self._write() as db:
            db.executemany("DELETE FROM reads WHERE seq = ?", [(seq,) for seq in seqs])
            _set(db, "last_forwarded_at", forwarded_at.isoformat())

    def refuse(self, stored: StoredRead, problem: str) -> None:
        """The server refused this read for good: keep it aside with why, out of the queue."""
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO refused (client_read_id, document, problem, at)"
                " VALUES (?, ?, ?, ?)",
                (stored.read.client_read_id, stored.read.document, problem, _now()),
            )
            db.execute("DELETE FROM reads WHERE seq = ?", (stored.seq,))

    def depth(self) -> int:
        return int(str(self._query("SELECT count(*) FROM reads")[0][0]))

    def refused_count(self) -> int:
        return int(str(self._query("SELECT count(*) FROM refused")[0][0]))

    def oldest_captured_at(self) -> datetime | None:
        rows = self._query("SELECT captured_at FROM reads ORDER BY seq LIMIT 1")
        return datetime.fromisoformat(str(rows[0][0])) if rows else None

    def get(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM state WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def put(self, key: str, value: str) -> None:
        self.put_all({key: value})

    def put_all(self, values: dict[str, str]) -> None:
        """Keep every one of ``values``, all or none."""
        with self._write() as db:
            for key, value in values.items():
                _set(db, key, value)

    def hits(self) -> list[LocalHit]:
        rows = self._query(
            "SELECT id, client_read_id, document, crop FROM hits ORDER BY made_at DESC, id"
        )
        return [LocalHit(str(r[0]), str(r[1]), str(r[2]), _blob(r[3])) for r in rows]

    def hit(self, hit_id: str) -> LocalHit | None:
        return next((hit for hit in self.hits() if hit.id == hit_id), None)

    def verdict(self, hit_id: str) -> tuple[str, str] | None:
        rows = self._query("SELECT verdict, verified_by FROM hits WHERE id = ?", (hit_id,))
        if not rows or rows[0][0] is None:
            return None
        return str(rows[0][0]), str(rows[0][1])

    def set_verdict(self, hit_id: str, verdict: str, username: str) -> bool:
        with self._write() as db:
            changed = db.execute(
                "UPDATE hits SET verdict = ?, verified_by = ? WHERE id = ? AND verdict IS NULL",
                (verdict, username, hit_id),
            ).rowcount
        return changed > 0

    def forget_before(self, instant: datetime) -> int:
        """Delete the offline hits made, and the sign-ins that lapsed, before ``instant``; how
        many hits went. A hit's plate and image stay on the car no longer than it is of use."""
        with self._write() as db:
            hits = db.execute("DELETE FROM hits WHERE made_at < ?", (_stamp(instant),))
            db.execute("DELETE FROM sign_ins WHERE good_until < ?", (_stamp(instant),))
        return hits.rowcount

    def add_event(self, event_id: str, document: str) -> None:
        """An access on the page, kept until the server's access log has it."""
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO events (id, document) VALUES (?, ?)", (event_id, document)
            )

    def events(self, limit: int) -> list[tuple[int, str]]:
        rows = self._query("SELECT seq, document FROM events ORDER BY seq LIMIT ?", (limit,))
        return [(int(str(r[0])), str(r[1])) for r in rows]

    def remove_events(self, seqs: Sequence[int]) -> None:
        with self._write() as db:
            db.executemany("DELETE FROM events WHERE seq = ?", [(seq,) for seq in seqs])

    def event_count(self) -> int:
        return int(str(self._query("SELECT count(*) FROM events")[0][0]))

    def remember_sign_in(self, token_hash: str, person: str, good_until: datetime) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO sign_ins (token_hash, person, good_until) VALUES (?, ?, ?)",
                (token_hash, person, _stamp(good_until)),
            )

    def sign_in(self, token_hash: str, now: datetime) -> str | None:
        """The person a token was checked for at the server, while that check still holds."""
        rows = self._query(
            "SELECT person, good_until FROM sign_ins WHERE token_hash = ?", (token_hash,)
        )
        if not rows or datetime.fromisoformat(str(rows[0][1])) <= now:
            return None
        return str(rows[0][0])


def _set(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))


def _blob(value: object) -> bytes | None:
    return bytes(value) if isinstance(value, bytes | bytearray | memoryview) else None


def _now() -> str:
    return _stamp(datetime.now(UTC))


def _stamp(instant: datetime) -> str:
    """An instant as text that sorts as time does (always with microseconds, always UTC)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
