"""What the app serves besides ingest: health, OpenAPI, the landing page, errors for strays."""

from __future__ import annotations

import re

from platekeeper.store.migrations import load_migrations
from tests.api.conftest import LiveApp
from tests.api.test_ingest import assert_problem, read_json


def test_health_reports_the_schema(live_app: LiveApp) -> None:
    with live_app.client() as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": "0.1.0",
        "schema_version": len(load_migrations("platekeeper.store.sqlite.migrations")),
        "store": live_app.services.settings.store.type,
    }


def test_openapi_documents_both_body_types_and_the_key(live_app: LiveApp) -> None:
    with live_app.client() as client:
        document = client.get("/openapi.json").json()
    batch = document["paths"]["/api/v1/reads/batch"]["post"]
    content = batch["requestBody"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/ReadBatchCreate"}
    assert "multipart/form-data" in content
    assert {"ReadCreate", "ReadBatchCreate", "BatchReceipt"} <= set(
        document["components"]["schemas"]
    )
    schemes = document["components"]["securitySchemes"]
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    cookie = schemes["APIKeyCookie"]
    assert (cookie["type"], cookie["in"], cookie["name"]) == ("apiKey", "cookie", "pk_session")


def test_the_api_page_loads_nothing_from_outside(live_app: LiveApp) -> None:
    with live_app.client() as client:
        page = client.get("/docs")
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources
        assert all(source.startswith("/") for source in sources), sources
        for source in sources:
            assert client.get(source).status_code == 200, source
        assert client.get("/redoc").status_code == 404


def test_unknown_paths_and_methods_are_problem_details(live_app: LiveApp) -> None:
    with live_app.client() as client:
        assert_problem(client.get("/api/v1/nothing"), 404, "not_found")
        assert_problem(client.delete("/api/v1/reads"), 405, "method_not_allowed")


def test_the_landing_page_counts_reads_without_showing_plates(live_app: LiveApp) -> None:
    with live_app.client(live_app.camera_key) as client:
        client.post("/api/v1/reads", json=read_json(0, plate_text="7XSS 001"))
        page = client.get("/")
    assert page.status_code == 200
    assert "Demo City Police Department" in page.text
    assert "2 active of 2" in page.text
    assert "<dt>Reads stored</dt><dd>1</dd>" in page.text
    assert "7XSS" not in page.text
