"""How the person signed in, in the access log (CJIS AU-3): inside an entry's hash when recorded,
absent from it when not, so that entries written before migration 0029 verify as they did; and
changed behind the log's back, on either database, it is named like any other change."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest

from platekeeper.audit import AccessLog, ProblemKind
from platekeeper.domain.access import GENESIS_HASH, AccessEvent, Actor, entry_hash, seal
from platekeeper.store import Store
from platekeeper.store.postgres.dialect import POSTGRES
from platekeeper.store.sql.access_log import access_row
from platekeeper.store.sqlite import SqliteStore
from platekeeper.store.sqlite.dialect import SQLITE
from tests.audit.conftest import RawSql, chain, make_event

TOTP = "password+totp"

BEFORE_0029 = "603e9580f9be82ec46e127d009d37841c8e263a935b31220e1362394434995f0"
"""``entry_hash(1, make_event(1), GENESIS_HASH)`` as the code of 1f35f2d, before the log
recorded the sign-in method, computed it: a test vector of the format that must not move."""

OLD_COLUMNS = (
    "seq, at, username, agency_id, action, outcome, reason, query, read_ids, image_refs,"
    " purpose_code, case_number, client_address, prev_hash, entry_hash"
)
"""The access log's columns before migration 0029."""


def signed_in(event: AccessEvent, method: str | None) -> AccessEvent:
    actor = Actor(event.actor.username, event.actor.agency_id, method)
    return dataclasses.replace(event, actor=actor)


def document_hash(document: dict[str, object]) -> str:
    """The hash as docs/access-log.md describes it, computed here from the rules alone."""
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def fourteen_keys(seq: int, event: AccessEvent, prev_hash: str) -> dict[str, object]:
    """The document before 0029, built here from docs/access-log.md's list of keys."""
    as_text = ("action", "reason", "purpose_code", "case_number", "client_address")
    document: dict[str, object] = {name: getattr(event, name) for name in as_text}
    document |= {"seq": seq, "prev_hash": prev_hash, "outcome": str(event.outcome)}
    document |= {"username": event.actor.username, "agency_id": event.actor.agency_id}
    document |= {"query": dict(event.query), "at": event.at.isoformat(timespec="microseconds")}
    document |= {"read_ids": [*event.read_ids], "image_refs": [*event.image_refs]}
    assert len(document) == 14
    return document


# -- the format ----------------------------------------------------------------------------------


def test_an_entry_without_a_method_hashes_as_before_0029() -> None:
    event = make_event(1)
    assert event.actor.signed_in_with is None
    assert entry_hash(1, event, GENESIS_HASH) == BEFORE_0029
    assert document_hash(fourteen_keys(1, event, GENESIS_HASH)) == BEFORE_0029


def test_a_method_is_a_fifteenth_key_of_the_hashed_document() -> None:
    event = signed_in(make_event(1), TOTP)
    expected = document_hash({**fourteen_keys(1, event, GENESIS_HASH), "signed_in_with": TOTP})
    assert entry_hash(1, event, GENESIS_HASH) == expected
    assert expected != BEFORE_0029
    others = {entry_hash(1, signed_in(event, m), GENESIS_HASH) for m in ("password", "oidc", "")}
    assert expected not in others
    assert len(others) == 3, "an empty method is a value too, not its absence"


def test_the_method_is_not_part_of_who_the_actor_is() -> None:
    # Rules that two people must differ (a supervisor approving their own search) compare
    # actors: signing in another way must not make a person someone else.
    by_password = Actor("sam", "demo-pd", "password")
    by_token = Actor("sam", "demo-pd", "api-token")
    assert by_password == by_token
    assert hash(by_password) == hash(by_token)
    assert Actor("sam", "demo-pd", "password") != Actor("sara", "demo-pd", "password")


# -- both databases ------------------------------------------------------------------------------


def test_the_method_is_stored_and_verifies_beside_entries_without_one(
    access_log: AccessLog, store: Store
) -> None:
    methods = [None, TOTP, "api-token", None, "console+password", "camera-key"]
    for index, method in enumerate(methods, start=1):
        access_log.record(signed_in(make_event(index), method))
    stored = store.access_log.scan(0, 10)
    assert [r.event.actor.signed_in_with for r in stored] == methods
    assert all(record.intact for record in stored)
    report = access_log.verify()
    assert report.intact, report.summary()
    assert report.entries_checked == len(methods)


@pytest.mark.parametrize(
    ("before", "after"),
    [(TOTP, "password+webauthn"), (TOTP, None), (None, TOTP)],
    ids=["changed", "cleared", "added-to-an-old-entry"],
)
def test_a_method_changed_behind_the_log_is_modified(
    access_log: AccessLog, raw: RawSql, before: str | None, after: str | None
) -> None:
    for index in range(1, 6):
        access_log.record(signed_in(make_event(index), before if index == 3 else "password"))
    assert access_log.checkpoint() is not None
    raw.disable_triggers()
    raw.execute("UPDATE access_log SET signed_in_with = ? WHERE seq = 3", (after,))
    report = access_log.verify()
    assert report.first_problem is not None, report.summary()
    assert (report.first_problem.kind, report.first_problem.seq) == (ProblemKind.MODIFIED, 3)


def test_the_append_only_triggers_cover_the_new_column(
    access_log: AccessLog, raw: RawSql, store: Store
) -> None:
    access_log.record(signed_in(make_event(1), "password"))
    with pytest.raises(Exception, match=r"access log|append-only"):
        raw.execute("UPDATE access_log SET signed_in_with = ? WHERE seq = 1", (TOTP,))
    [kept] = store.access_log.scan(0, 1)
    assert kept.event.actor.signed_in_with == "password"


def test_entries_written_before_0029_verify_after_the_upgrade(
    access_log: AccessLog, raw: RawSql, store: Store
) -> None:
    """A database as it was before 0029 (no column; entries sealed without a method), then
    upgraded and written to: the old entries and the new verify as one chain."""
    raw.disable_triggers()
    raw.execute("ALTER TABLE access_log DROP COLUMN signed_in_with")
    raw.execute("DELETE FROM schema_migrations WHERE version = 29")
    codec = SQLITE if isinstance(store, SqliteStore) else POSTGRES
    old = chain(4)
    for record in old:
        row = access_row(record, codec.time, codec.json)
        without_method = (*row[:13], *row[14:])  # the row before 0029 had no such column
        marks = ", ".join("?" * len(without_method))
        raw.execute(f"INSERT INTO access_log ({OLD_COLUMNS}) VALUES ({marks})", without_method)

    assert [label for label in store.upgrade() if label.startswith("0029")]
    access_log.record(signed_in(make_event(5), TOTP))

    stored = store.access_log.scan(0, 10)
    assert [r.event.actor.signed_in_with for r in stored] == [None] * 4 + [TOTP]
    assert stored[3].entry_hash == old[3].entry_hash
    assert stored[4] == seal(5, signed_in(make_event(5), TOTP), old[3].entry_hash)
    report = access_log.verify()
    assert report.intact, report.summary()
    assert report.entries_checked == 5
