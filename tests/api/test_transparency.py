"""The public transparency page, its feed and the policy document, to an anonymous client."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from platekeeper.domain.access import AccessEvent, AccessOutcome, Actor
from platekeeper.domain.people import Role
from tests.api.conftest import LiveApp
from tests.api.people import add_person
from tests.conftest import NOW, make_read
from tests.policy.samples import write_complete_policy
from tests.store.test_hits_contract import make_hit

PLATE = "QX7TRNSP"
USERNAME = "quincy"
CASE = "2026-778899"


def _seed(app: LiveApp) -> list[str]:
    """Reads of a distinctive plate, hits on them, and searches by a named person for a case.

    Returns the ids of the reads, which must not be published either."""
    services = app.services
    write_complete_policy(services.settings.data_dir)
    add_person(services, USERNAME, Role.ANALYST)
    reads = [make_read(n, plate_text=PLATE, captured_at=NOW - timedelta(hours=n)) for n in range(3)]
    services.store.reads.add(reads)
    services.store.hits.add(
        [replace(make_hit(n, minutes=-n), read_id=r.id) for n, r in enumerate(reads, start=1)]
    )
    for purpose, times in (("stolen-vehicle", 6), ("missing-person", 2)):
        for _ in range(times):
            services.access_log.record(
                AccessEvent(
                    at=NOW - timedelta(days=1),
                    actor=Actor(USERNAME, "demo-pd"),
                    action="reads:search",
                    outcome=AccessOutcome.ALLOWED,
                    reason="returned 3 reads",
                    query={"plate": PLATE},
                    read_ids=tuple(r.id for r in reads),
                    purpose_code=purpose,
                    case_number=CASE,
                )
            )
    return [r.id for r in reads]


def test_anyone_may_read_the_page_the_feed_and_the_policy(live_app: LiveApp) -> None:
    read_ids = _seed(live_app)
    with live_app.client() as anonymous:
        page = anonymous.get("/transparency")
        data = anonymous.get("/transparency.json")
        policy = anonymous.get("/policy")
        home = anonymous.get("/")
    assert [page.status_code, data.status_code, policy.status_code] == [200, 200, 200]
    for secret in (PLATE, USERNAME, CASE, *read_ids):
        assert secret not in page.text
        assert secret not in data.text
        assert secret not in policy.text
    feed = data.json()
    assert feed["reads"] == {"count": None, "text": "fewer than 5"}
    assert feed["hits"] == {"count": None, "text": "fewer than 5"}
    assert not feed["hit_verification"]["by_status"]["broken_down"]
    searches = {p["name"]: p["text"] for p in feed["searches_by_purpose"]["parts"]}
    # The purposes nobody searched for are small too, so nothing needs withholding here.
    assert searches["stolen-vehicle"] == "6"
    assert searches["missing-person"] == "fewer than 5"
    assert feed["searches_by_purpose"]["total"]["count"] == 8
    assert feed["cameras"] == {"active": 2, "total": 2}
    assert feed["policy"]["url"] == "/policy"
    assert feed["policy"]["version"] in policy.text
    assert "fewer than 5" in page.text
    assert "Chief of Police" in policy.text
    assert 'href="/transparency"' in home.text
    assert 'href="/policy"' in home.text


def test_the_policy_is_not_found_before_one_is_written(live_app: LiveApp) -> None:
    with live_app.client() as anonymous:
        assert anonymous.get("/policy").status_code == 404
        feed = anonymous.get("/transparency.json").json()
    assert feed["policy"] is None
