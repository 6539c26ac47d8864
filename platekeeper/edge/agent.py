"""The agent: capture in the foreground, forwarding and the server's news in the background.

Three threads share one durable queue: the capture (the main thread: a folder, a stream, a USB
camera), the forwarder (reads to the server, ``forwarder``) and the status loop (the hot-list
copy from the server, the health report to it, the page's access events to its log). The local
page, when asked for, is served beside them on loopback.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from platekeeper.background import BackgroundLoop
from platekeeper.domain import GeoPoint
from platekeeper.edge.capture import Capture, FolderSource, VideoCapture
from platekeeper.edge.forwarder import Backoff, Forwarder
from platekeeper.edge.hotlist_copy import CopyRefused, HotlistCopyKeeper
from platekeeper.edge.queue import EdgeQueue
from platekeeper.edge.server import Refused, Server, Unreachable
from platekeeper.errors import InvalidInput, PlateKeeperError
from platekeeper.ingest.images import Recogniser
from platekeeper.ingest.video import PlateTracker, decode_frames, is_device, is_stream, reconnecting

log = logging.getLogger(__name__)

QUEUE_FILE = "queue.db"
EVENTS_PER_ROUND = 200
HITS_KEPT = timedelta(hours=24)
"""How long an offline hit (its plate and crop) stays on the agent: past a shift it helps no
one in the car, and the server holds its own hit on the same read."""


@dataclass(frozen=True, slots=True)
class EdgeOptions:
    server_url: str
    camera_key: str
    source: str
    data_dir: Path
    latitude: float | None = None
    longitude: float | None = None
    position_file: Path | None = None
    server_public_key: Ed25519PublicKey | None = None
    batch_size: int = 50
    first_backoff_s: float = 1.0
    max_backoff_s: float = 60.0
    status_interval_s: float = 60.0
    copy_interval_s: float = 600.0
    poll_s: float = 0.5
    fps: float = 5.0


@dataclass
class Contact:
    """What the agent last heard from the server."""

    at: datetime | None = None
    clock_skew_s: float | None = None
    copy_fetched_at: datetime | None = None
    error: str | None = None


class Agent:
    def __init__(self, options: EdgeOptions, recogniser: Recogniser) -> None:
        require_source(options.source)
        self.options = options
        self._recogniser = recogniser
        self.queue = EdgeQueue(options.data_dir / QUEUE_FILE)
        self.server = Server(options.server_url, options.camera_key)
        self.copies = HotlistCopyKeeper(self.queue, options.server_public_key)
        self.contact = Contact()
        self._wakeup = threading.Event()
        self.forwarder = Forwarder(
            self.queue,
            self.server,
            Backoff(options.first_backoff_s, options.max_backoff_s),
            options.batch_size,
        )
        self._loops = [
            BackgroundLoop(
                "edge-forwarder",
                self.forwarder.round,
                interval_s=options.poll_s * 4,
                log=log,
                failure="forwarding failed",
                wakeup=self._wakeup,
            ),
            BackgroundLoop(
                "edge-status",
                self.status_round,
                interval_s=options.status_interval_s,
                log=log,
                failure="the status round failed",
            ),
        ]
        self.capture = Capture(self.queue, self.copies, self.position, self._wakeup.set)

    def position(self) -> GeoPoint | None:
        """Where the camera is now: the position file a GPS helper keeps, or the fixed one."""
        if self.options.position_file is not None:
            return read_position(self.options.position_file)
        if self.options.latitude is None or self.options.longitude is None:
            return None
        return GeoPoint(self.options.latitude, self.options.longitude)

    def run(self, stop: threading.Event) -> None:
        """Capture until ``stop`` is set; forwarding and status run meanwhile."""
        for loop in self._loops:
            loop.start()
        try:
            self._capture(stop)
        finally:
            for loop in self._loops:
                loop.stop(timeout_s=10.0)
            self.close()

    def close(self) -> None:
        self.server.close()
        self.queue.close()

    def _capture(self, stop: threading.Event) -> None:
        source = self.options.source
        if is_stream(source) or is_device(source):
            frames = reconnecting(
                lambda: decode_frames(
                    source, self.options.fps, datetime.now(UTC), now=lambda: datetime.now(UTC)
                )
            )
            VideoCapture(self._recogniser, self.capture, PlateTracker()).run(frames, stop)
            return
        FolderSource(Path(source), self._recogniser, self.capture).run(stop, self.options.poll_s)

    def status_round(self) -> float | None:
        """Fetch the hot-list copy when due, report health, forward the page's access events."""
        now = datetime.now(UTC)
        self.queue.forget_before(now - HITS_KEPT)
        self._refresh_copy(now)
        try:
            answer = self.server.report_health(self.health(now))
            self.contact.at, self.contact.error = now, None
            self.contact.clock_skew_s = float(answer["clock_skew_s"])
            self._forward_events()
        except (Unreachable, Refused) as error:
            self.contact.error = error.message
            log.warning("health not reported: %s", error.message)
        return None

    def _refresh_copy(self, now: datetime) -> None:
        fetched = self.contact.copy_fetched_at
        if fetched is not None and now - fetched < timedelta(seconds=self.options.copy_interval_s):
            return
        try:
            copy = self.copies.accept(self.server.hotlist_copy())
        except (Unreachable, Refused, CopyRefused) as error:
            log.warning("hot-list copy not refreshed: %s", error.message)
            return
        self.contact.copy_fetched_at = now
        log.info("hot-list copy of %d entries, good until %s", len(copy.entries), copy.expires_at)

    def health(self, now: datetime) -> dict[str, Any]:
        copy = self.copies.copy
        warnings = [w for w in (self.copies.warning(now), self._refused_warning()) if w]
        oldest = self.queue.oldest_captured_at()
        forwarded = self.queue.get("last_forwarded_at")
        return {
            "agent_time": now.isoformat(),
            "queue_depth": self.queue.depth(),
            "oldest_queued_at": None if oldest is None else oldest.isoformat(),
            "last_forwarded_at": forwarded,
            "copy_issued_at": None if copy is None else copy.issued_at.isoformat(),
            "copy_expires_at": None if copy is None else copy.expires_at.isoformat(),
            "warning": "; ".join(warnings)[:500] or None,
        }

    def _refused_warning(self) -> str | None:
        refused = self.queue.refused_count()
        return (
            f"{refused} reads refused by the server, kept aside on the agent" if refused else None
        )

    def _forward_events(self) -> None:
        while events := self.queue.events(EVENTS_PER_ROUND):
            self.server.post_events([json.loads(document) for _, document in events])
            self.queue.remove_events([seq for seq, _ in events])


def require_source(source: str) -> None:
    """Refuse, before anything starts, a source the agent cannot capture from."""
    if is_stream(source) or is_device(source) or Path(source).is_dir():
        return
    raise InvalidInput(
        f"the source {source} is neither a folder, a stream URL nor a /dev/video device",
        hint="Give a folder the camera writes images to, rtsp://..., or /dev/videoN.",
    )


def read_position(path: Path) -> GeoPoint | None:
    """``{"latitude": .., "longitude": ..}`` from ``path``; None (logged) if it cannot be read:
    a read without a position is refused by the server for a mobile camera, and says so."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return GeoPoint(float(document["latitude"]), float(document["longitude"]))
    except (OSError, ValueError, KeyError, TypeError, PlateKeeperError) as error:
        log.warning("no position from %s: %s", path, error)
        return None
