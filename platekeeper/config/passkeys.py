"""Where passkeys may be used: the relying party id and the origins, checked when loaded.

A browser binds a passkey to a domain name (the relying party id) and says which page (the
origin) asked for it; both are compared exactly at every sign-in. A wrong value here would
refuse every passkey, so it is refused at start instead, with the reason.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A DNS name: labels of letters, digits and inner hyphens. No IP address: browsers refuse one.
_DNS_NAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z]([a-z0-9-]{0,61}[a-z0-9])?$"
)


def passkey_rp_id(rp_id: str) -> str:
    """``rp_id`` if it is a domain name as browsers accept one, else ``ValueError``."""
    if not _DNS_NAME.match(rp_id):
        raise ValueError(
            f"{rp_id!r} is not a domain name (no scheme, port or IP address),"
            " e.g. 'alpr.example.gov'"
        )
    return rp_id


def passkey_origin(origin: str, rp_id: str) -> str:
    """``origin`` if it is scheme://host[:port] with its host at or below ``rp_id``."""
    parts = urlsplit(origin)
    if parts.scheme not in ("https", "http") or not parts.hostname or origin != _bare(origin):
        raise ValueError(f"{origin!r} is not an origin: give scheme://host[:port], nothing after")
    host = parts.hostname
    if host != rp_id and not host.endswith(f".{rp_id}"):
        raise ValueError(f"the origin {origin!r} is not at or below webauthn_rp_id {rp_id!r}")
    if parts.scheme == "http" and host != "localhost":
        raise ValueError(f"the origin {origin!r} is plain http: browsers use passkeys over https")
    return origin


def _bare(origin: str) -> str:
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}"
