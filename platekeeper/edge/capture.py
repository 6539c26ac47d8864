"""Capture: recognise, match offline, and queue on disk before anything else.

A read is captured when its queue transaction has committed: until then nothing has been
acknowledged (a folder's image is not marked done, so it is recognised again after a crash);
after it, the read survives a power cut. The built-in recogniser does the reading, through the
same helpers as ``platekeeper ingest images|video``, so a read from the car carries what one
from the server's own ingest would: text, confidence, candidates, box, crop and full image.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from platekeeper.domain import GeoPoint, ReadSubmission
from platekeeper.edge.hotlist_copy import HotlistCopyKeeper, OfflineMatch
from platekeeper.edge.queue import EdgeQueue, LocalHit
from platekeeper.edge.wire import queued
from platekeeper.errors import PlateKeeperError
from platekeeper.ingest import IngestItem
from platekeeper.ingest.images import Recogniser, items_for, photo_date
from platekeeper.ingest.video import Frame, PlateTracker, item_for
from platekeeper.recognition import image_files
from platekeeper.recognition.images import decode_image

log = logging.getLogger(__name__)

SETTLE_S = 1.0
"""A file younger than this may still be being written by the camera: it waits a round."""

_HIT_NAMESPACE = uuid.UUID("0f6b1c52-4f0e-4d2c-9a55-0e5e7d1d2a10")


class Capture:
    """Queues reads with the offline hits they make, then wakes the forwarder."""

    def __init__(
        self,
        queue: EdgeQueue,
        copies: HotlistCopyKeeper,
        position: Callable[[], GeoPoint | None],
        captured: Callable[[], None],
    ) -> None:
        self._queue = queue
        self._copies = copies
        self._position = position
        self._captured = captured

    def done(self, source_key: str) -> bool:
        """Whether the source's item (a folder's image) was captured already."""
        return self._queue.captured(source_key)

    def items(self, items: Sequence[IngestItem], source_key: str | None = None) -> int:
        """Queue ``items`` (and mark ``source_key`` done) in one transaction; how many were new."""
        now = datetime.now(UTC)
        position = self._position()
        reads = [queued(i.submission, i.image, i.crop, position) for i in items]
        hits = [
            local_hit(item, match, now)
            for item in items
            for match in self._copies.match(
                item.submission.plate_key, now, item.submission.candidates
            )
        ]
        added = self._queue.capture(reads, hits, source_key)
        if hits:
            log.warning("%d offline hot-list hits; see the agent's page", len(hits))
        self._captured()
        return added


def local_hit(item: IngestItem, match: OfflineMatch, now: datetime) -> LocalHit:
    submission = item.submission
    hit_id = str(uuid.uuid5(_HIT_NAMESPACE, f"{submission.client_read_id}|{match.entry.id}"))
    entry = match.entry
    document = {
        "id": hit_id,
        "client_read_id": submission.client_read_id,
        "plate_text": submission.plate_text,
        "region": submission.region,
        "captured_at": submission.captured_at.isoformat(),
        "made_at": now.isoformat(),
        "kind": match.kind,
        "score": match.score,
        "reading": match.reading,
        "matched_text": _reading_text(submission, match.reading),
        "entry": {
            "id": entry.id,
            "list_id": entry.list_id,
            "list_name": entry.list_name,
            "plate_text": entry.plate_text,
            "state": entry.state,
            "reason": entry.reason,
        },
    }
    return LocalHit(hit_id, submission.client_read_id, json.dumps(document), item.crop)


def _reading_text(submission: ReadSubmission, reading: int) -> str:
    """The text of reading ``reading``: 0 the read's own, 1 its first alternative, and so on."""
    if reading == 0:
        return submission.plate_text
    return submission.candidates[reading - 1].plate_text


class FolderSource:
    """Watches a folder for new images; each is captured once, whatever its name later."""

    def __init__(self, folder: Path, recogniser: Recogniser, capture: Capture) -> None:
        self._folder = folder
        self._recogniser = recogniser
        self._capture = capture
        self._seen: set[tuple[str, int, int]] = set()

    def run(self, stop: threading.Event, poll_s: float = 0.5) -> None:
        while not stop.is_set():
            for path in self.settled():
                if stop.is_set():
                    return
                self.one(path)
            stop.wait(poll_s)

    def settled(self) -> Iterator[Path]:
        """Image files not yet taken this run and not being written, oldest name first."""
        now = time.time()
        for path in image_files([self._folder]):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            mark = (path.name, stat.st_size, stat.st_mtime_ns)
            if mark not in self._seen and now - stat.st_mtime >= SETTLE_S:
                yield path

    def one(self, path: Path) -> int:
        try:
            stat = path.stat()
            data = path.read_bytes()
        except FileNotFoundError:
            return 0  # taken away since the listing: nothing was captured
        self._seen.add((path.name, stat.st_size, stat.st_mtime_ns))
        # By content: the same photo again, under any name, is the same capture.
        items_key = f"image:{hashlib.sha256(data).hexdigest()}"
        if self._capture.done(items_key):
            return 0
        try:
            image = decode_image(data, str(path))
            result = self._recogniser.recognise(image)
            items = items_for(data, image, result, photo_date(path, data).at)
        except (PlateKeeperError, OSError) as error:
            # A camera's file names often carry the plate: the name is for DEBUG only.
            log.warning("an image was not read (%s); it is skipped", type(error).__name__)
            log.debug("image %s was not read: %s", path.name, error)
            items = []
        return self._capture.items(items, items_key)


class VideoCapture:
    """An RTSP stream or a USB camera through the tracker: one read per vehicle pass."""

    def __init__(self, recogniser: Recogniser, capture: Capture, tracker: PlateTracker) -> None:
        self._recogniser = recogniser
        self._capture = capture
        self._tracker = tracker

    def run(self, frames: Iterator[Frame], stop: threading.Event) -> None:
        for frame in frames:
            if stop.is_set():
                break
            result = self._recogniser.recognise(frame.image)
            ended = self._tracker.update(result, frame.image, frame.at)
            if ended:
                self._capture.items([item_for(vehicle) for vehicle in ended])
        ended = self._tracker.finish()
        if ended:
            self._capture.items([item_for(vehicle) for vehicle in ended])
