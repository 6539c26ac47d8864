"""The application factory of the HTTP floor: everything the app uses is passed in, the front
ends' routers included, so that this floor knows neither the API nor the pages; nothing is built
at import. ``platekeeper.app.create_app`` hands it the two front ends."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from platekeeper import __version__
from platekeeper.http.auth import document_permissions, public, refuse_undeclared_routes
from platekeeper.http.problems import ErrorPages, install_problem_handlers
from platekeeper.http.proxy import ForwardedByTrustedProxies
from platekeeper.http.security import install_security_headers
from platekeeper.services import Services


def build_app(
    services: Services,
    *,
    description: str,
    routers: Sequence[APIRouter],
    static_dir: Path,
    error_pages: ErrorPages | None = None,
    parsed_bodies: Sequence[type[BaseModel]] = (),
) -> FastAPI:
    """The app serving ``routers`` and the files of ``static_dir`` (under ``/static``, where
    ``/docs`` finds Swagger UI in ``swagger-ui/``). ``parsed_bodies`` are request bodies that
    routes parse themselves, which FastAPI therefore cannot list in the OpenAPI document."""
    app = FastAPI(
        title="PlateKeeper",
        version=__version__,
        description=description,
        license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"},
        # FastAPI's own pages load their scripts from a CDN; agency networks often have no way
        # out, so /docs is served from the package instead (see _serve_docs).
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    install_problem_handlers(app, error_pages)
    server = services.settings.server
    install_security_headers(app, services.settings.web.map_tile_url, server.hsts_max_age_s)
    # Added last, so it runs first: every other part sees the client and scheme it decides.
    app.add_middleware(ForwardedByTrustedProxies, proxies=server.behind_proxy)
    app.state.routers = list(routers)
    for router in app.state.routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=static_dir), name="static")
    _serve_docs(app)
    _complete_openapi(app, parsed_bodies)
    refuse_undeclared_routes(app)
    return app


def _serve_docs(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False, dependencies=public())
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="PlateKeeper API",
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/swagger-ui/favicon-32x32.png",
        )


def _complete_openapi(app: FastAPI, parsed_bodies: Sequence[type[BaseModel]]) -> None:
    """Add what FastAPI cannot see: the bodies which routes parse themselves, and each
    operation's permission."""
    generate = app.openapi

    def openapi() -> dict[str, object]:
        if app.openapi_schema is None:
            document = generate()
            _, definitions = models_json_schema(
                [(model, "validation") for model in parsed_bodies],
                ref_template="#/components/schemas/{model}",
            )
            components = document.setdefault("components", {}).setdefault("schemas", {})
            components.update(definitions.get("$defs", {}))
            document_permissions(app, document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
