"""Identifiers of reads."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from platekeeper.domain.time import to_epoch_us

_VERSION_7 = 0x7 << 76
_VARIANT_RFC = 0b10 << 62
_LOW_62 = (1 << 62) - 1


def read_id_for(camera_id: str, client_read_id: str, captured_at: datetime) -> str:
    """The id of the read that a camera captured at ``captured_at`` and calls ``client_read_id``.

    It is a UUIDv7 whose time field is the capture time and whose remaining 74 bits come from a
    hash of the camera's own key for the read. Two consequences carry the design:

    - a retry of the same read maps to the same id, so the primary key alone makes ingest
      idempotent, across partitions too;
    - ids sort by capture time, and a store laid out by capture day finds a read's day from its id.
    """
    captured_us = to_epoch_us(captured_at)
    digest = hashlib.sha256(f"{camera_id}\x1f{client_read_id}\x1f{captured_us}".encode()).digest()
    bits = int.from_bytes(digest[:10], "big")
    value = ((captured_us // 1000) & ((1 << 48) - 1)) << 80
    value |= _VERSION_7 | ((bits >> 62) & 0xFFF) << 64 | _VARIANT_RFC | (bits & _LOW_62)
    return _format(value)


def _format(value: int) -> str:
    # str(uuid.UUID(int=...)) validates what is valid by construction here, at thrice the cost.
    digits = f"{value:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def read_id_unix_ms(read_id: str) -> int:
    """The capture time, in Unix milliseconds, carried by ``read_id``."""
    return uuid.UUID(read_id).int >> 80


def read_id_lower_bound(instant: datetime) -> str:
    """An id that sorts at or below the id of every read captured at or after ``instant``."""
    unix_ms = to_epoch_us(instant) // 1000
    return _format((unix_ms << 80) | _VERSION_7 | _VARIANT_RFC)


def read_id_upper_bound(instant: datetime) -> str:
    """An id that sorts above the id of every read captured at or before ``instant``."""
    unix_ms = to_epoch_us(instant) // 1000 + 1
    return str(uuid.UUID(int=(unix_ms << 80) | _VERSION_7 | _VARIANT_RFC))
