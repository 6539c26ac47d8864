"""The application factory: everything the app uses is passed in; nothing is built at import."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic.json_schema import models_json_schema

from platekeeper import __version__
from platekeeper.api.problems import install_problem_handlers
from platekeeper.api.routes import reads, system
from platekeeper.api.schemas import ReadBatchCreate, ReadCreate
from platekeeper.services import Services
from platekeeper.web import STATIC_DIR
from platekeeper.web import routes as web

DESCRIPTION = """\
PlateKeeper receives licence plate reads from cameras and keeps them under the law's rules.

Cameras authenticate with their ingest key (`Authorization: Bearer <key>`). Posting a read is
idempotent on the camera's `client_read_id` with its `captured_at`: a retry returns the stored
read's id and status `duplicate`, never a second read; the same pair with other content is a
`409 conflict`. Every error is an RFC 9457 problem detail
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
    install_problem_handlers(app)
    app.include_router(reads.router)
    app.include_router(system.router)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _serve_docs(app)
    _publish_body_schemas(app)
    return app


def _serve_docs(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="PlateKeeper API",
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/swagger-ui/favicon-32x32.png",
        )


def _publish_body_schemas(app: FastAPI) -> None:
    """Add the ingest bodies, which routes parse themselves, to the OpenAPI components."""
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
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
