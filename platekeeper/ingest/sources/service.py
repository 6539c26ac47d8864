"""Reads from vendor sources: parse, fold a vehicle's events, store through the ingest service.

A device resends what it thinks was lost, and a vendor may change an event between sends (a
better plate after more frames); either way the store already holds the vehicle, so the answer
is "duplicate" and never a refusal that would make the device retry for ever.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from platekeeper.domain import Camera, PlateRead
from platekeeper.domain.cameras import (
    CameraSourceSettings,
    DeviceAuth,
    FramePolicy,
    require_time_zone,
)
from platekeeper.domain.time import Clock
from platekeeper.errors import AuthenticationFailed, Conflict
from platekeeper.ingest.service import IngestItem, IngestService
from platekeeper.ingest.sources.base import Context, Parsed, Payload, ReadSource, SourceRead
from platekeeper.ingest.sources.fetcher import ImageFetcher
from platekeeper.ingest.sources.registry import SOURCES, source_named
from platekeeper.store import Store, StoredOutcome, StoredRead

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    FOLDED = "folded"
    """Per-frame events only, which the camera's setting folds into the vehicle's final read."""
    HEARTBEAT = "heartbeat"


@dataclass(frozen=True, slots=True)
class SourceReceipt:
    outcome: Outcome
    results: tuple[StoredRead, ...] = ()


class SourceIngest:
    """Hears cameras that speak a vendor's format (``sources``, by name)."""

    def __init__(
        self,
        ingest: IngestService,
        store: Store,
        clock: Clock,
        sources: Mapping[str, ReadSource] = SOURCES,
        *,
        fetcher: ImageFetcher | None = None,
    ) -> None:
        self._ingest = ingest
        self._store = store
        self._clock = clock
        self.sources = sources
        self._fetcher = fetcher

    def settings(self, camera_id: str) -> CameraSourceSettings:
        return self._store.camera_sources.get(camera_id) or CameraSourceSettings(camera_id)

    def configure(self, settings: CameraSourceSettings) -> None:
        self._store.camera_sources.put(settings)

    def authenticate_device(self, key: str, how: DeviceAuth, camera_id: str | None) -> Camera:
        """The camera behind ``key`` sent the weaker way ``how``, if its custodian allowed it.

        An unknown key and a key its camera may not send this way get the same answer, so that
        the answer tells a prober nothing about a key."""
        try:
            camera = self._ingest.authenticate(key)
        except AuthenticationFailed:
            raise _not_accepted(how) from None
        named_other = camera_id is not None and not hmac.compare_digest(camera_id, camera.id)
        if named_other or self.settings(camera.id).device_auth is not how:
            raise _not_accepted(how)
        return camera

    def receive(self, camera: Camera, source_name: str, payload: Payload) -> SourceReceipt:
        source = source_named(source_name, self.sources)
        settings = self.settings(camera.id)
        parsed = source.parse(payload, Context(require_time_zone(settings.time_zone)))
        kept = _kept(parsed, settings.frames)
        if not kept:
            self._store.cameras.record_contact(camera.id, self._clock.now())
            return SourceReceipt(Outcome.HEARTBEAT if parsed.heartbeat else Outcome.FOLDED)
        results = self._store_reads(camera, kept)
        self._queue_images(camera, kept, results)
        created = any(result.outcome is StoredOutcome.CREATED for result in results)
        return SourceReceipt(Outcome.CREATED if created else Outcome.DUPLICATE, tuple(results))

    def _queue_images(
        self, camera: Camera, reads: Sequence[SourceRead], results: Sequence[StoredRead]
    ) -> None:
        # Only for new reads (a resend's read is queued already), and only where the agency keeps
        # full images at all (plate crops only: the scene is never fetched either).
        if self._fetcher is None or not self._ingest.collection.full_images:
            return
        for read, result in zip(reads, results, strict=True):
            if read.image_url is None or read.image is not None:
                continue
            stored = self._store.reads.get(result.read_id)
            if result.outcome is StoredOutcome.CREATED and stored is not None:
                try:
                    self._fetcher.queue(stored, read.image_url)
                except Exception:  # the read is stored; its image is the fetcher's to report
                    log.exception("queueing the image of a read from camera %s failed", camera.id)

    def _store_reads(self, camera: Camera, reads: Sequence[SourceRead]) -> list[StoredRead]:
        items = [IngestItem(read.submission, read.image, read.crop) for read in reads]
        try:
            return self._ingest.ingest(camera, items, where=_where)
        except Conflict:
            # Some read was stored before with other content: store the others one by one,
            # so that a changed resend costs nothing of the new reads beside it.
            return [self._one(camera, item) for item in items]

    def _one(self, camera: Camera, item: IngestItem) -> StoredRead:
        try:
            [result] = self._ingest.ingest(camera, [item], where=_where)
        except Conflict:
            log.info("camera %s resent an event with changed content; kept the first", camera.id)
            read = PlateRead.from_submission(
                item.submission, camera_id=camera.id, received_at=self._clock.now()
            )
            return StoredRead(read.client_read_id, read.id, StoredOutcome.DUPLICATE)
        return result


def _not_accepted(how: DeviceAuth) -> AuthenticationFailed:
    return AuthenticationFailed(
        f"the camera key is not valid, or its camera may not send it by {how.value}",
        hint="Check the key; send it as 'Authorization: Bearer <key>', or have a custodian "
        f"allow {how.value} for the camera ('platekeeper camera source --auth {how.value}').",
    )


def _kept(parsed: Parsed, frames: FramePolicy) -> list[SourceRead]:
    return [read for read in parsed.reads if frames is FramePolicy.EVERY or not read.per_frame]


_where: Callable[[int], str] = "reads.{}".format
