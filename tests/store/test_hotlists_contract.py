"""Hot lists and entries behave the same on every backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from platekeeper.domain.hotlists import AlertLevel, Hotlist, HotlistEntry, ListSource
from platekeeper.errors import Conflict, NotFound
from platekeeper.store import Store
from platekeeper.store.protocols import HotlistFeed
from tests.conftest import NOW


def make_list(list_id: str = "stolen", source: ListSource = ListSource.STATE_FEED) -> Hotlist:
    return Hotlist(
        id=list_id,
        agency_id="demo-pd",
        name=f"List {list_id}",
        source=source,
        priority=2,
        alert_level=AlertLevel.CRITICAL,
        covert=list_id.startswith("covert"),
        created_at=NOW,
    )


def make_entry(
    index: int, list_id: str = "stolen", *, plate: str | None = None, days: int | None = 30
) -> HotlistEntry:
    return HotlistEntry(
        id=f"entry-{list_id}-{index}",
        list_id=list_id,
        plate_text=plate or f"7ABC{index:03d}",
        state="us-ca",
        reason="stolen vehicle",
        entered_by="avery",
        entered_at=NOW,
        expires_at=None if days is None else NOW + timedelta(days=days),
        source_record_id=f"V{index:09d}",
        case_number="2026-000123",
        note=None,
    )


@pytest.fixture
def lists(store: Store) -> Store:
    store.hotlists.add(make_list())
    store.hotlists.add(make_list("covert-ops", ListSource.MANUAL))
    return store


def test_lists_round_trip_by_name(lists: Store) -> None:
    assert lists.hotlists.get("stolen") == make_list()
    assert [h.id for h in lists.hotlists.list("demo-pd")] == ["covert-ops", "stolen"]
    assert lists.hotlists.get("covert-ops").covert is True  # type: ignore[union-attr]
    assert lists.hotlists.list("other-pd") == []


def test_a_list_id_is_unique_and_its_agency_exists(lists: Store) -> None:
    with pytest.raises(Conflict):
        lists.hotlists.add(make_list())
    with pytest.raises(NotFound):
        lists.hotlists.add(replace(make_list("x"), agency_id="nowhere"))


def test_entries_round_trip_in_bulk(lists: Store) -> None:
    entries = [make_entry(i) for i in range(50)]
    lists.hotlist_entries.add(entries)
    assert lists.hotlist_entries.get("entry-stolen-7") == entries[7]
    assert lists.hotlist_entries.count("stolen") == 50
    assert lists.hotlist_entries.list("stolen", limit=3, offset=1) == entries[1:4]


def test_a_bulk_add_is_all_or_nothing(lists: Store) -> None:
    lists.hotlist_entries.add([make_entry(1)])
    with pytest.raises(Conflict):
        lists.hotlist_entries.add([make_entry(2), make_entry(1)])
    with pytest.raises(NotFound):
        lists.hotlist_entries.add([make_entry(3, "no-such-list")])
    assert lists.hotlist_entries.count("stolen") == 1


def test_active_lists_unexpired_entries_of_every_list(lists: Store) -> None:
    lists.hotlist_entries.add(
        [make_entry(1), make_entry(2, days=None), make_entry(3, "covert-ops", days=1)]
    )
    later = NOW + timedelta(days=2)
    active = lists.hotlist_entries.active(later)
    assert sorted(a.id for a in active) == ["entry-stolen-1", "entry-stolen-2"]
    first = next(a for a in active if a.id == "entry-stolen-1")
    assert first == ("entry-stolen-1", "stolen", "7ABC001", "us-ca", NOW + timedelta(days=30))
    assert len(lists.hotlist_entries.active(NOW)) == 3


def test_by_plate_key_finds_entries_of_those_keys(lists: Store) -> None:
    lists.hotlist_entries.add([make_entry(1), make_entry(2), make_entry(3, "covert-ops")])
    found = lists.hotlist_entries.by_plate_key(["7ABC001", "7ABC003", "NOPE"])
    assert sorted(e.id for e in found) == ["entry-covert-ops-3", "entry-stolen-1"]
    assert lists.hotlist_entries.by_plate_key([]) == []


def test_every_change_raises_the_version(lists: Store) -> None:
    entries = lists.hotlist_entries
    seen = [entries.version()]
    entries.add([make_entry(1)])
    seen.append(entries.version())
    entries.set_expiry("entry-stolen-1", NOW + timedelta(days=3))
    seen.append(entries.version())
    entries.replace("stolen", [make_entry(2)])
    seen.append(entries.version())
    entries.remove("entry-stolen-2")
    seen.append(entries.version())
    assert seen == sorted(set(seen)), "each change must raise the version"
    assert entries.remove("entry-stolen-2") is False
    assert entries.version() == seen[-1], "a change that changed nothing leaves it"


def test_replace_keeps_stored_ids_and_drops_the_rest(lists: Store) -> None:
    entries = lists.hotlist_entries
    entries.add([make_entry(1), make_entry(2), make_entry(9, "covert-ops")])
    changed = replace(make_entry(1), reason="stolen plates")
    entries.replace("stolen", [changed, make_entry(3)])
    assert sorted(e.id for e in entries.list("stolen")) == ["entry-stolen-1", "entry-stolen-3"]
    assert entries.get("entry-stolen-1") == changed
    assert entries.count("covert-ops") == 1, "another list's entries are untouched"
    assert sorted(entries.identities("stolen"))[0] == (
        "entry-stolen-1",
        "7ABC001",
        "us-ca",
        "V000000001",
    )
    entries.replace("stolen", [])
    assert entries.count("stolen") == 0
    with pytest.raises(NotFound):
        entries.replace("no-such-list", [])


def test_set_expiry_and_remove_report_missing_entries(lists: Store) -> None:
    lists.hotlist_entries.add([make_entry(1)])
    until = NOW + timedelta(days=40)
    assert lists.hotlist_entries.set_expiry("entry-stolen-1", until) is True
    assert lists.hotlist_entries.get("entry-stolen-1").expires_at == until  # type: ignore[union-attr]
    assert lists.hotlist_entries.set_expiry("nope", until) is False
    assert lists.hotlist_entries.remove("entry-stolen-1") is True
    assert lists.hotlist_entries.get("entry-stolen-1") is None


def test_feeds_and_refreshes_are_recorded(lists: Store) -> None:
    feed = HotlistFeed("stolen", "https://feeds.example/stolen.csv", "csv", '{"a": 1}')
    lists.hotlists.set_feed(feed)
    assert lists.hotlists.feed("stolen") == feed
    assert lists.hotlists.feed("covert-ops") is None
    assert lists.hotlists.feeds() == [feed]
    lists.hotlists.record_refresh("stolen", NOW, "timed out")
    assert lists.hotlists.feed("stolen") == feed._replace(attempted_at=NOW, error="timed out")
    assert lists.hotlists.get("stolen").refreshed_at is None  # type: ignore[union-attr]
    later = NOW + timedelta(hours=1)
    lists.hotlists.record_refresh("stolen", later)
    assert lists.hotlists.get("stolen").refreshed_at == later  # type: ignore[union-attr]
    assert lists.hotlists.feed("stolen") == feed._replace(attempted_at=later)
    with pytest.raises(NotFound):
        lists.hotlists.set_feed(feed._replace(list_id="nope"))
