"""Per-agency pseudonyms of read ids and image references, for what auditors are shown.

A read id is a UUIDv7 made from the capture time (``domain/ids.py``) and an image reference
names the capture day (``2026/11/28/full-...jpg``): shown in full, either tells an auditor when
a car passed a camera. An auditor checks accesses, not whereabouts, so the log's entries are
shown with each such value replaced by ``HMAC-SHA256(agency key, value)``: the same read shows
as the same pseudonym in every entry of the agency (an auditor still sees that three people
opened one read), but nothing of its time can be computed from it, and pseudonyms of two
agencies cannot be matched with each other.

The agency's key is derived from a server secret that auditors never hold (the checkpoint
signing key: ``CheckpointSigner.derived_secret``); the stored entries keep the real values, so
the chain still verifies. A new signing key gives new pseudonyms from then on.
"""

from __future__ import annotations

import hashlib
import hmac

PSEUDONYM_LABEL = b"platekeeper-auditor-pseudonyms-v1"
"""Why the server secret is used here: no other key derived from it can equal this one."""
PSEUDONYM_HEX_DIGITS = 20
READ_PREFIX = "read~"
IMAGE_PREFIX = "image~"


class Pseudonyms:
    """Stable, keyed pseudonyms of an agency's read ids and image references."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("a pseudonym secret needs 32 bytes or more")
        self._secret = secret

    def of_read(self, agency_id: str | None, read_id: str) -> str:
        return READ_PREFIX + self._mac(agency_id, "read", read_id)

    def of_image(self, agency_id: str | None, image_ref: str) -> str:
        return IMAGE_PREFIX + self._mac(agency_id, "image", image_ref)

    def _mac(self, agency_id: str | None, kind: str, value: str) -> str:
        # The console's scope (no agency) has its own key, as any agency has.
        agency_key = hmac.new(self._secret, (agency_id or "").encode(), hashlib.sha256).digest()
        message = f"{kind}\x1f{value}".encode()
        return hmac.new(agency_key, message, hashlib.sha256).hexdigest()[:PSEUDONYM_HEX_DIGITS]
