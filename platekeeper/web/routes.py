"""The landing page: what this instance is and how much it holds, without any plate data."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from platekeeper.domain import CameraStatus
from platekeeper.http.auth import public
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services
from platekeeper.web import STATIC_DIR
from platekeeper.web.rendering import render

router = APIRouter(include_in_schema=False)
# Anyone may load the page, and counting every read costs a scan: count at most this often.
OVERVIEW_MAX_AGE_S = 30.0


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


def recent_overview(request: Request, services: Services) -> Overview:
    cached: Overview | None = getattr(request.app.state, "overview", None)
    if cached is None or time.monotonic() - cached.counted_at_monotonic > OVERVIEW_MAX_AGE_S:
        cached = overview(services)
        request.app.state.overview = cached
    return cached


@router.get("/", response_class=HTMLResponse, dependencies=public())
def home(request: Request, services: ServicesDep) -> HTMLResponse:
    summary = recent_overview(request, services)
    return render(request, "index.html", {"overview": summary})


@router.get("/favicon.ico", dependencies=public())
def favicon() -> FileResponse:
    # Pages name the SVG; browsers, feed readers and bookmarks still ask for this one by name.
    return FileResponse(
        STATIC_DIR / "app" / "favicon.ico",
        media_type="image/vnd.microsoft.icon",
        headers={"Cache-Control": "public, max-age=86400"},
    )
