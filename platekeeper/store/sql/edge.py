"""Edge agents' health: one row per camera, replaced by each report."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from platekeeper.domain.edge import EdgeHealth
from platekeeper.errors import NotFound
from platekeeper.store.sql.database import Repository, Row, marks
from platekeeper.store.sql.dialect import ConstraintViolation, TimeCodec

_COLUMNS = (
    "camera_id, received_at, agent_time, queue_depth, oldest_queued_at, last_forwarded_at,"
    " copy_issued_at, copy_expires_at, warning"
)
_UPDATES = ", ".join(
    f"{column} = excluded.{column}" for column in _COLUMNS.replace(" ", "").split(",")[1:]
)


class SqlEdgeHealth(Repository):
    def report(self, health: EdgeHealth) -> None:
        try:
            self._execute(
                f"INSERT INTO edge_health ({_COLUMNS}) VALUES ({marks(9)})"
                f" ON CONFLICT (camera_id) DO UPDATE SET {_UPDATES}",
                _row(health, self._time),
            )
        except ConstraintViolation:
            raise NotFound(f"camera {health.camera_id!r} does not exist") from None

    def latest(self, camera_ids: Collection[str]) -> dict[str, EdgeHealth]:
        if not camera_ids:
            return {}
        ids = sorted(camera_ids)
        rows = self._fetch_all(
            f"SELECT {_COLUMNS} FROM edge_health WHERE camera_id IN ({marks(len(ids))})", ids
        )
        return {row[0]: _health(row, self._time) for row in rows}


def _row(health: EdgeHealth, time: TimeCodec) -> tuple[Any, ...]:
    return (
        health.camera_id,
        time.to_db(health.received_at),
        time.to_db(health.agent_time),
        health.queue_depth,
        time.optional_to_db(health.oldest_queued_at),
        time.optional_to_db(health.last_forwarded_at),
        time.optional_to_db(health.copy_issued_at),
        time.optional_to_db(health.copy_expires_at),
        health.warning,
    )


def _health(row: Row, time: TimeCodec) -> EdgeHealth:
    return EdgeHealth(
        camera_id=row[0],
        received_at=time.from_db(row[1]),
        agent_time=time.from_db(row[2]),
        queue_depth=row[3],
        oldest_queued_at=time.optional_from_db(row[4]),
        last_forwarded_at=time.optional_from_db(row[5]),
        copy_issued_at=time.optional_from_db(row[6]),
        copy_expires_at=time.optional_from_db(row[7]),
        warning=row[8],
    )


class SqlEdgeEvents(Repository):
    def entered(self, event_id: str) -> bool:
        return (
            self._fetch_one("SELECT 1 FROM edge_access_events WHERE id = ?", (event_id,))
            is not None
        )

    def enter(self, event_id: str, camera_id: str, at: datetime) -> bool:
        return (
            self._execute(
                "INSERT INTO edge_access_events (id, camera_id, received_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (event_id, camera_id, self._time.to_db(at)),
            )
            > 0
        )
