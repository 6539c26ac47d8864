"""Look-ups over HTTP a page at a time: each page names where the next starts, and each is an
access of its own under the same purpose and case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.config import Settings
from platekeeper.domain.people import Role
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp
from tests.api.people import staff
from tests.conftest import NOW, make_read

PURPOSE = {"purpose": "stolen-vehicle", "case_number": "2026-000123"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """One look-up returns at most two reads."""
    access = settings.access.model_copy(update={"max_results": 2})
    return settings.model_copy(update={"access": access})


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/reads", {"camera_id": "main-st-north"}),
        ("/api/v1/vehicles/7ABC123/history", {}),
    ],
)
def test_pages_follow_each_other_to_the_last(
    live_app: LiveApp, path: str, params: dict[str, str]
) -> None:
    reads = [make_read(i, captured_at=NOW - timedelta(minutes=i)) for i in range(5)]
    live_app.services.store.reads.add(reads)
    analyst = staff(live_app.services)[Role.ANALYST]
    seen: list[str] = []
    after: dict[str, str] = {}
    with live_app.client(analyst.token) as client:
        for _ in range(3):
            body = client.get(path, params={**params, **PURPOSE, **after}).json()
            seen += [read["id"] for read in body["reads"]]
            if body["next_after"] is None:
                break
            assert body["truncated"]
            after = {"after": body["next_after"]}
        refused = client.get(path, params={**params, **PURPOSE, "after": "not-a-cursor"})
    assert seen == [read.id for read in reads]
    assert refused.status_code == 422
    assert [field["location"] for field in refused.json()["errors"]] == ["after"]
    entries = live_app.services.store.access_log.find(
        AccessFilter(username="avery", case_number=PURPOSE["case_number"])
    )
    assert len(entries) == 3
    assert sum("after" in entry.event.query for entry in entries) == 2
