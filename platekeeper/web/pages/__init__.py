"""The pages of signed-in people, one module per area of work.

Each page declares its permission with ``requires(...)`` as every API route does, and reaches
plate data only through the same audited services (``read_access``, ``hit_desk``...), so a look-up
from a page is checked and logged exactly as one through the API.
"""

from fastapi import APIRouter

from platekeeper.web.pages import (
    alerts,
    audit,
    cameras,
    dashboard,
    holds,
    hotlists,
    people,
    reads,
    reports,
    retention,
    search,
    security,
    sharing,
)

ROUTERS: tuple[APIRouter, ...] = (
    dashboard.router,
    alerts.router,
    search.router,
    reads.router,
    hotlists.router,
    cameras.router,
    people.router,
    security.router,
    audit.router,
    sharing.router,
    holds.router,
    retention.router,
    reports.router,
)
