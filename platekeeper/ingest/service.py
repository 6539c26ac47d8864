"""The ingest service: checks reads from a camera, then stores them and their images together."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from platekeeper.domain import (
    Camera,
    CameraKind,
    ImageRef,
    PlateRead,
    ReadSubmission,
)
from platekeeper.domain.cameras import hash_camera_key
from platekeeper.domain.collection import COLLECT_EVERYTHING, CollectionRules
from platekeeper.domain.time import Clock
from platekeeper.errors import AuthenticationFailed, FieldError, InvalidInput, PermissionDenied
from platekeeper.store import Store, StoredOutcome, StoredRead
from platekeeper.store.images import ImageKind, ImageStore, detect_image_type

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IngestLimits:
    max_batch_reads: int = 1000
    max_image_bytes: int = 8 * 1024 * 1024
    max_request_bytes: int = 256 * 1024 * 1024
    max_clock_skew: timedelta = timedelta(minutes=5)
    max_capture_age: timedelta = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class IngestItem:
    """One read as a camera sent it, with the image bytes that came along."""

    submission: ReadSubmission
    image: bytes | None = None
    crop: bytes | None = None


class ReadsStored(Protocol):
    """Hears of reads just committed, e.g. to match them against hot lists."""

    def reads_stored(self, reads: Sequence[PlateRead]) -> None: ...


class PolicyStanding(Protocol):
    """Whether the usage and privacy policy allows storing reads: ``require_complete`` raises
    (``PolicyIncomplete``) while the policy is missing or incomplete (1798.90.51(b))."""

    def require_complete(self) -> None: ...


class IngestService:
    """The one writer of reads: every way in (the API, camera pushes, ``platekeeper ingest``,
    the demo) stores through ``ingest``, which refuses while the policy is not complete."""

    def __init__(
        self,
        store: Store,
        images: ImageStore,
        clock: Clock,
        limits: IngestLimits,
        listeners: Sequence[ReadsStored] = (),
        *,
        collection: CollectionRules = COLLECT_EVERYTHING,
        policy: PolicyStanding,
    ) -> None:
        self._store = store
        self._policy = policy
        self._images = images
        self._clock = clock
        self.limits = limits
        self._listeners = tuple(listeners)
        self.collection = collection
        """End-user mode refuses every read; plate crops only drops the full image (R02, R28)."""

    @property
    def policy(self) -> PolicyStanding:
        return self._policy

    def require_policy(self) -> None:
        """Refuse (``PolicyIncomplete``) now, as ``ingest`` would: lets a command fail before
        it spends minutes recognising plates it may not store."""
        self._policy.require_complete()

    def authenticate(self, api_key: str) -> Camera:
        """The camera that ``api_key`` belongs to, if it may send reads now."""
        camera = self._store.cameras.by_key_hash(hash_camera_key(api_key))
        if camera is None:
            raise AuthenticationFailed(
                "the camera key is not valid",
                hint="Send 'Authorization: Bearer <key>' with the key issued for the camera.",
            )
        if not camera.status.may_ingest:
            raise PermissionDenied(
                f"camera {camera.id!r} is {camera.status.value} and may not send reads",
                hint="A custodian must set the camera active again.",
            )
        return camera

    def ingest(
        self,
        camera: Camera,
        items: Sequence[IngestItem],
        *,
        where: Callable[[int], str] = lambda index: f"reads.{index}",
    ) -> list[StoredRead]:
        """Store ``items`` from ``camera``; a retried read is reported, not stored twice.

        ``where`` names the item at an index in error messages, as the sender knows it.
        """
        self.collection.require_collection("storing reads")
        self._policy.require_complete()
        received_at = self._clock.now()
        self._check(camera, items, received_at, where)
        written: list[ImageRef] = []
        try:
            reads = [self._prepare(camera, item, received_at, written) for item in items]
            results = self._store.reads.add(reads)
        except BaseException:
            self._discard(written)
            raise
        self._after_storing(camera, reads, results, received_at)
        return results

    def _tell_listeners(self, reads: Sequence[PlateRead], results: Sequence[StoredRead]) -> None:
        # Only new reads: a retry was heard the first time it arrived.
        new = [
            read
            for read, result in zip(reads, results, strict=True)
            if result.outcome is StoredOutcome.CREATED
        ]
        if not new:
            return
        for listener in self._listeners:
            try:
                listener.reads_stored(new)
            except Exception:  # the reads are stored; a listener's failure is its own to report
                log.exception("a listener failed on %d new reads", len(new))

    def _after_storing(
        self,
        camera: Camera,
        reads: Sequence[PlateRead],
        results: Sequence[StoredRead],
        received_at: datetime,
    ) -> None:
        # The reads are committed: nothing here may turn the request into a failure.
        try:
            self._discard_images_of_duplicates(reads, results)
            self._store.cameras.record_contact(camera.id, received_at)
        except Exception as exc:  # any failure here costs bookkeeping, not the reads
            log.warning("bookkeeping after storing reads of camera %s failed: %s", camera.id, exc)
        self._tell_listeners(reads, results)
        created = sum(result.outcome is StoredOutcome.CREATED for result in results)
        log.info(
            "camera %s sent %d reads: %d new, %d repeated",
            camera.id,
            len(results),
            created,
            len(results) - created,
        )

    def _check(
        self,
        camera: Camera,
        items: Sequence[IngestItem],
        now: datetime,
        where: Callable[[int], str],
    ) -> None:
        limits = self.limits
        if not items:
            raise InvalidInput("the request holds no reads", hint="Send at least one read.")
        if len(items) > limits.max_batch_reads:
            raise InvalidInput(
                f"{len(items)} reads in one request; at most {limits.max_batch_reads} are accepted",
                hint="Split the batch into smaller requests.",
            )
        window = (now - limits.max_capture_age, now + limits.max_clock_skew)
        problems: list[FieldError] = []
        seen: set[tuple[str, datetime]] = set()
        for index, item in enumerate(items):
            problems.extend(_item_problems(where(index), item, camera, window, limits))
            key = (item.submission.client_read_id, item.submission.captured_at)
            if key in seen:
                problems.append(
                    FieldError(f"{where(index)}.client_read_id", "repeated in this request")
                )
            seen.add(key)
        if problems:
            raise InvalidInput(
                f"{len(problems)} problem(s) in the reads; nothing was stored",
                hint="Correct the listed fields and send the request again.",
                fields=problems,
            )

    def _prepare(
        self, camera: Camera, item: IngestItem, received_at: datetime, written: list[ImageRef]
    ) -> PlateRead:
        submission = item.submission
        # Plate crops only: the scene, where the occupants are, is never written anywhere.
        full = item.image if self.collection.full_images else None
        image_ref = self._put(full, ImageKind.FULL, submission.captured_at, written)
        crop_ref = self._put(item.crop, ImageKind.CROP, submission.captured_at, written)
        return PlateRead.from_submission(
            submission,
            camera_id=camera.id,
            received_at=received_at,
            image_ref=image_ref,
            crop_ref=crop_ref,
        )

    def _put(
        self, data: bytes | None, kind: ImageKind, captured_at: datetime, written: list[ImageRef]
    ) -> ImageRef | None:
        if data is None:
            return None
        ref = self._images.put(data, kind=kind, captured_at=captured_at)
        written.append(ref)
        return ref

    def _discard_images_of_duplicates(
        self, reads: Sequence[PlateRead], results: Sequence[StoredRead]
    ) -> None:
        # A retry brings the images again; the stored read keeps the ones it came with first.
        for read, result in zip(reads, results, strict=True):
            if result.outcome is StoredOutcome.DUPLICATE:
                self._discard([ref for ref in (read.image_ref, read.crop_ref) if ref is not None])

    def _discard(self, refs: Sequence[ImageRef]) -> None:
        for ref in refs:
            self._images.delete(ref)


def _item_problems(
    where: str,
    item: IngestItem,
    camera: Camera,
    window: tuple[datetime, datetime],
    limits: IngestLimits,
) -> list[FieldError]:
    problems: list[FieldError] = []
    submission = item.submission
    earliest, latest = window
    if submission.captured_at > latest:
        problems.append(
            FieldError(f"{where}.captured_at", "lies in the future; check the camera's clock")
        )
    elif submission.captured_at < earliest:
        problems.append(
            FieldError(
                f"{where}.captured_at",
                f"is more than {limits.max_capture_age.days} days old; older reads are refused",
            )
        )
    if camera.kind is CameraKind.MOBILE and submission.location is None:
        problems.append(
            FieldError(f"{where}.latitude", "a mobile camera must send its position with each read")
        )
    for name, data in (("image", item.image), ("crop", item.crop)):
        if data is not None:
            problems.extend(_image_problems(f"{where}.{name}", data, limits.max_image_bytes))
    return problems


def _image_problems(where: str, data: bytes, max_image_bytes: int) -> list[FieldError]:
    if len(data) > max_image_bytes:
        return [FieldError(where, f"is {len(data)} bytes; at most {max_image_bytes}")]
    try:
        detect_image_type(data)
    except InvalidInput as error:
        return [FieldError(where, error.message)]
    return []
