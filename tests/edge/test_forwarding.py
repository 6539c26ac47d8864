"""Forwarding from the queue: exactly once by each read's id, a read the server will never take
set aside rather than blocking the rest, and patience, with jitter, while the server is away."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from platekeeper.domain import ReadSubmission
from platekeeper.edge.agent import Agent
from platekeeper.edge.forwarder import Backoff, Forwarder
from platekeeper.edge.wire import batch_body, queued
from tests.edge.conftest import EdgeServer

MakeAgent = Callable[..., Agent]


def submission(index: int, captured_at: datetime | None = None) -> ReadSubmission:
    return ReadSubmission(
        client_read_id=f"edge-{index}",
        plate_text=f"7ABC{100 + index}",
        confidence=0.9,
        captured_at=captured_at or datetime.now(UTC) - timedelta(minutes=index),
    )


def queue_reads(agent: Agent, *submissions: ReadSubmission) -> None:
    agent.queue.capture([queued(s, b"\xff\xd8\xff\xe0jpeg", None, None) for s in submissions])


def test_a_read_the_server_will_never_take_is_set_aside_and_the_rest_go(
    server: EdgeServer, make_agent: MakeAgent
) -> None:
    server.start()
    agent = make_agent()
    too_old = datetime.now(UTC) - timedelta(days=40)
    queue_reads(agent, submission(0), submission(1, too_old), submission(2))
    assert agent.forwarder.round() == 0.0
    assert agent.queue.depth() == 0
    assert agent.queue.refused_count() == 1
    assert sorted(plate for plate, _ in server.reads()) == ["7ABC100", "7ABC102"]
    assert "1 reads refused by the server" in str(agent.health(datetime.now(UTC))["warning"])


def test_a_resend_after_a_lost_acknowledgement_stores_nothing_twice(
    server: EdgeServer, make_agent: MakeAgent
) -> None:
    server.start()
    agent = make_agent()
    queue_reads(agent, submission(0), submission(1))
    # The server stored the batch, and the agent died before it could delete it.
    document, parts = batch_body([(s.seq, s.read) for s in agent.queue.oldest(10)])
    assert agent.server.post_reads(document, parts).status == 201
    assert agent.forwarder.round() == 0.0
    assert agent.queue.depth() == 0
    assert len(server.reads()) == 2


def test_while_the_server_is_away_the_waits_grow_with_jitter_and_nothing_leaves(
    server: EdgeServer, make_agent: MakeAgent
) -> None:
    agent = make_agent()  # the server is not started
    queue_reads(agent, submission(0))
    waits: list[tuple[float, float]] = []

    def longest(low: float, high: float) -> float:
        waits.append((low, high))
        return high

    backoff = Backoff(first_s=1.0, max_s=4.0, uniform=longest)
    forwarder = Forwarder(agent.queue, agent.server, backoff)
    delays = [forwarder.round() for _ in range(4)]
    assert waits == [(0.5, 1.0), (1.0, 2.0), (2.0, 4.0), (2.0, 4.0)]
    assert delays == [1.0, 2.0, 4.0, 4.0]
    assert agent.queue.depth() == 1
    assert "cannot be reached" in str(forwarder.state.last_error)

    server.start()
    assert forwarder.round() == 0.0
    assert backoff.failures == 0
    assert agent.queue.depth() == 0


def test_a_refused_camera_key_waits_and_keeps_the_reads(
    server: EdgeServer, make_agent: MakeAgent
) -> None:
    server.start()
    agent = make_agent(camera_key="pkc_not-the-key")
    queue_reads(agent, submission(0))
    assert (agent.forwarder.round() or 0) > 0
    assert agent.queue.depth() == 1
    assert agent.queue.refused_count() == 0
