"""The agent's local page: a person signs in with their own token, states a purpose before a
hit's plate shows, verifies as at the server, and every step reaches the server's access log
under their name once the agent is connected; offline, only a token checked lately signs in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from platekeeper.domain import PlateCandidate, ReadSubmission
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.people import Role
from platekeeper.edge.agent import Agent
from platekeeper.edge.capture import FolderSource
from platekeeper.edge.page import PageServer, serve_page
from platekeeper.edge.queue import LocalHit
from platekeeper.ingest import IngestItem
from platekeeper.recognition import PlatePipeline
from platekeeper.store.protocols import AccessFilter
from tests.api.people import Person, add_person
from tests.edge.conftest import EdgeServer, listed, photo
from tests.ports import free_port

MakeAgent = Callable[..., Agent]


@pytest.fixture
def officer(server: EdgeServer) -> Person:
    return add_person(server.services, "olivia", Role.OFFICER)


@pytest.fixture
def with_hit(
    server: EdgeServer, make_agent: MakeAgent, pipeline: PlatePipeline, tmp_path: Path
) -> Iterator[tuple[Agent, LocalHit, PageServer]]:
    """An agent holding one offline hit on 7ABC123, its page served."""
    listed(server.services, "7ABC123")
    server.start()
    agent = make_agent()
    agent.status_round()
    folder = tmp_path / "incoming"
    FolderSource(folder, pipeline, agent.capture).one(photo(folder, "7ABC123", seed=40))
    [hit] = agent.queue.hits()
    page = serve_page(agent, free_port())
    yield agent, hit, page
    page.stop()


def csrf_of(html: str) -> str:
    found = re.search(r"name=csrf value='([^']+)'", html)
    assert found is not None, html
    return found[1]


def test_the_plate_shows_only_after_a_purpose_and_every_step_is_logged_at_the_server(
    server: EdgeServer, officer: Person, with_hit: tuple[Agent, LocalHit, PageServer]
) -> None:
    agent, hit, page = with_hit
    access = server.services.settings.access
    with httpx.Client(base_url=page.url, follow_redirects=True) as browser:
        home = browser.get("/")
        assert "1 offline hits. Sign in to see them." in home.text
        signed = browser.post("/sign-in", data={"token": officer.token})
        assert "Signed in as olivia" in signed.text
        assert "List stolen" in signed.text
        assert "7ABC123" not in signed.text

        asked = browser.get(f"/hits/{hit.id}")
        assert "State the purpose" in asked.text
        assert "7ABC123" not in asked.text
        csrf = csrf_of(asked.text)
        refused = browser.post(f"/hits/{hit.id}/view", data={"csrf": csrf})
        assert refused.status_code == 422
        assert "7ABC123" not in refused.text

        basis = {
            "csrf": csrf,
            "purpose": access.purposes[0].code,
            "case_number": access.case_number_example,
        }
        shown = browser.post(f"/hits/{hit.id}/view", data=basis)
        assert shown.status_code == 200
        assert "7ABC123" in shown.text
        assert "an offline hit is not a live stop" in shown.text

        partial = {"csrf": csrf, "verdict": "confirmed", "checks": ["characters"]}
        not_yet = browser.post(f"/hits/{hit.id}/verify", data=partial)
        assert not_yet.status_code == 422
        assert "confirmed only when" in not_yet.text
        every = {**partial, "checks": ["characters", "state", "active"]}
        confirmed = browser.post(f"/hits/{hit.id}/verify", data=every)
        assert "confirmed by olivia" in confirmed.text

    agent.status_round()  # connected: the page's events go to the server's access log
    assert agent.queue.event_count() == 0
    entries = server.services.store.access_log.find(AccessFilter(username="olivia"))
    steps = sorted(
        (entry.event.action, entry.event.outcome, entry.event.query.get("step", ""))
        for entry in entries
        if entry.event.client_address == "edge:patrol-7"
    )
    assert steps == [
        ("alerts:verify", AccessOutcome.ALLOWED, "confirm"),
        ("alerts:view", AccessOutcome.ALLOWED, "view"),
        ("alerts:view", AccessOutcome.DENIED, "view"),
    ]
    [viewed] = [e for e in entries if e.event.purpose_code == access.purposes[0].code]
    assert viewed.event.case_number == access.case_number_example
    assert viewed.event.query["edge_hit_id"] == hit.id
    agent.status_round()  # nothing is entered twice
    assert len(server.services.store.access_log.find(AccessFilter(username="olivia"))) == len(
        entries
    )


def test_offline_only_a_token_checked_lately_signs_in(
    server: EdgeServer, officer: Person, with_hit: tuple[Agent, LocalHit, PageServer]
) -> None:
    _, _, page = with_hit
    stranger = add_person(server.services, "otto", Role.OFFICER)
    with httpx.Client(base_url=page.url, follow_redirects=True) as online:
        assert "Signed in as olivia" in online.post("/sign-in", data={"token": officer.token}).text
    server.stop()  # out of reach

    with httpx.Client(base_url=page.url, follow_redirects=True) as offline:
        again = offline.post("/sign-in", data={"token": officer.token})
        assert "Signed in as olivia" in again.text
    with httpx.Client(base_url=page.url, follow_redirects=True) as other:
        refused = other.post("/sign-in", data={"token": stranger.token})
        assert refused.status_code == 401
        assert "cannot be reached" in refused.text
        assert "7ABC123" not in refused.text


def test_a_token_the_server_refuses_does_not_sign_in(
    with_hit: tuple[Agent, LocalHit, PageServer],
) -> None:
    _, hit, page = with_hit
    with httpx.Client(base_url=page.url, follow_redirects=True) as browser:
        refused = browser.post("/sign-in", data={"token": "pkt_not-a-token"})
        assert refused.status_code == 401
        assert "the server refused the token" in refused.text
        assert browser.get(f"/hits/{hit.id}").status_code == 403


def test_a_form_from_elsewhere_and_a_gone_hit_are_refused(
    officer: Person, with_hit: tuple[Agent, LocalHit, PageServer]
) -> None:
    _, hit, page = with_hit
    with httpx.Client(base_url=page.url, follow_redirects=True) as browser:
        browser.post("/sign-in", data={"token": officer.token})
        forged = browser.post(f"/hits/{hit.id}/view", data={"csrf": "not-the-token"})
        assert forged.status_code == 403
        assert "The form is stale" in forged.text
        assert "7ABC123" not in forged.text
        assert browser.get("/hits/no-such-hit").status_code == 404


def test_a_hit_on_an_alternative_reading_says_which_reading_and_what_it_read(
    server: EdgeServer, officer: Person, make_agent: MakeAgent
) -> None:
    listed(server.services, "7ABC123")
    server.start()
    agent = make_agent()
    agent.status_round()
    read = ReadSubmission(
        client_read_id="edge-alternative",
        plate_text="7XYZ999",
        confidence=0.6,
        captured_at=datetime.now(UTC),
        candidates=(PlateCandidate("7XYZ998", 0.2), PlateCandidate("7ABC123", 0.1)),
    )
    agent.capture.items([IngestItem(read)])
    [hit] = agent.queue.hits()
    page = serve_page(agent, free_port())
    access = server.services.settings.access
    basis = {"purpose": access.purposes[0].code, "case_number": access.case_number_example}
    try:
        with httpx.Client(base_url=page.url, follow_redirects=True) as browser:
            browser.post("/sign-in", data={"token": officer.token})
            csrf = csrf_of(browser.get(f"/hits/{hit.id}").text)
            shown = browser.post(f"/hits/{hit.id}/view", data={"csrf": csrf, **basis}).text
    finally:
        page.stop()

    assert "The reader&#x27;s third reading matches the listed plate exactly." in shown
    assert "It read <span class=plate>7ABC123</span>." in shown
    assert "<dd class=plate>7XYZ999</dd>" in shown  # the read's own text, as before
