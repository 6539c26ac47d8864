"""The landing page: what this instance is and how much it holds, without any plate data."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from platekeeper import __version__
from platekeeper.api.auth import public
from platekeeper.api.deps import ServicesDep
from platekeeper.domain import CameraStatus
from platekeeper.services import Services

router = APIRouter(include_in_schema=False)
# Anyone may load the page, and counting every read costs a scan: count at most this often.
OVERVIEW_MAX_AGE_S = 30.0


@functools.cache
def templates() -> Jinja2Templates:
    return Jinja2Templates(directory=Path(__file__).parent / "templates")


@dataclass(frozen=True, slots=True)
class Overview:
    agency_names: list[str]
    cameras_active: int
    cameras_total: int
    read_count: int
    newest_captured_at: datetime | None
    counted_at_monotonic: float


def overview(services: Services) -> Overview:
    cameras = services.store.cameras.list()
    stats = services.store.reads.stats()
    return Overview(
        agency_names=[agency.name for agency in services.store.agencies.list()],
        cameras_active=sum(camera.status is CameraStatus.ACTIVE for camera in cameras),
        cameras_total=len(cameras),
        read_count=stats.read_count,
        newest_captured_at=stats.newest_captured_at,
        counted_at_monotonic=time.monotonic(),
    )


async def recent_overview(request: Request, services: Services) -> Overview:
    cached: Overview | None = getattr(request.app.state, "overview", None)
    if cached is None or time.monotonic() - cached.counted_at_monotonic > OVERVIEW_MAX_AGE_S:
        cached = await run_in_threadpool(overview, services)
        request.app.state.overview = cached
    return cached


@router.get("/", response_class=HTMLResponse, dependencies=public())
async def home(request: Request, services: ServicesDep) -> HTMLResponse:
    summary = await recent_overview(request, services)
    return templates().TemplateResponse(
        request, "index.html", {"overview": summary, "version": __version__}
    )
