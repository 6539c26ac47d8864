"""Images a device sent only as a URL, waiting to be fetched; and the credentials for them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PendingFetch:
    read_id: str
    camera_id: str
    url: str = field(repr=False)
    """May be a signed link: a secret, kept out of reprs and logs."""
    attempts: int
    next_attempt_at: datetime


@dataclass(frozen=True, slots=True)
class FailedFetch:
    read_id: str
    camera_id: str
    attempts: int
    failure: str


@dataclass(frozen=True, slots=True)
class FetchFailures:
    """A camera's images that could not be fetched: how many, and the latest's reason."""

    count: int
    latest_at: datetime
    latest_reason: str


@dataclass(frozen=True, slots=True)
class ImageSource:
    """Where a camera's images are fetched from: the base URL its relative image paths are read
    against, and its image server's user name and password as sealed at rest (both or none)."""

    base_url: str | None = None
    username: str | None = None
    sealed_password: str | None = field(default=None, repr=False)


class ImageFetchRepository(Protocol):
    def queue(self, fetch: PendingFetch) -> None:
        """Queue ``fetch``; a read already queued (a resend) is left as it is."""
        ...

    def due(self, now: datetime, limit: int) -> list[PendingFetch]:
        """Pending fetches whose time has come, earliest first."""
        ...

    def done(self, read_id: str) -> None:
        """The fetch is over (image attached, or the read gone): forget it."""
        ...

    def retry(self, read_id: str, attempts: int, at: datetime, reason: str) -> None: ...
    def fail(self, read_id: str, attempts: int, reason: str, at: datetime) -> None:
        """Give up at ``at``: kept as failed with ``reason``, its URL dropped."""
        ...

    def failed(self, camera_id: str) -> list[FailedFetch]: ...
    def failures(self, camera_ids: Collection[str]) -> dict[str, FetchFailures]:
        """Per camera of ``camera_ids`` with any: its failed fetches, the latest first."""
        ...

    def pending_count(self) -> int: ...
    def set_source(self, camera_id: str, source: ImageSource) -> None:
        """Set where ``camera_id``'s images come from (an empty ``ImageSource`` clears it)."""
        ...

    def source(self, camera_id: str) -> ImageSource: ...
