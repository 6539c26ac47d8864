"""Edge agents report their health: queue depth, last forward, clock, hot-list copy.

An agent in a patrol car may be out of reach for hours; what it said last, and when, is what
the custodian sees on the camera page. The server's own time of receipt stands beside the
agent's clock, so a clock that drifts (and dates its reads wrongly) shows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from platekeeper.domain import Camera
from platekeeper.domain.edge import EdgeHealth
from platekeeper.domain.time import Clock
from platekeeper.store import Store

log = logging.getLogger(__name__)

SKEW_WARNING = timedelta(seconds=30)
"""A clock off by more than this is flagged on the camera page."""


@dataclass(frozen=True, slots=True)
class HealthReport:
    """What an agent says of itself; the server adds when it heard it."""

    agent_time: datetime
    queue_depth: int
    oldest_queued_at: datetime | None = None
    last_forwarded_at: datetime | None = None
    copy_issued_at: datetime | None = None
    copy_expires_at: datetime | None = None
    warning: str | None = None


class EdgeHealthDesk:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def report(self, camera: Camera, report: HealthReport) -> EdgeHealth:
        health = EdgeHealth(
            camera_id=camera.id,
            received_at=self._clock.now(),
            agent_time=report.agent_time,
            queue_depth=report.queue_depth,
            oldest_queued_at=report.oldest_queued_at,
            last_forwarded_at=report.last_forwarded_at,
            copy_issued_at=report.copy_issued_at,
            copy_expires_at=report.copy_expires_at,
            warning=report.warning,
        )
        self._store.edge_health.report(health)
        if abs(health.clock_skew) > SKEW_WARNING:
            log.warning(
                "edge camera %s: clock off by %.0f s", camera.id, health.clock_skew.total_seconds()
            )
        return health

    def latest(self, cameras: Sequence[Camera]) -> dict[str, EdgeHealth]:
        return self._store.edge_health.latest([camera.id for camera in cameras])
