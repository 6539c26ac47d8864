"""The public transparency page, its JSON feed, and the usage and privacy policy: no login.

Civil Code 1798.90.51(b)(1) asks for the policy to be public; the page and feed publish what the
system did in the last 30 days in aggregates only (docs/transparency.md). Counting costs scans,
so one gathering serves every visitor for ``transparency.cache_s`` seconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from platekeeper.domain.hit_labels import code_label
from platekeeper.errors import NotFound
from platekeeper.http.auth import public
from platekeeper.http.deps import ServicesDep
from platekeeper.reports.policy_document import PublishedPolicy, publish_policy
from platekeeper.reports.publisher import LISTED, published_list
from platekeeper.reports.transparency import TransparencyReport, feed, gather_transparency
from platekeeper.services import Services
from platekeeper.store.protocols import TransparencySnapshot
from platekeeper.web.rendering import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Publication:
    report: TransparencyReport
    policy: PublishedPolicy | None
    made_at_monotonic: float
    past: tuple[TransparencySnapshot, ...] = ()
    """The reports published on the schedule (R37), newest first."""


def publication(services: Services) -> Publication:
    """The policy document (its version recorded) and the transparency report, made now."""
    now = services.clock.now()
    try:
        published: PublishedPolicy | None = publish_policy(services.settings, services.store, now)
    except NotFound:
        published = None
    report = gather_transparency(
        services.store,
        now,
        min_count=services.settings.transparency.min_count,
        effective=None if published is None else published.effective,
        version=None if published is None else published.document.version,
    )
    past = tuple(services.store.transparency_snapshots.list(limit=LISTED))
    return Publication(report, published, time.monotonic(), past)


def recent_publication(request: Request, services: Services) -> Publication:
    cached: Publication | None = getattr(request.app.state, "transparency", None)
    max_age_s = services.settings.transparency.cache_s
    if cached is None or time.monotonic() - cached.made_at_monotonic >= max_age_s:
        cached = publication(services)
        request.app.state.transparency = cached
    return cached


def _cache_headers(services: Services) -> dict[str, str]:
    return {"Cache-Control": f"public, max-age={services.settings.transparency.cache_s}"}


@router.get("/transparency", response_class=HTMLResponse, dependencies=public())
def transparency_page(request: Request, services: ServicesDep) -> HTMLResponse:
    made = recent_publication(request, services)
    return render(
        request,
        "transparency.html",
        # The hits' statuses and outcomes in words, as every page shows them.
        {"report": made.report, "past": made.past, "in_words": code_label},
        headers=_cache_headers(services),
    )


@router.get("/transparency.json", dependencies=public())
def transparency_feed(request: Request, services: ServicesDep) -> JSONResponse:
    made = recent_publication(request, services)
    document = {**feed(made.report), "published_reports": published_list(made.past)}
    return JSONResponse(document, headers=_cache_headers(services))


@router.get("/transparency/reports/{number}.json", dependencies=public())
def published_report(number: int, services: ServicesDep) -> Response:
    """A report as it was published on the schedule: its stored feed, unchanged."""
    snapshot = services.store.transparency_snapshots.get(number)
    if snapshot is None:
        raise NotFound(
            f"no transparency report number {number} was published",
            hint="The list of published reports is in /transparency.json (published_reports).",
        )
    return Response(snapshot.report, media_type="application/json")


@router.get("/policy", response_class=HTMLResponse, dependencies=public())
def policy_document(request: Request, services: ServicesDep) -> HTMLResponse:
    made = recent_publication(request, services)
    if made.policy is None:
        raise NotFound(
            "no usage and privacy policy has been published yet",
            hint="The custodian writes one with 'platekeeper policy init'.",
        )
    return HTMLResponse(made.policy.html, headers=_cache_headers(services))
