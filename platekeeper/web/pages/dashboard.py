"""The dashboard every signed-in person lands on: how the system is doing, in counts only.

Reads per minute, the cameras and when each was last heard from, the open alerts and the stale
hot lists, all of the person's agency. No plate is shown, so no purpose is asked and nothing is
written to the access log; the counts come from store aggregates, never from loading reads.
The figures reload themselves every 30 seconds (``GET /dashboard/figures``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from platekeeper.domain import Camera, CameraStatus
from platekeeper.domain.hotlists import Hotlist
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.ingest.cameras import silent
from platekeeper.services import Services
from platekeeper.store.protocols import MinuteCount
from platekeeper.web.pages.caller import person
from platekeeper.web.rendering import render

router = APIRouter(include_in_schema=False)

CHART_MINUTES = 60
RECENT_MINUTES = 15
CHART_WIDTH = 600
CHART_HEIGHT = 120
"""The bar chart's drawing area in SVG units; the page scales it to its width."""


@dataclass(frozen=True, slots=True)
class Action:
    """Something a person with ``permission`` is likely to do next."""

    permission: Permission
    label: str
    href: str


ACTIONS = (
    Action(Permission.ALERTS_VERIFY, "Verify the open alerts", "/alerts"),
    Action(Permission.READS_SEARCH, "Search reads for a case", "/search"),
    Action(Permission.HOTLISTS_MANAGE, "Keep the hot lists current", "/hotlists"),
    Action(Permission.POLICY_MANAGE, "Look after the cameras", "/cameras"),
    Action(Permission.ACCOUNTS_MANAGE, "Manage people, roles and training", "/people"),
    Action(Permission.SHARING_MANAGE, "Answer sharing requests", "/sharing"),
    Action(Permission.HOLDS_APPROVE, "Decide on legal holds", "/holds"),
    Action(Permission.AUDIT_READ, "Review the access log", "/audit"),
    Action(Permission.REPORTS_READ, "Read the compliance reports", "/reports"),
)


@dataclass(frozen=True, slots=True)
class Bar:
    """One minute of the chart, placed in the drawing area."""

    minute: datetime
    reads: int
    x: int
    y: float
    height: float


@dataclass(frozen=True, slots=True)
class CameraState:
    camera: Camera
    silent: bool
    """Active, and heard from not at all or not within ``ingest.cameras.SILENT_AFTER``."""
    ago: str
    """How long ago it was last heard from, in words."""


@dataclass(frozen=True, slots=True)
class Figures:
    now: datetime
    bars: list[Bar]
    busiest_minute: int
    reads_last_hour: int
    reads_recent: int
    cameras: list[CameraState]
    open_alerts: int
    stale_lists: list[Hotlist]

    @property
    def per_minute_hour(self) -> float:
        return self.reads_last_hour / CHART_MINUTES

    @property
    def per_minute_recent(self) -> float:
        return self.reads_recent / RECENT_MINUTES

    @property
    def silent_cameras(self) -> int:
        return sum(state.silent for state in self.cameras)


@router.get("/dashboard", dependencies=requires(Permission.ACCOUNTS_SELF))
def dashboard(request: Request, caller: CallerDep, services: ServicesDep) -> HTMLResponse:
    figures = figures_for(services, caller)
    granted = permissions_of(caller.roles)
    actions = [action for action in ACTIONS if action.permission in granted]
    agency = services.store.agencies.get(person(caller).account.agency_id)
    context = {
        "figures": figures,
        "actions": actions,
        "agency_name": agency.name if agency is not None else person(caller).account.agency_id,
        **_chart_context(granted),
    }
    return render(request, "pages/dashboard/index.html", context, caller=caller)


@router.get("/dashboard/figures", dependencies=requires(Permission.ACCOUNTS_SELF))
def dashboard_figures(request: Request, caller: CallerDep, services: ServicesDep) -> HTMLResponse:
    figures = figures_for(services, caller)
    context = {"figures": figures, **_chart_context(permissions_of(caller.roles))}
    return render(request, "pages/dashboard/_figures.html", context, caller=caller)


def _chart_context(granted: frozenset[Permission]) -> dict[str, object]:
    return {
        "chart": {
            "width": CHART_WIDTH,
            "height": CHART_HEIGHT,
            "minutes": CHART_MINUTES,
            "recent": RECENT_MINUTES,
        },
        "sees_alerts": Permission.ALERTS_VIEW in granted,
        "sees_lists": Permission.HOTLISTS_VIEW in granted,
    }


def figures_for(services: Services, caller: Caller) -> Figures:
    """The dashboard's counts for the caller's agency, at the services' clock."""
    who = person(caller)
    agency_id = who.account.agency_id
    now = services.clock.now()
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    start = end - timedelta(minutes=CHART_MINUTES)
    counted = services.store.reads.per_minute(agency_id, start, end)
    bars = chart_bars(counted, start)
    cameras = [
        CameraState(camera, silent(camera, now), ago(camera.last_contact_at, now))
        for camera in services.store.cameras.list(agency_id)
        if camera.status is not CameraStatus.RETIRED
    ]
    return Figures(
        now=now,
        bars=bars,
        busiest_minute=max((bar.reads for bar in bars), default=0),
        reads_last_hour=sum(bar.reads for bar in bars),
        reads_recent=sum(bar.reads for bar in bars[-RECENT_MINUTES:]),
        cameras=cameras,
        open_alerts=services.hit_desk.count_pending(caller.requester),
        stale_lists=[h for h in services.store.hotlists.list(agency_id) if h.stale_at(now)],
    )


def chart_bars(counted: list[MinuteCount], start: datetime) -> list[Bar]:
    """One bar per minute from ``start``, minutes without reads included, scaled so that the
    busiest minute fills the height."""
    reads = {count.minute: count.reads for count in counted}
    minutes = [start + timedelta(minutes=offset) for offset in range(CHART_MINUTES)]
    busiest = max(reads.values(), default=0)
    width = CHART_WIDTH // CHART_MINUTES
    bars = []
    for offset, minute in enumerate(minutes):
        value = reads.get(minute, 0)
        height = 0.0 if busiest == 0 else round(CHART_HEIGHT * value / busiest, 1)
        bars.append(Bar(minute, value, offset * width, round(CHART_HEIGHT - height, 1), height))
    return bars


def ago(then: datetime | None, now: datetime) -> str:
    """``then`` from ``now`` in words: "never", "just now", "5 minutes ago", "3 hours ago"..."""
    if then is None:
        return "never"
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    for size, unit in ((60 * 24, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size:
            count = minutes // size
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"
