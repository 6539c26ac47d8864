"""Verification writes the access log's hashed encoding with orjson for speed
(``audit.encoding``): it must be, byte for byte, the encoding docs/access-log.md states in terms
of Python's ``json`` (``domain.access.canonical_json``): anyone holding an export recomputes the
hashes that way, and every entry written before must still verify."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime

import pytest

from platekeeper.audit.encoding import fast_canonical_json as canonical_json
from platekeeper.domain.access import (
    GENESIS_HASH,
    AccessEvent,
    AccessOutcome,
    Actor,
    entry_hash,
)


def as_documented(document: dict[str, object]) -> bytes:
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return encoded.encode("utf-8")


# Every character JSON escapes or might: the controls, the quote and backslash, DEL, the line
# and paragraph separators, characters of two, three and four UTF-8 bytes, and the solidus.
AWKWARD = [chr(code) for code in range(0x20)] + [
    '"',
    "\\",
    "/",
    "\x7f",
    "\u2028",
    "\u2029",
    "é",
    "Ω",
    "中",
    "\ufffd",
    "\U0001f697",
    "\U0010ffff",
    "a",
    "7",
    " ",
]


@pytest.mark.parametrize("character", AWKWARD, ids=lambda c: f"U+{ord(c):04X}")
def test_each_awkward_character_is_encoded_as_documented(character: str) -> None:
    document: dict[str, object] = {
        character: character,
        "query": {f"k{character}": f"v{character}v", "plate": "7ABC123"},
        "read_ids": [character, f"{character}{character}", ""],
        "case_number": None,
        "seq": 2**62,
    }
    assert canonical_json(document) == as_documented(document)


def test_random_text_is_encoded_as_documented() -> None:
    rng = random.Random(20261207)
    for _ in range(2000):
        texts = ["".join(rng.choices(AWKWARD, k=rng.randint(0, 12))) for _ in range(4)]
        document: dict[str, object] = {
            texts[0]: texts[1],
            "query": {texts[2]: texts[3], texts[3]: texts[0]},
            "read_ids": texts,
        }
        assert canonical_json(document) == as_documented(document)


def test_keys_are_sorted_by_code_point_at_every_depth() -> None:
    document: dict[str, object] = {"b": 1, "a": {"é": 1, "z": 2, "Z": 3}, "A": [{"y": 1, "x": 2}]}
    assert canonical_json(document) == b'{"A":[{"x":2,"y":1}],"a":{"Z":3,"z":2,"\xc3\xa9":1},"b":1}'


def test_what_orjson_refuses_is_encoded_or_refused_as_before() -> None:
    huge: dict[str, object] = {"seq": 2**70}
    assert canonical_json(huge) == as_documented(huge)
    with pytest.raises(UnicodeEncodeError):
        canonical_json({"username": "\ud800"})


def test_an_entry_with_every_field_hashes_as_the_documented_encoding() -> None:
    event = AccessEvent(
        at=datetime(2026, 12, 7, 23, 0, 0, 123456, tzinfo=UTC),
        actor=Actor("ana.lópez", "agency-é", "password+totp"),
        action="reads:search",
        outcome=AccessOutcome.ALLOWED,
        reason='stolen "blue" van\nsecond line\u2028',
        query={"plate_pattern": "7AB*", "note": "\t中"},
        read_ids=("01a1f969-b30c-7eb4-8e85-430b080d1a4c", "r\x01"),
        image_refs=("images/2026/12/07/a.jpg",),
        purpose_code="investigation",
        case_number="26-000123",
        client_address="203.0.113.9",
    )
    document = {
        "seq": 12,
        "prev_hash": GENESIS_HASH,
        "at": "2026-12-07T23:00:00.123456+00:00",
        "username": "ana.lópez",
        "agency_id": "agency-é",
        "signed_in_with": "password+totp",
        "action": "reads:search",
        "outcome": "allowed",
        "reason": 'stolen "blue" van\nsecond line\u2028',
        "query": {"plate_pattern": "7AB*", "note": "\t中"},
        "read_ids": ["01a1f969-b30c-7eb4-8e85-430b080d1a4c", "r\x01"],
        "image_refs": ["images/2026/12/07/a.jpg"],
        "purpose_code": "investigation",
        "case_number": "26-000123",
        "client_address": "203.0.113.9",
    }
    expected = hashlib.sha256(as_documented(document)).hexdigest()
    assert entry_hash(12, event, GENESIS_HASH) == expected
    assert entry_hash(12, event, GENESIS_HASH, canonical_json) == expected
