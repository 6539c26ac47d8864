"""Images a device sent as a URL, fetched after their reads are stored (never during ingest).

A device answered at once is a device that stops retrying; a camera's image server that is slow
or away must cost the read nothing. So the read is stored without its image and the URL is
queued; a background loop fetches it with the camera's credentials (set by a custodian, sealed
at rest), retries a few times with a growing wait, and then records the failure for the camera
page. The image is written like any other full image: encrypted under its capture day's key,
and purged with the read. Log lines name the camera and the host, never the URL (a signed link
is a secret), the credentials, nor the plate.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from platekeeper.background import BackgroundLoop
from platekeeper.domain import PlateRead
from platekeeper.domain.agencies import require_slug
from platekeeper.domain.time import Clock
from platekeeper.errors import InvalidInput, StoreError
from platekeeper.ingest.sources.fetch import (
    FetchLimits,
    ImageCredentials,
    ImageFetchFailed,
    fetch_image,
)
from platekeeper.store import Store
from platekeeper.store.images import ImageKind, ImageStore, detect_image_type
from platekeeper.store.protocols.image_fetches import ImageSource, PendingFetch

log = logging.getLogger(__name__)

RETRY_WAITS = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))
"""The waits before the second, third and fourth try; after the fourth the failure is kept."""
ROUND_SIZE = 20
_SEAL_FACTOR = "image-password"


class SecretSeal(Protocol):
    """Seals secrets at rest with a key outside the database (``accounts.sealing.SecretSeal``),
    bound to an owner and a purpose so that a sealed value copied elsewhere does not open."""

    def seal(self, secret: str, account_id: str, factor_id: str) -> str: ...
    def open(self, sealed: str, account_id: str, factor_id: str) -> str: ...


Fetch = Callable[[str, ImageCredentials | None, FetchLimits], tuple[bytes, str]]


class ImageFetcher:
    """Queues images by URL for stored reads and fetches them in rounds."""

    def __init__(
        self,
        store: Store,
        images: ImageStore,
        clock: Clock,
        seal: SecretSeal,
        limits: FetchLimits,
        *,
        retry_waits: tuple[timedelta, ...] = RETRY_WAITS,
        fetch: Fetch = fetch_image,
    ) -> None:
        self._store = store
        self._images = images
        self._clock = clock
        self._seal = seal
        self._limits = limits
        self._retry_waits = retry_waits
        self._fetch = fetch
        self.wakeup = threading.Event()
        """Set when an image is queued, so that a running loop fetches it at once."""

    def queue(self, read: PlateRead, url: str) -> bool:
        """Queue the image at ``url`` for the stored ``read``; a path without a host is read
        against the camera's image base URL. False (logged) when there is nothing to fetch."""
        resolved = _resolved(url, self._store.image_fetches.source(read.camera_id).base_url)
        if resolved is None:
            log.info(
                "camera %s sent an image path but has no image base URL; not fetched",
                read.camera_id,
            )
            return False
        self._store.image_fetches.queue(
            PendingFetch(read.id, read.camera_id, resolved, 0, self._clock.now())
        )
        self.wakeup.set()
        return True

    def image_source(
        self, camera_id: str, base_url: str | None, user: str | None, password: str | None
    ) -> ImageSource:
        """Where ``camera_id``'s images come from, the password sealed; checked, not stored
        (the custodian's change goes through ``CameraService``, which logs it)."""
        if base_url is not None:
            base_url = _checked_base(base_url)
        if user is None:
            return ImageSource(base_url)
        user = user.strip()
        if not user or ":" in user:
            raise InvalidInput(
                "the image user name is empty or holds ':'",
                hint="Give the user name the camera's image server expects (HTTP Basic).",
            )
        if not password:
            raise InvalidInput(
                "no image password was given",
                hint="Pipe the password on standard input with --image-password-stdin.",
            )
        sealed = self._seal.seal(password, _seal_owner(camera_id), _SEAL_FACTOR)
        return ImageSource(base_url, user, sealed)

    def run_due(self) -> int:
        """Fetch what is due now (at most a round's worth); how many were tried."""
        due = self._store.image_fetches.due(self._clock.now(), ROUND_SIZE)
        for pending in due:
            self._one(pending)
        return len(due)

    def _one(self, pending: PendingFetch) -> None:
        fetches = self._store.image_fetches
        read = self._store.reads.get(pending.read_id)
        if read is None or read.image_ref is not None:
            fetches.done(pending.read_id)  # purged meanwhile, or it has its image already
            return
        attempts = pending.attempts + 1
        try:
            data = self._fetched(pending)
        except ImageFetchFailed as failure:
            self._failed(pending, attempts, failure)
            return
        ref = self._images.put(data, kind=ImageKind.FULL, captured_at=read.captured_at)
        if not self._store.reads.attach_image(read.id, ref):
            self._images.delete(ref)  # purged between the look-up and now
        fetches.done(read.id)
        log.info("fetched the image of a read from camera %s", read.camera_id)

    def _fetched(self, pending: PendingFetch) -> bytes:
        data, _ = self._fetch(pending.url, self._credentials(pending.camera_id), self._limits)
        try:
            detect_image_type(data)
        except InvalidInput:
            raise ImageFetchFailed(
                "the image is not a JPEG, PNG or WebP file", retry=False
            ) from None
        return data

    def _credentials(self, camera_id: str) -> ImageCredentials | None:
        sealed = self._store.image_fetches.source(camera_id)
        if sealed.username is None or sealed.sealed_password is None:
            return None
        try:
            password = self._seal.open(sealed.sealed_password, _seal_owner(camera_id), _SEAL_FACTOR)
        except StoreError:
            raise ImageFetchFailed(
                "the camera's image password does not open with the key; set it again",
                retry=False,
            ) from None
        return ImageCredentials(sealed.username, password)

    def _failed(self, pending: PendingFetch, attempts: int, failure: ImageFetchFailed) -> None:
        fetches = self._store.image_fetches
        if failure.retry and attempts <= len(self._retry_waits):
            wait = self._retry_waits[attempts - 1]
            fetches.retry(pending.read_id, attempts, self._clock.now() + wait, failure.reason)
            log.info(
                "image of a read from camera %s not fetched yet (try %d): %s",
                pending.camera_id,
                attempts,
                failure.reason,
            )
            return
        fetches.fail(pending.read_id, attempts, failure.reason, self._clock.now())
        log.warning(
            "gave up fetching the image of a read from camera %s after %d tries: %s",
            pending.camera_id,
            attempts,
            failure.reason,
        )


class ImageFetchLoop:
    """Runs ``fetcher.run_due`` on a background thread: at once when an image is queued, and
    every ``interval_s`` for the retries."""

    def __init__(self, fetcher: ImageFetcher, interval_s: float = 15.0) -> None:
        self._fetcher = fetcher
        self._loop = BackgroundLoop(
            "image-fetch",
            self._round,
            interval_s=interval_s,
            log=log,
            failure="fetching images by URL failed",
            wakeup=fetcher.wakeup,
        )

    def _round(self) -> float | None:
        # A full round may have left more behind: go again at once.
        return 0 if self._fetcher.run_due() >= ROUND_SIZE else None

    def start(self) -> None:
        self._loop.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._loop.stop(timeout_s)


def _seal_owner(camera_id: str) -> str:
    # The camera is the sealed password's associated data: copied to another camera's row, it
    # does not open.
    return f"camera:{require_slug(camera_id, 'camera id')}"


def _resolved(url: str, base_url: str | None) -> str | None:
    if urlsplit(url).scheme:
        return url
    return None if base_url is None else urljoin(base_url, url)


def _checked_base(base_url: str) -> str:
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
        raise InvalidInput(
            f"the image base URL {base_url!r} is not an http or https URL with a host",
            hint="Give the camera's address as it serves images, e.g. 'http://10.1.2.3'; "
            "credentials go in --image-user, not in the URL.",
        )
    return base_url.strip()
