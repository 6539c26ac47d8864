"""The live stream of alerts (server-sent events) from a real server, on each store backend."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import orjson
import pytest
import uvicorn

from platekeeper.app import create_app
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.people import Role
from platekeeper.hotlists.alerts.live import (
    Closed,
    Dropped,
    LiveAlert,
    LiveAlerts,
    Viewer,
    may_receive,
)
from platekeeper.http.alert_stream import AlertStreamServer
from platekeeper.services import Services
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp
from tests.api.people import Person, staff
from tests.conftest import make_agency
from tests.hotlists.alerts.conftest import WAIT_S
from tests.hotlists.alerts.samples import make_alert
from tests.ports import free_port

PURPOSE = {"purpose": "alert-verification", "case_number": "2026-000123"}
Event = tuple[str, dict[str, Any]]


class EventReader:
    """Reads server-sent events off a streaming response, one at a time."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.iter_lines()

    def next(self) -> Event:
        name, data = "message", ""
        for line in self._lines:
            if line == "" and data:
                return name, orjson.loads(data)
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data = line.removeprefix("data: ")
        raise EOFError("the stream ended")


@contextmanager
def stream(app: LiveApp, person: Person) -> Iterator[EventReader]:
    with (
        app.client(person.token) as client,
        client.stream("GET", "/api/v1/alerts/stream", params=PURPOSE) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        reader = EventReader(response)
        assert reader.next()[0] == "open"  # subscribed: alerts from now on reach it
        yield reader


def alert_views(services: Services) -> list[tuple[AccessOutcome, tuple[str, ...], str]]:
    found = services.access_log.entries(AccessFilter(action="alerts:view"))
    return [(r.event.outcome, r.event.read_ids, r.event.actor.username) for r in reversed(found)]


def test_an_officer_with_a_purpose_sees_new_alerts_and_each_is_logged(
    live_app: LiveApp,
) -> None:
    services = live_app.services
    officer = staff(services)[Role.OFFICER]
    alert = make_alert(services.images)
    with stream(live_app, officer) as events:
        services.alerts.publish([alert])
        name, document = events.next()
    assert name == "alert"
    assert document["id"] == alert.hit.id
    assert document["notice"].startswith("unverified")
    assert alert_views(services) == [
        (AccessOutcome.ALLOWED, (), "olivia"),
        (AccessOutcome.ALLOWED, (alert.read.id,), "olivia"),
    ]
    (opened,) = services.access_log.entries(AccessFilter(action="alerts:view", limit=2))[1:]
    assert (opened.event.purpose_code, opened.event.case_number) == (
        "alert-verification",
        "2026-000123",
    )


def test_a_covert_lists_alerts_reach_only_those_who_manage_lists(live_app: LiveApp) -> None:
    services = live_app.services
    people = staff(services)
    covert = make_alert(services.images, 1, covert=True)
    patrol = make_alert(services.images, 2)
    with (
        stream(live_app, people[Role.OFFICER]) as officer,
        stream(live_app, people[Role.SUPERVISOR]) as supervisor,
    ):
        services.alerts.publish([covert])
        services.alerts.publish([patrol])
        supervisor_saw = [supervisor.next()[1]["id"], supervisor.next()[1]["id"]]
        officer_saw = officer.next()[1]["id"]
    assert supervisor_saw == [covert.hit.id, patrol.hit.id]
    assert officer_saw == patrol.hit.id  # the covert one never came


def test_the_stream_without_a_purpose_is_refused_and_logged(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    with live_app.client(people[Role.OFFICER].token) as client:
        response = client.get("/api/v1/alerts/stream")
    with live_app.client(people[Role.AUDITOR].token) as client:
        refused = client.get("/api/v1/alerts/stream", params=PURPOSE)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert refused.status_code == 403
    views = alert_views(live_app.services)
    assert views == [(AccessOutcome.DENIED, (), "olivia"), (AccessOutcome.DENIED, (), "aude")]


def test_streams_end_cleanly_when_the_server_stops(services: Services) -> None:
    services.store.agencies.add(make_agency())
    officer = staff(services)[Role.OFFICER]
    port = free_port()
    config = uvicorn.Config(create_app(services), host="127.0.0.1", port=port, log_level="warning")
    server = AlertStreamServer(config, services.alerts.live)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    app = LiveApp(f"http://127.0.0.1:{port}", services, "", "")
    started = threading.Event()
    while not server.started and thread.is_alive() and not started.wait(0.01):
        pass
    with stream(app, officer) as events:
        server.handle_exit(2, None)
        assert events.next() == ("closed", {"reason": "the server is stopping"})
        with pytest.raises(EOFError):
            events.next()
    thread.join(WAIT_S)
    assert not thread.is_alive()


def test_who_receives_what() -> None:
    def viewer(role: Role, agency_id: str = "demo-pd") -> Viewer:
        return Viewer("someone", agency_id, frozenset({role}))

    def alert(covert: bool) -> LiveAlert:
        return LiveAlert("demo-pd", covert, "read-1", (), {})

    assert may_receive(viewer(Role.OFFICER), alert(covert=False))
    assert not may_receive(viewer(Role.OFFICER), alert(covert=True))
    assert may_receive(viewer(Role.SUPERVISOR), alert(covert=True))
    assert may_receive(viewer(Role.ANALYST), alert(covert=True))
    assert not may_receive(viewer(Role.SUPERVISOR, "other-pd"), alert(covert=False))
    assert not may_receive(viewer(Role.AUDITOR), alert(covert=False))


def test_a_slow_subscriber_loses_the_oldest_alerts_and_is_told() -> None:
    async def scenario() -> list[LiveAlert | Dropped | Closed | None]:
        live = LiveAlerts(queue_size=2)
        subscription = live.subscribe(Viewer("olivia", "demo-pd", frozenset({Role.OFFICER})))
        for n in range(5):
            live.publish(LiveAlert("demo-pd", False, f"read-{n}", (), {"n": n}))
        received = [await subscription.next(WAIT_S) for _ in range(3)]
        received.append(await subscription.next(0.01))  # nothing more: time for a heartbeat
        return received

    dropped, third, fourth, heartbeat = asyncio.run(scenario())
    assert dropped == Dropped(3)
    assert isinstance(third, LiveAlert)
    assert isinstance(fourth, LiveAlert)
    assert (third.document, fourth.document) == ({"n": 3}, {"n": 4})
    assert heartbeat is None
