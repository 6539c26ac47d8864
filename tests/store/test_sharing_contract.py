"""The sharing repositories: recipients, requests, the ledger, on every backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from platekeeper.domain.recipients import LedgerEntry, RecipientStatus, ShareStatus
from platekeeper.errors import Conflict, NotFound
from platekeeper.store import Store
from tests.conftest import NOW
from tests.sharing.samples import make_recipient, make_request


def _entry(request_id: str = "req-1") -> LedgerEntry:
    return LedgerEntry(
        exported_at=NOW,
        agency_id="demo-pd",
        recipient_id="sac-sheriff",
        request_id=request_id,
        exported_by="cora",
        read_count=1,
        image_count=1,
        bundle_sha256="ab" * 32,
    )


def test_a_recipient_round_trips_and_updates(store: Store) -> None:
    recipient = make_recipient()
    store.recipients.add(recipient)
    assert store.recipients.get(recipient.id) == recipient
    changed = replace(recipient, status=RecipientStatus.SUSPENDED, agreement=None)
    assert store.recipients.update(changed)
    assert store.recipients.get(recipient.id) == changed
    assert not store.recipients.update(replace(changed, id="nobody"))
    assert store.recipients.get("nobody") is None


def test_recipients_list_by_legal_name_and_agency(store: Store) -> None:
    store.recipients.add(make_recipient("b", legal_name="Butte County Sheriff"))
    store.recipients.add(make_recipient("a", legal_name="Alameda County Sheriff"))
    assert [r.id for r in store.recipients.list("demo-pd")] == ["a", "b"]
    assert store.recipients.list("other-pd") == []


def test_a_recipient_id_is_taken_once_and_needs_its_agency(store: Store) -> None:
    store.recipients.add(make_recipient())
    with pytest.raises(Conflict):
        store.recipients.add(make_recipient())
    with pytest.raises(NotFound):
        store.recipients.add(replace(make_recipient("x"), agency_id="nowhere"))


def test_a_request_round_trips_and_is_decided_once(store: Store) -> None:
    store.recipients.add(make_recipient())
    request = replace(
        make_request(read_ids=("r1", "r2")),
        plate="7ABC123",
        captured_from=NOW - timedelta(days=2),
        captured_before=NOW,
    )
    store.share_requests.add(request)
    assert store.share_requests.get(request.id) == request
    approved = request.decided("cora", True, NOW)
    assert store.share_requests.decide(approved)
    assert not store.share_requests.decide(request.decided("dana", False, NOW))
    assert store.share_requests.get(request.id) == approved
    with pytest.raises(NotFound):
        store.share_requests.add(make_request("req-2", recipient_id="nobody"))
    with pytest.raises(Conflict):
        store.share_requests.add(request)


def test_requests_list_newest_first_and_by_status(store: Store) -> None:
    store.recipients.add(make_recipient())
    older = replace(make_request("old"), requested_at=NOW - timedelta(hours=1))
    store.share_requests.add(older)
    store.share_requests.add(make_request("new"))
    assert [r.id for r in store.share_requests.list("demo-pd")] == ["new", "old"]
    store.share_requests.decide(older.decided("cora", False, NOW))
    assert [r.id for r in store.share_requests.list(status=ShareStatus.DENIED)] == ["old"]


def test_an_export_marks_the_request_and_appends_to_the_ledger(store: Store) -> None:
    store.recipients.add(make_recipient())
    request = make_request()
    store.share_requests.add(request)
    assert store.share_requests.record_export(request, _entry()) is None  # still pending
    store.share_requests.decide(request.decided("cora", True, NOW))
    first = store.share_requests.record_export(request, _entry())
    second = store.share_requests.record_export(request, replace(_entry(), read_count=2))
    assert first is not None
    assert second is not None
    assert second.seq > first.seq
    stored = store.share_requests.get(request.id)
    assert stored is not None
    assert stored.status is ShareStatus.EXPORTED
    assert stored.bundle_sha256 == "ab" * 32
    assert stored.exported_at == NOW
    assert store.sharing_ledger.list("demo-pd") == [second, first]


def test_the_ledger_refuses_changes(store: Store) -> None:
    store.recipients.add(make_recipient())
    request = make_request()
    store.share_requests.add(request)
    store.share_requests.decide(request.decided("cora", True, NOW))
    store.share_requests.record_export(request, _entry())
    with pytest.raises(Exception, match="append-only"):  # each backend raises its own type
        _raw_delete_ledger(store)
    assert len(store.sharing_ledger.list()) == 1


def _raw_delete_ledger(store: Store) -> None:
    database = store._db  # type: ignore[attr-defined]
    if hasattr(database, "write"):
        with database.write() as connection:
            connection.execute("DELETE FROM sharing_ledger")
    else:
        with database.connection() as connection:
            connection.execute("DELETE FROM sharing_ledger")


def test_a_recipient_without_agreement_and_dates_round_trip(store: Store) -> None:
    recipient = replace(make_recipient(agreement=None), next_review_on=date(2026, 12, 1))
    store.recipients.add(recipient)
    assert store.recipients.get(recipient.id) == recipient
