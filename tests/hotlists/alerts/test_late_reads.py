"""A read offloaded late (a device back online, a backlog) carries its age into the hit and the
alert: 'read 2 days ago', never shown as a live stop."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from platekeeper.domain.hotlists import Alert
from platekeeper.domain.reads import age_words, late_read_notice
from platekeeper.hotlists.alerts import alert_document
from platekeeper.hotlists.hits.desk import hit_warnings
from platekeeper.store.images import LocalImageStore
from tests.conftest import NOW
from tests.hotlists.alerts.samples import make_alert

LIMIT = 1024 * 1024


def _captured(images: LocalImageStore, age: timedelta) -> Alert:
    alert = make_alert(images)
    read = dataclasses.replace(alert.read, captured_at=NOW - age)
    return dataclasses.replace(alert, read=read)


def test_an_alert_from_a_read_two_days_old_says_so_first(images: LocalImageStore) -> None:
    alert = _captured(images, timedelta(days=2, hours=3))

    document = alert_document(alert, images, LIMIT)

    assert document["headline"].startswith("UNVERIFIED · READ 2 DAYS AGO · ")
    assert document["warnings"][0].startswith("read 2 days ago, not a live sighting")
    view_warnings = hit_warnings(alert.hit, alert.read, alert.entry, alert.hotlist)
    assert any(w.startswith("read 2 days ago") for w in view_warnings)


def test_a_timely_read_carries_no_age(images: LocalImageStore) -> None:
    alert = _captured(images, timedelta(seconds=20))

    document = alert_document(alert, images, LIMIT)

    assert "AGO" not in document["headline"]
    assert document["warnings"] == []
    assert not [
        w for w in hit_warnings(alert.hit, alert.read, alert.entry, alert.hotlist) if "ago" in w
    ]


@pytest.mark.parametrize(
    ("age", "words"),
    [
        (timedelta(minutes=10), "10 minutes"),
        (timedelta(minutes=119), "119 minutes"),
        (timedelta(hours=5, minutes=59), "5 hours"),
        (timedelta(hours=47), "47 hours"),
        (timedelta(days=1, hours=24), "2 days"),
        (timedelta(days=29), "29 days"),
    ],
)
def test_the_age_in_the_unit_a_person_reads(age: timedelta, words: str) -> None:
    assert age_words(age) == words
    assert late_read_notice(NOW - age, NOW) == (
        f"read {words} ago, not a live sighting: the vehicle has moved on since"
    )


def test_under_ten_minutes_is_live() -> None:
    assert late_read_notice(NOW - timedelta(minutes=9, seconds=59), NOW) is None
