"""The transparency report: the small-count rule (pure), and counts gathered on every backend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from platekeeper.domain.access import AccessEvent, AccessOutcome, Actor
from platekeeper.domain.hotlists import HitOutcome
from platekeeper.reports.transparency import (
    WITHHELD,
    PublicCount,
    breakdown,
    feed,
    gather_counts,
    public_count,
    transparency_report,
)
from platekeeper.store import Store
from platekeeper.store.postgres import PostgresStore
from platekeeper.store.sqlite import SqliteStore
from tests.conftest import NOW, make_agency, make_camera, make_read
from tests.store.test_hits_contract import make_hit


def test_a_small_count_reads_fewer_than_the_threshold() -> None:
    assert public_count(4, 5) == PublicCount(None, "fewer than 5")
    assert public_count(0, 5) == PublicCount(None, "fewer than 5")
    assert public_count(5, 5) == PublicCount(5, "5")
    assert public_count(12_345, 5) == PublicCount(12_345, "12,345")


def test_a_small_total_is_not_broken_down() -> None:
    small = breakdown({"stolen-vehicle": 3, "missing-person": 1}, 5)
    assert small.total.text == "fewer than 5"
    assert small.parts == ()
    assert not small.broken_down


def test_one_small_part_withholds_the_next_smallest_so_it_cannot_be_subtracted() -> None:
    shown = breakdown({"a": 40, "b": 9, "c": 2}, 5)
    assert shown.total == PublicCount(51, "51")
    assert dict(shown.parts) == {"a": public_count(40, 5), "b": WITHHELD, "c": public_count(2, 5)}
    two_small = breakdown({"a": 40, "b": 3, "c": 2}, 5)
    assert dict(two_small.parts)["a"] == PublicCount(40, "40")
    assert [count.value for _, count in two_small.parts] == [40, None, None]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def report_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        store: Store = SqliteStore(tmp_path / "store.sqlite3")
    else:
        store = PostgresStore(request.getfixturevalue("postgres_schema_dsn"), max_size=4)
    try:
        store.upgrade()
        store.agencies.add(make_agency())
        store.cameras.add(make_camera()[0])
        yield store
    finally:
        store.close()


def _search(
    purpose: str, *, at_days_ago: int = 1, outcome: AccessOutcome = AccessOutcome.ALLOWED
) -> AccessEvent:
    return AccessEvent(
        at=NOW - timedelta(days=at_days_ago),
        actor=Actor("avery", "demo-pd"),
        action="reads:search",
        outcome=outcome,
        reason="test",
        query={"plate": "7TEST99"},
        purpose_code=purpose,
        case_number="2026-000123",
    )


def test_counts_are_gathered_from_the_store(report_store: Store) -> None:
    report_store.reads.add(
        [make_read(n, captured_at=NOW - timedelta(days=d)) for n, d in enumerate((1, 2, 3, 40))]
    )
    hits = [make_hit(n, minutes=-n) for n in range(1, 8)]
    hits[0] = hits[0].confirmed(  # make_hit's state differs: confirming it takes an override
        "olivia",
        NOW,
        characters_match=True,
        state_matches=True,
        active_at_source=True,
        state_override="the image shows the listed state",
    )
    report_store.hits.add(hits)
    for _ in range(6):
        report_store.access_log.append(_search("stolen-vehicle"))
    report_store.access_log.append(_search("missing-person"))
    report_store.access_log.append(_search("stolen-vehicle", at_days_ago=31))
    report_store.access_log.append(_search("stolen-vehicle", outcome=AccessOutcome.DENIED))

    counts = gather_counts(report_store, NOW, ["stolen-vehicle", "wanted-person"])

    assert (counts.cameras_active, counts.cameras_total) == (1, 1)
    assert counts.reads == 3
    assert counts.hits == 7
    assert counts.hits_by_status == {"pending": 6, "confirmed": 1, "rejected": 0}
    assert counts.hits_by_outcome == dict.fromkeys((o.value for o in HitOutcome), 0)
    assert counts.searches_by_purpose == {
        "stolen-vehicle": 6,
        "wanted-person": 0,
        "missing-person": 1,
    }
    assert counts.last_audit is None

    report = transparency_report(counts, min_count=5)
    assert report.reads.text == "fewer than 5"
    document = feed(report)
    assert document["hits"] == {"count": 7, "text": "7"}
    assert document["searches_by_purpose"]["total"] == {"count": 7, "text": "7"}
    assert "7TEST99" not in str(document)
    assert "avery" not in str(document)
    assert "2026-000123" not in str(document)


def test_the_last_audit_is_the_last_compliance_report(report_store: Store) -> None:
    event = AccessEvent(
        at=NOW - timedelta(days=2),
        actor=Actor("aude", "demo-pd"),
        action="reports:compliance",
        outcome=AccessOutcome.ALLOWED,
        reason="compliance report",
    )
    report_store.access_log.append(event)
    last = gather_counts(report_store, NOW).last_audit
    assert last is not None
    assert (last.at, last.kind) == (event.at, "compliance-report")
