"""Reading the log: each reading is itself an entry, and a signal's entries are found by number."""

from __future__ import annotations

from platekeeper.audit import AccessLog
from platekeeper.domain.access import AccessOutcome, Actor
from tests.audit.conftest import make_event
from tests.conftest import NOW


def test_a_reading_of_the_log_is_logged(access_log: AccessLog) -> None:
    record = access_log.record_reading(
        Actor("aude", "demo-pd"), "listed entries", {"outcome": "denied"}, "10.0.0.9"
    )
    assert record.seq == 1
    event = record.event
    assert (event.action, event.outcome, event.reason) == (
        "audit:read",
        AccessOutcome.ALLOWED,
        "listed entries",
    )
    assert (dict(event.query), event.client_address, event.at) == (
        {"outcome": "denied"},
        "10.0.0.9",
        NOW,
    )


def test_records_at_gives_the_entries_still_there_in_the_order_asked(
    access_log: AccessLog,
) -> None:
    for index in range(1, 6):
        access_log.record(make_event(index))
    assert [r.seq for r in access_log.records_at([4, 2, 9])] == [4, 2]
    assert access_log.records_at([]) == []
