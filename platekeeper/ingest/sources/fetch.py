"""Fetching a read's image that a device sent only as a URL (Verkada ``image_url``, Axis
``imagesURI``, Frigate's snapshot), bounded so that a slow, huge or hostile server costs little.

Only http and https; a timeout on every step; a size limit checked on the declared length and
again while reading; only ``image/*`` content; redirects followed only on the same host (the
credentials are the camera's, for that host alone). Failures carry a reason fit for a log line:
the host, never the path or query (a signed link is a secret) nor the credentials.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

_SCHEMES = frozenset({"http", "https"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class ImageCredentials:
    """HTTP Basic credentials a custodian set for a camera's image server."""

    user: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class FetchLimits:
    timeout_s: float = 10.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 3


class ImageFetchFailed(Exception):
    """The image could not be fetched; ``reason`` names why without the URL's secrets."""

    def __init__(self, reason: str, *, retry: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        """Whether trying again later may succeed (a timeout, a 5xx), or not (a 404, a refusal
        of the URL itself)."""


def fetch_image(
    url: str,
    credentials: ImageCredentials | None = None,
    limits: FetchLimits = FetchLimits(),
) -> tuple[bytes, str]:
    """The image at ``url`` and its content type, or ``ImageFetchFailed``."""
    host = _checked(url)
    auth = None if credentials is None else httpx.BasicAuth(credentials.user, credentials.password)
    with httpx.Client(timeout=limits.timeout_s, follow_redirects=False, auth=auth) as client:
        for _ in range(limits.max_redirects + 1):
            try:
                with client.stream("GET", url, headers={"Accept": "image/*"}) as response:
                    if response.status_code not in _REDIRECTS:
                        return _image(response, host, limits)
                    url = _redirected(url, response, host)
            except httpx.TimeoutException:
                raise ImageFetchFailed(f"{host} did not answer in time", retry=True) from None
            except httpx.TransportError as error:
                reason = f"{host} could not be reached ({type(error).__name__})"
                raise ImageFetchFailed(reason, retry=True) from None
    raise ImageFetchFailed(f"{host} redirected more than {limits.max_redirects} times", retry=False)


def _checked(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        raise ImageFetchFailed("the image URL is not http or https with a host", retry=False)
    return parts.hostname.lower()


def _redirected(url: str, response: httpx.Response, host: str) -> str:
    target = str(urljoin(url, response.headers.get("location", "")))
    if _checked(target) != host:
        # The camera's credentials are for its host: never carry them, nor the fetch, elsewhere.
        raise ImageFetchFailed(f"{host} redirected to another host; not followed", retry=False)
    return target


def _image(response: httpx.Response, host: str, limits: FetchLimits) -> tuple[bytes, str]:
    status = response.status_code
    if status != httpx.codes.OK:
        retry = status >= 500 or status == httpx.codes.TOO_MANY_REQUESTS
        raise ImageFetchFailed(f"{host} answered {status}", retry=retry)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not content_type.startswith("image/"):
        shown = content_type or "no content type"
        raise ImageFetchFailed(f"{host} sent {shown}, not an image", retry=False)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise ImageFetchFailed(_too_large(host, limits), retry=False)
    data = bytearray()
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) > limits.max_bytes:
            raise ImageFetchFailed(_too_large(host, limits), retry=False)
    return bytes(data), content_type


def _too_large(host: str, limits: FetchLimits) -> str:
    return f"{host} sent an image over the {limits.max_bytes} byte limit"
