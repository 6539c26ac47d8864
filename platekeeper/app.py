"""The app: the API and the pages, composed on the HTTP floor they share.

This is the one module that imports both front ends; they never import each other, and the
floor below them (``platekeeper.http``) imports neither.
"""

from __future__ import annotations

from fastapi import FastAPI

from platekeeper import web
from platekeeper.api import routers as api_routers
from platekeeper.http.app import build_app
from platekeeper.services import Services
from platekeeper.web import routers as web_routers
from platekeeper.web.errors import PageErrors


def create_app(services: Services) -> FastAPI:
    return build_app(
        services,
        description=api_routers.DESCRIPTION,
        routers=[*api_routers.ROUTERS, *web_routers.ROUTERS],
        static_dir=web.STATIC_DIR,
        error_pages=PageErrors(),
        parsed_bodies=api_routers.PARSED_BODIES,
    )
