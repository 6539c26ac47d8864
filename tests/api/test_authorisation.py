"""Every route against every role: built from the app's own route table, so a new route that
declares no permission, or the wrong one, fails here."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from platekeeper.app import create_app
from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.http.auth import PUBLIC, api_routes, declared_permission, refuse_undeclared_routes
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp
from tests.api.people import staff
from tests.api.scim import directory_token

ANONYMOUS = "anonymous"
_PATH_PARAM = re.compile(r"\{[^}]+\}")
_BODY_METHODS = {"POST", "PUT", "PATCH"}


def operations(app: FastAPI) -> list[tuple[str, str, Permission | str]]:
    found = []
    for route in api_routes(app):
        declared = declared_permission(route)
        assert declared is not None, f"{route.path} declares no permission"
        path = _PATH_PARAM.sub("x", route.path_format)
        found += [(method, path, declared) for method in sorted(route.methods or ())]
    return found


def expected(declared: Permission | str, role: Role | str) -> str:
    if declared == PUBLIC:
        return "open"
    if role == ANONYMOUS:
        return "unauthenticated"
    assert isinstance(declared, Permission)
    assert isinstance(role, Role)
    return "allowed" if declared in permissions_of({role}) else "forbidden"


def outcome(status: int) -> str:
    return {401: "unauthenticated", 403: "forbidden"}.get(status, "allowed")


def test_every_route_answers_every_role_as_its_permission_says(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    headers: dict[Role | str, dict[str, str]] = {ANONYMOUS: {}}
    headers[Role.CAMERA] = {"Authorization": f"Bearer {live_app.camera_key}"}
    headers[Role.DIRECTORY] = {"Authorization": f"Bearer {directory_token(live_app)}"}
    headers.update({role: person.headers for role, person in people.items()})
    table = operations(create_app(live_app.services))
    assert len(table) > 25
    mismatches = []
    with live_app.client() as client:
        for method, path, declared in table:
            for role, role_headers in headers.items():
                body: dict[str, object] | None = {} if method in _BODY_METHODS else None
                response = client.request(method, path, headers=role_headers, json=body)
                want = expected(declared, role)
                if want not in ("open", outcome(response.status_code)):
                    mismatches.append(
                        f"{method} {path} as {role}: {want}, got {response.status_code}"
                    )
    assert mismatches == []


def test_a_refusal_is_written_to_the_access_log(live_app: LiveApp) -> None:
    auditor = staff(live_app.services)[Role.AUDITOR]
    with live_app.client() as client:
        response = client.get(
            "/api/v1/reads",
            params={"plate": "7ABC123", "purpose": "stolen-vehicle", "case_number": "2026-000123"},
            headers=auditor.headers,
        )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    [entry] = live_app.services.store.access_log.find(
        AccessFilter(username="aude", action="reads:search")
    )
    assert entry.event.outcome is AccessOutcome.DENIED
    assert "reads:search" in entry.event.reason


def test_an_app_with_an_undeclared_route_refuses_to_start() -> None:
    app = FastAPI()

    @app.get("/api/v1/forgotten")
    async def forgotten() -> None: ...

    with pytest.raises(RuntimeError, match="/api/v1/forgotten"):
        refuse_undeclared_routes(app)


def test_the_openapi_document_names_each_operations_permission(live_app: LiveApp) -> None:
    with live_app.client() as client:
        document = client.get("/openapi.json").json()
    permissions = {
        (method, path): operation.get("x-permission")
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert permissions[("get", "/api/v1/reads")] == "reads:search"
    assert permissions[("post", "/api/v1/reads")] == "reads:ingest"
    assert permissions[("get", "/api/v1/health")] == "public"
    assert None not in permissions.values()
