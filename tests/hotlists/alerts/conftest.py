"""A store, an image store, a real HTTP receiver for webhooks and the test MQTT broker's port."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from platekeeper.domain.access import GENESIS_HASH, AccessEvent, AccessRecord, seal
from platekeeper.store.images import LocalImageStore
from platekeeper.store.sqlite import SqliteStore
from tests.api.conftest import backend_settings, live_app, services  # noqa: F401 (fixtures)

MQTT_PORT_ENV = "PLATEKEEPER_TEST_MQTT_PORT"
WAIT_S = 30.0
"""Generous: waits end on the event, never on the clock, unless something is broken."""


def mqtt_port() -> int:
    port = os.environ.get(MQTT_PORT_ENV)
    if not port:
        if os.environ.get("PLATEKEEPER_TEST_REQUIRE_MQTT") == "1":
            pytest.fail(f"{MQTT_PORT_ENV} is not set but MQTT tests are required")
        pytest.skip(f"set {MQTT_PORT_ENV} to run the MQTT tests (scripts/with-mosquitto does)")
    return int(port)


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A real HTTP server in the test process; answers each POST to a path with the next status
    listed for it, and 200 when none is left."""

    url: str
    statuses: dict[str, list[int]] = field(default_factory=dict)
    requests: queue.Queue[Received] = field(default_factory=queue.Queue)

    def next_request(self) -> Received:
        return self.requests.get(timeout=WAIT_S)

    def received(self) -> list[Received]:
        found = []
        while not self.requests.empty():
            found.append(self.requests.get_nowait())
        return found


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    lock = threading.Lock()
    box: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            target = box[0]
            with lock:
                waiting = target.statuses.get(self.path, [])
                status = waiting.pop(0) if waiting else 200
            # Recorded before the answer: when the sender has its answer, the test sees it.
            target.requests.put(Received(self.path, dict(self.headers.items()), body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests look at what arrived."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.append(Receiver(f"http://127.0.0.1:{server.server_address[1]}"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box[0]
    server.shutdown()
    server.server_close()
    thread.join(WAIT_S)


@dataclass
class RecordingSink:
    """Keeps what the delivery worker logs, chained as the access log would chain it."""

    records: list[AccessRecord] = field(default_factory=list)

    def record(self, event: AccessEvent) -> AccessRecord:
        previous = self.records[-1].entry_hash if self.records else GENESIS_HASH
        sealed = seal(len(self.records) + 1, event, previous)
        self.records.append(sealed)
        return sealed


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "store.sqlite3")
    store.upgrade()
    yield store
    store.close()


@pytest.fixture
def images(tmp_path: Path) -> LocalImageStore:
    return LocalImageStore(tmp_path / "images")
