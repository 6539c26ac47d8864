"""R37: the public report names the lists checked and the hits per list.

On the starting commit the transparency report counted hits by status and outcome only: the
public could not tell which hot lists reads were checked against, nor how many hits each made
and how many were confirmed or false. Now the report (page, feed and every stored publication)
lists each hot list by name, kind and category (never an entry or a plate; a covert list's name
withheld) with its hits made, confirmed, false and pending, under the small-count rule applied
in both directions so that no hidden count is found by subtracting the shown ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from itertools import product

import httpx
import pytest

from platekeeper.app import create_app
from platekeeper.config import Settings
from platekeeper.domain.hotlists import Hit, HitOutcome, HitStatus, ListSource
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.reports.publisher import PUBLISHER, TransparencyPublisher
from platekeeper.reports.transparency import (
    COVERT_NAME,
    HIT_MEASURES,
    WITHHELD,
    PublicCount,
    feed,
    gather_counts,
    suppress_grid,
    transparency_report,
)
from platekeeper.services import Services
from platekeeper.store import Store
from tests.api.conftest import backend_settings
from tests.conftest import NOW, FixedClock, build_test_services, make_agency, make_camera
from tests.policy.samples import write_complete_policy
from tests.ports import served
from tests.reports.test_transparency import report_store
from tests.store.test_hits_contract import make_hit
from tests.store.test_hotlists_contract import make_entry, make_list

__all__ = ["backend_settings", "report_store"]  # SQLite and PostgreSQL in turn
PLATE = "QX7LISTS"


def _hits(list_id: str, first: int, *, confirmed: int, false: int, pending: int) -> list[Hit]:
    endings = (
        [(HitStatus.CONFIRMED, None)] * confirmed
        + [(HitStatus.REJECTED, None)] * (false - false // 2)
        + [(HitStatus.CONFIRMED, HitOutcome.FALSE_HIT)] * (false // 2)
        + [(HitStatus.PENDING, None)] * pending
    )
    return [
        replace(make_hit(first + n, list_id=list_id, minutes=-60), status=status, outcome=outcome)
        for n, (status, outcome) in enumerate(endings)
    ]


def _seed_lists(store: Store) -> None:
    store.hotlists.add(make_list("stolen", ListSource.STATE_FEED))
    store.hotlists.add(
        replace(make_list("gang", ListSource.AGENCY), name="Gang unit cases", covert=False)
    )
    store.hotlists.add(replace(make_list("covert-op"), name="Operation Nightjar suspects"))
    store.hotlists.add(
        replace(make_list("later", ListSource.MANUAL), created_at=NOW + timedelta(days=1))
    )
    store.hotlist_entries.add([make_entry(1, "stolen", plate=PLATE)])
    store.hits.add(
        _hits("stolen", 100, confirmed=30, false=12, pending=8)
        + _hits("gang", 200, confirmed=9, false=2, pending=0)
        + _hits("covert-op", 300, confirmed=6, false=0, pending=1)
    )


def test_the_lists_checked_and_their_hits_are_gathered(report_store: Store) -> None:
    _seed_lists(report_store)
    counts = gather_counts(report_store, NOW)
    by_name = {checked.name: checked for checked in counts.lists}
    assert set(by_name) == {"List stolen", "Gang unit cases", COVERT_NAME}  # not the later one
    stolen = by_name["List stolen"]
    assert (stolen.kind, stolen.category) == ("state-feed", PurposeCategory.CRIMINAL_INVESTIGATION)
    assert dict(stolen.hits) == {"made": 50, "confirmed": 30, "false": 12, "pending": 8}
    assert dict(by_name["Gang unit cases"].hits) == {
        "made": 11,
        "confirmed": 9,
        "false": 2,
        "pending": 0,
    }
    assert by_name[COVERT_NAME].kind == "state-feed"

    document = feed(transparency_report(counts, min_count=5))
    text = json.dumps(document)
    for secret in (PLATE, "Operation Nightjar", "entry-1", "read-100", "hit-100"):
        assert secret not in text
    published = {item["name"]: item for item in document["lists"]}
    assert published["List stolen"]["kind"] == "state-feed"
    assert published["List stolen"]["category"] == "criminal-investigation"
    assert published["List stolen"]["hits"]["made"] == {"count": 50, "text": "50"}
    assert published["List stolen"]["hits"]["confirmed"] == {"count": 30, "text": "30"}
    gang = published["Gang unit cases"]["hits"]
    assert gang["false"] == {"count": None, "text": "fewer than 5"}


def test_a_list_made_after_the_period_or_with_no_hits_counts_zero(report_store: Store) -> None:
    report_store.hotlists.add(make_list("quiet", ListSource.NCIC))
    counts = gather_counts(report_store, NOW)
    assert [(c.name, c.kind, dict(c.hits)) for c in counts.lists] == [
        ("List quiet", "ncic", dict.fromkeys(HIT_MEASURES, 0))
    ]
    shown = feed(transparency_report(counts, min_count=5))["lists"][0]["hits"]
    assert {m: c["text"] for m, c in shown.items()} == dict.fromkeys(HIT_MEASURES, "fewer than 5")


def _no_single_hidden(table: list[dict[str, PublicCount]], rows: list[dict[str, int]]) -> None:
    equations = [[(r, m) for m in HIT_MEASURES] for r in range(len(rows))]
    equations += [[(r, m) for r in range(len(rows))] for m in HIT_MEASURES]
    for equation in equations:
        hidden = [cell for cell in equation if table[cell[0]][cell[1]].value is None]
        assert len(hidden) != 1, f"{hidden} can be found by subtraction in {equation}"


@pytest.mark.parametrize("min_count", [3, 5, 10])
def test_no_per_list_count_can_be_found_by_subtraction(min_count: int) -> None:
    """Every row (made = confirmed + false + pending) and every column (a measure over the
    lists) hides none or at least two of its cells, whatever the counts."""
    values = (0, 1, 4, 6, 12, 40)
    for confirmed, false, pending in product(values, repeat=3):
        rows = [
            {
                "made": confirmed + false + pending,
                "confirmed": confirmed,
                "false": false,
                "pending": pending,
            },
            {"made": 60, "confirmed": 40, "false": 12, "pending": 8},
            {"made": 20, "confirmed": 6, "false": 9, "pending": 5},
        ]
        table = suppress_grid(rows, min_count)
        _no_single_hidden(table, rows)
        for row, shown in zip(rows, table, strict=True):
            for measure, count in shown.items():
                assert count.value in (None, row[measure])
                if row[measure] < min_count:
                    assert count.text == f"fewer than {min_count}"


def test_a_single_small_count_in_a_list_withholds_another() -> None:
    rows = [{"made": 50, "confirmed": 38, "false": 12, "pending": 0}]
    (shown,) = suppress_grid(rows, 5)
    assert shown["pending"].text == "fewer than 5"
    assert WITHHELD in (shown["false"], shown["confirmed"], shown["made"])


# --- the public page, the feed, the stored publications (SQLite and PostgreSQL) -------------


@pytest.fixture
def services(backend_settings: Settings, clock: FixedClock) -> Iterator[Services]:
    write_complete_policy(backend_settings.data_dir)
    built = build_test_services(backend_settings, clock)
    built.store.agencies.add(make_agency())
    built.store.cameras.add(make_camera()[0])
    _seed_lists(built.store)
    yield built
    built.close()


def test_the_page_feed_and_publication_show_the_lists_and_their_hits(services: Services) -> None:
    published = TransparencyPublisher(services).publish(PUBLISHER)
    with served(create_app(services)) as base_url, httpx.Client(base_url=base_url) as anonymous:
        document = anonymous.get("/transparency.json").json()
        page = anonymous.get("/transparency").text
    stored = json.loads(published.report)
    for lists in (document["lists"], stored["lists"]):
        names = [item["name"] for item in lists]
        assert {"List stolen", "Gang unit cases", COVERT_NAME} <= set(names)
        stolen = next(item for item in lists if item["name"] == "List stolen")
        assert set(stolen["hits"]) == set(HIT_MEASURES)
    assert "Hot lists checked" in page
    assert "Gang unit cases" in page
    assert "state-feed" in page
    for text in (json.dumps(document), page, published.report):
        assert PLATE not in text
        assert "Operation Nightjar" not in text
