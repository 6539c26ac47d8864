"""Refreshing hot lists from their sources, and the thread that does it on a schedule.

A source is a file path or an http(s) URL (read with ``urllib`` and a timeout). A refresh
replaces the list's entries with the file's rows in one transaction; entries that stay keep
their ids, so the hits that name them still find them. A failed refresh is logged and tried
again at the next interval; after ``STALE_AFTER`` without success every alert the list produces
is marked stale (``Hotlist.stale_at``).
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from platekeeper.background import BackgroundLoop
from platekeeper.domain.hotlists import HotlistEntry
from platekeeper.errors import PlateKeeperError
from platekeeper.store.protocols import HotlistFeed

logger = logging.getLogger(__name__)

_CHUNK = 1024 * 1024


class SourceUnavailable(PlateKeeperError):
    code = "source_unavailable"
    status = 502
    title = "The hot list's source is unavailable"


def is_url(location: str) -> bool:
    return urlsplit(location).scheme.lower() in ("http", "https")


def redacted(location: str) -> str:
    """``location`` fit for logs: a URL loses its password and query (they may hold a key)."""
    if not is_url(location):
        return location
    parts = urlsplit(location)
    host = parts.hostname or ""
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "***" if parts.query else "", ""))


def fetch_source(location: str, *, timeout_s: float, max_bytes: int) -> bytes:
    """The bytes at ``location``; ``SourceUnavailable`` saying why not."""
    scheme = urlsplit(location).scheme.lower()
    if scheme and len(scheme) > 1 and not is_url(location):
        raise SourceUnavailable(
            f"cannot read {scheme}: sources", hint="Give a file path or an http(s) URL."
        )
    try:
        if is_url(location):
            # is_url admits http and https only: no file: or custom schemes reach urlopen.
            request = urllib.request.Request(location, headers={"User-Agent": "PlateKeeper"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
                return _bounded(response, max_bytes, location)
        with Path(location).open("rb") as file:
            return _bounded(file, max_bytes, location)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        raise SourceUnavailable(
            f"cannot read {redacted(location)}: {exc}",
            hint="Check the path or URL, and that this server can reach it.",
        ) from None


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _bounded(stream: _Readable, max_bytes: int, location: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise SourceUnavailable(
                f"{redacted(location)} holds more than {max_bytes} bytes",
                hint="Raise hotlists.max_import_bytes if the list is really that large.",
            )
        chunks.append(chunk)
    return b"".join(chunks)


Identity = tuple[str, str, str | None, str | None]


def keep_ids(entries: Sequence[HotlistEntry], stored: Iterable[Identity]) -> list[HotlistEntry]:
    """``entries`` with the ids of stored entries of the same plate, state and source record."""
    ids = {(key, state, record): entry_id for entry_id, key, state, record in stored}
    kept: list[HotlistEntry] = []
    for entry in entries:
        old = ids.pop((entry.plate_key, entry.state, entry.source_record_id), None)
        kept.append(entry if old is None else replace(entry, id=old))
    return kept


def due(feeds: Iterable[HotlistFeed], now: datetime, interval: timedelta) -> list[HotlistFeed]:
    """The feeds not attempted within ``interval``, longest waiting first."""
    waiting = [f for f in feeds if f.attempted_at is None or now - f.attempted_at >= interval]
    return sorted(waiting, key=lambda f: (f.attempted_at is not None, f.attempted_at or now))


class Refreshing(Protocol):
    def refresh_due(self) -> int:
        """Refresh every list whose turn it is; return how many failed."""
        ...


class RefreshScheduler:
    """Asks for due refreshes every ``tick_s`` on a background thread (the first time at once)
    until stopped."""

    def __init__(self, service: Refreshing, tick_s: float = 60.0) -> None:
        self._service = service
        self._loop = BackgroundLoop(
            "hotlist-refresh",
            self._refresh_due,
            interval_s=tick_s,
            log=logger,
            failure="hot-list refresh round failed",
        )

    def start(self) -> None:
        self._loop.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._loop.stop(timeout_s)

    def _refresh_due(self) -> None:
        # Each list's failure is logged and counted by the service; a failed round (database
        # away) is logged by the loop, and the next tick tries again.
        self._service.refresh_due()
