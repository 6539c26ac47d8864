"""Webhooks: each alert POSTed as JSON, signed with HMAC-SHA256 so the receiver can tell it
came from us and was not replayed.

The signature covers ``<timestamp>.<body>``: ``X-PlateKeeper-Signature: sha256=<hex>`` with
``X-PlateKeeper-Timestamp: <unix seconds>``. A receiver recomputes it with the shared key,
compares in constant time and refuses timestamps more than a few minutes old (docs/alerts.md).
``X-PlateKeeper-Delivery`` is the same on every retry of one delivery, for deduplication.
Any 2xx answer is a delivery; anything else, or no answer in time, is tried again later.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping

import httpx

from platekeeper import __version__
from platekeeper.config import WebhookDestinationSettings
from platekeeper.hotlists.alerts.senders import DeliveryFailed, Disclosure, secret_from

SIGNATURE_HEADER = "X-PlateKeeper-Signature"
TIMESTAMP_HEADER = "X-PlateKeeper-Timestamp"
DELIVERY_HEADER = "X-PlateKeeper-Delivery"


def signature(key: bytes, timestamp: str, body: bytes) -> str:
    """The value of the signature header for ``body`` sent at ``timestamp``."""
    digest = hmac.new(key, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class WebhookSender:
    def __init__(
        self,
        name: str,
        url: str,
        key: bytes,
        timeout_s: float,
        now_s: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self._url = url
        self._key = key
        self._now_s = now_s
        # Redirects are not followed: a signed alert goes to the configured URL or nowhere.
        self._client = httpx.Client(timeout=timeout_s, follow_redirects=False)

    @classmethod
    def from_settings(
        cls, settings: WebhookDestinationSettings, environ: Mapping[str, str], key: str
    ) -> WebhookSender:
        secret = secret_from(environ, settings.secret_env, f"{key}.secret_env")
        return cls(settings.name, settings.url, secret.encode(), settings.timeout_ms / 1000)

    @property
    def recipient(self) -> str:
        return self._url

    def send(self, disclosure: Disclosure) -> None:
        item = disclosure.item
        body = item.payload.encode("utf-8")
        timestamp = str(int(self._now_s()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"PlateKeeper/{__version__}",
            SIGNATURE_HEADER: signature(self._key, timestamp, body),
            TIMESTAMP_HEADER: timestamp,
            DELIVERY_HEADER: item.id,
        }
        try:
            response = self._client.post(self._url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
        if not response.is_success:
            raise DeliveryFailed(f"the receiver answered HTTP {response.status_code}")

    def close(self) -> None:
        self._client.close()
