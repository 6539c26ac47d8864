"""One engine per test session: the models load once, as in a real process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from platekeeper.config import Settings
from platekeeper.domain import Camera
from platekeeper.recognition import EngineConfig, PlatePipeline, build_pipeline
from platekeeper.services import Services, build_services
from tests.conftest import FixedClock, make_agency, make_camera
from tests.policy.samples import write_complete_policy
from tests.recognition.render import compose


@pytest.fixture(scope="session")
def pipeline() -> PlatePipeline:
    # One thread: the suite runs beside other work; speed is measured in benchmarks/.
    return build_pipeline(EngineConfig(region="us", threads=1))


@pytest.fixture
def ingest_services(settings: Settings, clock: FixedClock) -> Iterator[tuple[Services, Camera]]:
    """Services on a fresh SQLite store holding one active fixed camera."""
    write_complete_policy(settings.data_dir)  # ingest stores nothing without one
    services = build_services(settings, clock=clock)
    services.store.upgrade()
    camera, _ = make_camera()
    services.store.agencies.add(make_agency())
    services.store.cameras.add(camera)
    try:
        yield services, camera
    finally:
        services.close()


def write_video(path: Path, frames: list[np.ndarray], fps: int) -> None:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height = frames[0].shape[1], frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = 4_000_000
        for pixels in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        container.mux(stream.encode(None))


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two cars, one after the other, with empty road between them: 2 s at 5 frames a second."""
    empty, _ = compose(["X"], size=(640, 360), seed=11)
    empty = empty.copy()
    empty[:] = 90
    first = [compose(["KXR4821"], size=(640, 360), seed=20 + i)[0] for i in range(3)]
    second = [compose(["5TRW903"], size=(640, 360), seed=30 + i)[0] for i in range(3)]
    path = tmp_path_factory.mktemp("video") / "clip.mp4"
    write_video(path, [*first, empty, empty, empty, *second], fps=5)
    return path
