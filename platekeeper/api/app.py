"""The application factory: everything the app uses is passed in; nothing is built at import."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic.json_schema import models_json_schema

from platekeeper import __version__
from platekeeper.api.auth import document_permissions, public, refuse_undeclared_routes
from platekeeper.api.problems import install_problem_handlers
from platekeeper.api.routes import (
    accounts,
    alerts,
    approvals,
    audit,
    hits,
    hotlists,
    lookups,
    policy,
    reads,
    reports,
    retention,
    session,
    sharing,
    system,
)
from platekeeper.api.schemas import ReadBatchCreate, ReadCreate
from platekeeper.services import Services
from platekeeper.web import STATIC_DIR, signin, transparency
from platekeeper.web import routes as web
from platekeeper.web.errors import PageErrors
from platekeeper.web.pages import ROUTERS as PAGE_ROUTERS
from platekeeper.web.security import install_security_headers

DESCRIPTION = """\
PlateKeeper receives licence plate reads from cameras and keeps them under the law's rules.

People sign in (`POST /api/v1/auth/login`, a session cookie plus an `X-CSRF-Token` header on
every request that changes something) or send an API token (`Authorization: Bearer pkt_...`).
Cameras authenticate with their ingest key (`Authorization: Bearer pkc_...`). Every operation
names the permission it needs (`x-permission`); look-ups of plate data also need an authorised
`purpose` and a `case_number`, and every access, allowed or refused, is written to the access
log.

Posting a read is idempotent on the camera's `client_read_id` with its `captured_at`: a retry
returns the stored read's id and status `duplicate`, never a second read; the same pair with
other content is a `409 conflict`. Every error is an RFC 9457 problem detail
(`application/problem+json`) with a stable `code`.
"""


def create_app(services: Services) -> FastAPI:
    app = FastAPI(
        title="PlateKeeper",
        version=__version__,
        description=DESCRIPTION,
        license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"},
        # FastAPI's own pages load their scripts from a CDN; agency networks often have no way
        # out, so /docs is served from the package instead (see _serve_docs).
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    install_problem_handlers(app, PageErrors())
    install_security_headers(app, services.settings.web.map_tile_url)
    app.state.routers = [
        reads.router,
        lookups.router,
        alerts.router,
        approvals.router,
        hotlists.router,
        hits.router,
        accounts.router,
        audit.router,
        sharing.router,
        policy.router,
        session.router,
        system.router,
        retention.router,
        reports.router,
        web.router,
        signin.router,
        transparency.router,
        *PAGE_ROUTERS,
    ]
    for router in app.state.routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _serve_docs(app)
    _complete_openapi(app)
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


def _complete_openapi(app: FastAPI) -> None:
    """Add what FastAPI cannot see: the ingest bodies, which routes parse themselves, and each
    operation's permission."""
    generate = app.openapi

    def openapi() -> dict[str, object]:
        if app.openapi_schema is None:
            document = generate()
            _, definitions = models_json_schema(
                [(ReadCreate, "validation"), (ReadBatchCreate, "validation")],
                ref_template="#/components/schemas/{model}",
            )
            components = document.setdefault("components", {}).setdefault("schemas", {})
            components.update(definitions.get("$defs", {}))
            document_permissions(app, document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
