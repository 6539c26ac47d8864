"""Images to fetch by URL after their reads were stored, and the cameras' credentials for them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from platekeeper.errors import NotFound
from platekeeper.store.protocols.image_fetches import (
    FailedFetch,
    FetchFailures,
    ImageSource,
    PendingFetch,
)
from platekeeper.store.sql.database import Repository, marks
from platekeeper.store.sql.dialect import ConstraintViolation


class SqlImageFetches(Repository):
    def queue(self, fetch: PendingFetch) -> None:
        self._execute(
            "INSERT INTO image_fetches (read_id, camera_id, url, state, attempts,"
            f" next_attempt_at) VALUES ({marks(6)}) ON CONFLICT (read_id) DO NOTHING",
            (
                fetch.read_id,
                fetch.camera_id,
                fetch.url,
                "pending",
                fetch.attempts,
                self._time.to_db(fetch.next_attempt_at),
            ),
        )

    def due(self, now: datetime, limit: int) -> list[PendingFetch]:
        rows = self._fetch_all(
            "SELECT read_id, camera_id, url, attempts, next_attempt_at FROM image_fetches"
            " WHERE state = 'pending' AND next_attempt_at <= ?"
            " ORDER BY next_attempt_at, read_id LIMIT ?",
            (self._time.to_db(now), limit),
        )
        return [
            PendingFetch(row[0], row[1], row[2], row[3], self._time.from_db(row[4])) for row in rows
        ]

    def done(self, read_id: str) -> None:
        self._execute("DELETE FROM image_fetches WHERE read_id = ?", (read_id,))

    def retry(self, read_id: str, attempts: int, at: datetime, reason: str) -> None:
        self._execute(
            "UPDATE image_fetches SET attempts = ?, next_attempt_at = ?, failure = ?"
            " WHERE read_id = ?",
            (attempts, self._time.to_db(at), reason, read_id),
        )

    def fail(self, read_id: str, attempts: int, reason: str, at: datetime) -> None:
        self._execute(
            "UPDATE image_fetches SET state = 'failed', url = NULL, attempts = ?, failure = ?,"
            " next_attempt_at = ? WHERE read_id = ?",
            (attempts, reason, self._time.to_db(at), read_id),
        )

    def failures(self, camera_ids: Collection[str]) -> dict[str, FetchFailures]:
        if not camera_ids:
            return {}
        ids = sorted(camera_ids)
        rows = self._fetch_all(
            "SELECT camera_id, next_attempt_at, failure FROM image_fetches"
            f" WHERE state = 'failed' AND camera_id IN ({marks(len(ids))})"
            " ORDER BY camera_id, next_attempt_at DESC, read_id",
            ids,
        )
        found: dict[str, FetchFailures] = {}
        for camera_id, at, reason in rows:
            if camera_id in found:
                found[camera_id] = replace(found[camera_id], count=found[camera_id].count + 1)
            else:
                found[camera_id] = FetchFailures(1, self._time.from_db(at), reason or "")
        return found

    def failed(self, camera_id: str) -> list[FailedFetch]:
        rows = self._fetch_all(
            "SELECT read_id, camera_id, attempts, failure FROM image_fetches"
            " WHERE state = 'failed' AND camera_id = ? ORDER BY read_id",
            (camera_id,),
        )
        return [FailedFetch(row[0], row[1], row[2], row[3] or "") for row in rows]

    def pending_count(self) -> int:
        row = self._fetch_one("SELECT count(*) FROM image_fetches WHERE state = 'pending'")
        return 0 if row is None else int(row[0])

    def set_source(self, camera_id: str, source: ImageSource) -> None:
        if source == ImageSource():
            self._execute("DELETE FROM camera_image_sources WHERE camera_id = ?", (camera_id,))
            return
        try:
            self._execute(
                "INSERT INTO camera_image_sources (camera_id, base_url, username, sealed_password)"
                f" VALUES ({marks(4)}) ON CONFLICT (camera_id) DO UPDATE SET"
                " base_url = excluded.base_url, username = excluded.username,"
                " sealed_password = excluded.sealed_password",
                (camera_id, source.base_url, source.username, source.sealed_password),
            )
        except ConstraintViolation:
            raise NotFound(f"camera {camera_id!r} does not exist") from None

    def source(self, camera_id: str) -> ImageSource:
        row = self._fetch_one(
            "SELECT base_url, username, sealed_password FROM camera_image_sources"
            " WHERE camera_id = ?",
            (camera_id,),
        )
        return ImageSource() if row is None else ImageSource(row[0], row[1], row[2])
