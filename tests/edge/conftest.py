"""A server that keeps real time, served for real and stopped and started again on one port;
plate photos drawn by the tests; the agent in process or as the ``platekeeper`` command."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from PIL import Image

from platekeeper.app import create_app
from platekeeper.config import Settings
from platekeeper.domain import CameraKind
from platekeeper.domain.hotlists import (
    AlertLevel,
    Hotlist,
    HotlistEntry,
    ListSource,
    OneOffPolicy,
)
from platekeeper.edge.agent import Agent, EdgeOptions
from platekeeper.recognition import EngineConfig, PlatePipeline, build_pipeline
from platekeeper.services import Services
from platekeeper.store import ReadQuery
from tests.api.conftest import backend_settings
from tests.conftest import FixedClock, build_test_services, make_agency, make_camera
from tests.ports import free_port, running
from tests.recognition.render import compose

__all__ = ["backend_settings"]  # the fixture: each test on both stores

PLATES = ("7ABC123", "KXR4821", "5TRW903", "4MNP218", "8DFG392", "6HJK745", "3TUV927", "1WXY350")
"""Plates the built-in recogniser reads right in the photos ``photo`` draws."""


class WallClock(FixedClock):
    """The real time, or the real time shifted by ``offset``: the agent dates its reads by it,
    and the server checks them against it."""

    def __init__(self) -> None:
        super().__init__()
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class EdgeServer:
    """The app on one port, down until ``start`` and down again after ``stop``."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._stack: ExitStack | None = None

    def start(self) -> None:
        config = uvicorn.Config(
            create_app(self.services), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self._stack = ExitStack()
        self._stack.enter_context(running(uvicorn.Server(config)))

    def stop(self) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = None

    def reads(self) -> list[tuple[str, str | None]]:
        """Each stored read's plate and the SHA-256 of its full image."""
        found = self.services.store.reads.find(ReadQuery(limit=10_000))
        return [
            (read.plate_text, None if read.image_ref is None else _digest(read.image_ref, self))
            for read in found
        ]


def _digest(ref: str, server: EdgeServer) -> str:
    return hashlib.sha256(server.services.images.get(ref)).hexdigest()


@pytest.fixture(scope="session")
def pipeline() -> PlatePipeline:
    return build_pipeline(EngineConfig(region="us", threads=1))


@pytest.fixture
def wall_clock() -> WallClock:
    return WallClock()


@pytest.fixture
def edge_services(backend_settings: Settings, wall_clock: WallClock) -> Iterator[Services]:
    services = build_test_services(backend_settings, wall_clock)
    services.store.agencies.add(make_agency())
    yield services
    services.close()


@pytest.fixture
def server(edge_services: Services) -> Iterator[EdgeServer]:
    edge = EdgeServer(edge_services)
    yield edge
    edge.stop()


@pytest.fixture
def camera_key(edge_services: Services) -> str:
    """The key of a patrol car's camera, ``patrol-7``: fixed here, so reads need no position."""
    camera, key = make_camera("patrol-7", kind=CameraKind.FIXED)
    edge_services.store.cameras.add(camera)
    return key


def photo(folder: Path, plate: str, seed: int) -> Path:
    """A photo of ``plate`` written whole under its final name (as a camera's upload does)."""
    pixels, _ = compose([plate], seed=seed)
    target = folder / f"{plate}.jpg"
    partial = folder / f".{plate}.part"
    Image.fromarray(pixels).save(partial, format="JPEG", quality=92)
    os.replace(partial, target)
    return target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def agent_command(
    server: EdgeServer, key_file: Path, source: Path, data: Path, *extra: str
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "platekeeper",
        "edge",
        "run",
        "--server",
        server.url,
        "--camera-key-file",
        str(key_file),
        "--source",
        str(source),
        "--data",
        str(data),
        "--page-port",
        "0",
        "--max-backoff-s",
        "0.5",
        "--status-interval-s",
        "0.5",
        *extra,
    ]


def start_agent(command: list[str], home: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATEKEEPER_")}
    env["PLATEKEEPER_DATA_DIR"] = str(home)
    with (home / "agent.log").open("ab") as log:  # the child keeps its own descriptor
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def listed(
    services: Services,
    plate: str,
    *,
    list_id: str = "stolen",
    covert: bool = False,
    one_off: OneOffPolicy = OneOffPolicy.AUTO,
) -> None:
    """``plate`` on an active list of the agency, its one-off matches alerting by ``one_off``."""
    now = datetime.now(UTC)
    services.store.hotlists.add(
        Hotlist(
            id=list_id,
            agency_id="demo-pd",
            name=f"List {list_id}",
            source=ListSource.MANUAL,
            priority=1,
            alert_level=AlertLevel.CRITICAL,
            covert=covert,
            created_at=now - timedelta(days=3),
            one_off=one_off,
        )
    )
    services.store.hotlist_entries.add(
        [
            HotlistEntry(
                id=f"{list_id}-{plate}",
                list_id=list_id,
                plate_text=plate,
                state="us-ca",
                reason="stolen vehicle",
                entered_by="sam",
                entered_at=now - timedelta(days=1),
                expires_at=None,
            )
        ]
    )


@pytest.fixture
def make_agent(
    server: EdgeServer, camera_key: str, pipeline: PlatePipeline, tmp_path: Path
) -> Iterator[Callable[..., Agent]]:
    """An agent in process, on the test's server, watching ``tmp_path/incoming``."""
    made: list[Agent] = []

    def make(**options: object) -> Agent:
        (tmp_path / "incoming").mkdir(exist_ok=True)
        chosen: dict[str, object] = {
            "server_url": server.url,
            "camera_key": camera_key,
            "source": str(tmp_path / "incoming"),
            "data_dir": tmp_path / "queue",
            **options,
        }
        agent = Agent(EdgeOptions(**chosen), pipeline)  # type: ignore[arg-type]
        made.append(agent)
        return agent

    yield make
    for agent in made:
        agent.close()
