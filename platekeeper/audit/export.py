"""Checkpoints exported as JSON Lines, for someone outside to hold, and read back.

Line one names the public key; every other line is one checkpoint::

    {"type":"public_key","algorithm":"ed25519","key_id":"…","pem":"-----BEGIN PUBLIC KEY-----…"}
    {"type":"checkpoint","seq":20,"entry_hash":"…","signed_at":"2026-11-28T12:05:00.000000Z",
     "key_id":"…","signature":"…"}

A file may hold several key lines (after a key change) and checkpoints in any order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from platekeeper.audit.signing import key_id_of, load_public_key, public_key_pem
from platekeeper.domain.access import Checkpoint
from platekeeper.errors import InvalidInput


def export_lines(public_key: Ed25519PublicKey, checkpoints: Iterable[Checkpoint]) -> str:
    key = {
        "type": "public_key",
        "algorithm": "ed25519",
        "key_id": key_id_of(public_key),
        "pem": public_key_pem(public_key),
    }
    lines = [json.dumps(key)] + [json.dumps(checkpoint_document(c)) for c in checkpoints]
    return "\n".join(lines) + "\n"


def checkpoint_document(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "type": "checkpoint",
        "seq": checkpoint.seq,
        "entry_hash": checkpoint.entry_hash,
        "signed_at": checkpoint.signed_at.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }


def parse_lines(text: str, source: str) -> tuple[list[Checkpoint], list[Ed25519PublicKey]]:
    """The checkpoints and public keys in an export, or ``InvalidInput`` naming the line."""
    checkpoints: list[Checkpoint] = []
    keys: list[Ed25519PublicKey] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source} line {number}"
        try:
            document = json.loads(line)
            if document["type"] == "public_key":
                keys.append(load_public_key(document["pem"], where))
            elif document["type"] == "checkpoint":
                checkpoints.append(_checkpoint(document))
            else:
                raise ValueError(f"unknown type {document['type']!r}")
        except (ValueError, KeyError, TypeError, InvalidInput) as exc:
            raise InvalidInput(
                f"{where} is not an exported checkpoint or key ({exc})",
                hint="Pass a file written by 'platekeeper audit export-checkpoints'.",
            ) from None
    return checkpoints, keys


def _checkpoint(document: dict[str, Any]) -> Checkpoint:
    seq = document["seq"]
    if not isinstance(seq, int) or seq < 1:
        raise ValueError("seq is not a positive whole number")
    entry_hash = str(document["entry_hash"])
    if len(bytes.fromhex(entry_hash)) != 32:
        raise ValueError("entry_hash is not 64 hex digits")
    return Checkpoint(
        seq=seq,
        entry_hash=entry_hash,
        signed_at=datetime.fromisoformat(document["signed_at"]),
        key_id=str(document["key_id"]),
        signature=str(document["signature"]),
    )
