"""Offline matching against the signed hot-list copy: a valid copy alerts; an expired one
raises no alert and says so, on the agent's page, in its health report and on the camera page;
a copy altered on disk or signed by another key is never matched with."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from platekeeper.domain.people import Role
from platekeeper.edge.agent import Agent
from platekeeper.edge.capture import FolderSource
from platekeeper.edge.hotlist_copy import CopyRefused, HotlistCopyKeeper
from platekeeper.edge.page import serve_page
from platekeeper.recognition import PlatePipeline
from tests.api.conftest import LiveApp
from tests.api.people import add_person, sign_in
from tests.edge.conftest import EdgeServer, WallClock, listed, photo
from tests.ports import free_port

MakeAgent = Callable[..., Agent]


def capture(agent: Agent, pipeline: PlatePipeline, folder: Path, plate: str, seed: int) -> int:
    source = FolderSource(folder, pipeline, agent.capture)
    return source.one(photo(folder, plate, seed))


def test_a_valid_copy_alerts_offline_and_leaves_covert_lists_out(
    server: EdgeServer, make_agent: MakeAgent, pipeline: PlatePipeline, tmp_path: Path
) -> None:
    listed(server.services, "7ABC123")
    listed(server.services, "KXR4821", list_id="surveillance", covert=True)
    server.start()
    agent = make_agent()
    agent.status_round()
    assert agent.copies.copy is not None
    assert [entry.plate_text for entry in agent.copies.copy.entries] == ["7ABC123"]
    server.stop()  # the car drives out of reach

    assert capture(agent, pipeline, tmp_path / "incoming", "7ABC123", seed=40) == 1
    assert capture(agent, pipeline, tmp_path / "incoming", "KXR4821", seed=41) == 1
    [hit] = agent.queue.hits()
    document = json.loads(hit.document)
    assert (document["plate_text"], document["entry"]["list_name"]) == ("7ABC123", "List stolen")
    assert document["kind"] == "exact"
    assert hit.crop is not None
    assert hit.crop[:3] == b"\xff\xd8\xff"
    assert agent.copies.warning(agent.copies.copy.issued_at) is None


def test_an_expired_copy_raises_no_alert_and_warns_everywhere(
    server: EdgeServer,
    make_agent: MakeAgent,
    pipeline: PlatePipeline,
    wall_clock: WallClock,
    tmp_path: Path,
) -> None:
    listed(server.services, "7ABC123")
    custodian = add_person(server.services, "casey", Role.CUSTODIAN)
    server.start()
    agent = make_agent()
    wall_clock.offset = -timedelta(hours=13)  # issued 13 hours ago, good for 12
    agent.status_round()
    wall_clock.offset = timedelta(0)
    agent.status_round()  # the health report, now with the copy's warning

    assert capture(agent, pipeline, tmp_path / "incoming", "7ABC123", seed=40) == 1
    assert agent.queue.hits() == []
    page_server = serve_page(agent, free_port())
    try:
        home = httpx.get(page_server.url)
    finally:
        page_server.stop()
    assert "the hot-list copy expired at" in home.text
    assert "no offline alerts until the server is reached" in home.text

    health = server.services.store.edge_health.latest(["patrol-7"])["patrol-7"]
    assert "expired" in str(health.warning)
    live = LiveApp(server.url, server.services, "", "")
    client, _ = sign_in(live, custodian.account.username)
    with client:
        page = client.get("/cameras")
    assert page.status_code == 200, page.text
    assert "Edge agents" in page.text
    assert "expired: no offline alerts" in page.text


def test_a_copy_altered_on_disk_is_refused(server: EdgeServer, make_agent: MakeAgent) -> None:
    listed(server.services, "7ABC123")
    server.start()
    agent = make_agent()
    agent.status_round()
    payload = agent.queue.get("copy_payload")
    assert payload is not None
    agent.queue.put("copy_payload", payload.replace("7ABC123", "7ABC124"))

    again = HotlistCopyKeeper(agent.queue)
    assert again.copy is None
    assert again.match("7ABC124", datetime.now(UTC)) == []
    assert "signature does not verify" in str(again.warning(datetime.now(UTC)))


def test_a_copy_signed_by_another_key_is_refused(server: EdgeServer, make_agent: MakeAgent) -> None:
    listed(server.services, "7ABC123")
    server.start()
    other = Ed25519PrivateKey.generate().public_key()
    agent = make_agent(server_public_key=other)
    with pytest.raises(CopyRefused, match="does not verify"):
        agent.copies.accept(agent.server.hotlist_copy())
    assert agent.copies.copy is None
