"""Sharing over HTTP on the live app: recipients, a refused and an approved request, the bundle,
and the public list."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest

from platekeeper.domain.people import Role
from platekeeper.services import Services
from platekeeper.sharing.bundle import verify_bundle
from platekeeper.sharing.service import SharingService
from tests.api.conftest import LiveApp
from tests.api.people import Person, add_person, staff
from tests.conftest import make_read
from tests.policy.samples import california_sharing
from tests.sharing.samples import demo_purposes

SHERIFF = {
    "legal_name": "Sacramento County Sheriff's Office",
    "entity_type": "public-agency",
    "state": "CA",
    "contact": "records@sheriff.example.org",
    "approving_official": "Captain R. Reyes",
    "purpose_and_need": "Vehicle theft investigations crossing into the county.",
    "next_review_on": "2027-05-31",
    "agreement_signed_on": "2026-01-01",
    "agreement_expires_on": "2027-12-31",
}
FBI = {**SHERIFF, "legal_name": "Federal Bureau of Investigation", "entity_type": "federal"}


@pytest.fixture
def services(services: Services) -> Services:
    """The app's services with California's sharing rules, as the policy will give them."""
    sharing = SharingService(
        services.store,
        services.images,
        services.access_log,
        services.clock,
        rules=california_sharing(),
        purposes=demo_purposes(),
        settings=services.settings.sharing,
    )
    return replace(services, sharing=sharing)


@pytest.fixture
def people(live_app: LiveApp) -> dict[Role, Person]:
    live_app.services.store.reads.add([make_read(0), make_read(1)])
    return staff(live_app.services)


def _recipient(app: LiveApp, custodian: Person, body: dict[str, str]) -> str:
    with app.client() as client:
        response = client.post("/api/v1/sharing/recipients", json=body, headers=custodian.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _request(app: LiveApp, custodian: Person, recipient_id: str) -> dict[str, object]:
    body = {
        "recipient_id": recipient_id,
        "purpose": "stolen-vehicle",
        "case_number": "2026-0042",
        "plate": "7ABC123",
    }
    with app.client() as client:
        response = client.post("/api/v1/sharing/requests", json=body, headers=custodian.headers)
    assert response.status_code == 201, response.text
    result: dict[str, object] = response.json()
    return result


def test_a_federal_recipient_is_refused_with_the_rule_cited(
    live_app: LiveApp, people: dict[Role, Person]
) -> None:
    # Refused at registration now, never registered to have its requests refused later.
    casey = people[Role.CUSTODIAN]
    with live_app.client() as client:
        response = client.post("/api/v1/sharing/recipients", json=FBI, headers=casey.headers)
    assert response.status_code == 403
    assert "entity-type" in response.text
    assert "1798.90.55(b)" in response.text
    assert live_app.services.store.recipients.list() == []


def test_an_approved_request_downloads_as_a_verified_bundle(
    live_app: LiveApp, people: dict[Role, Person]
) -> None:
    casey = people[Role.CUSTODIAN]
    cora = add_person(live_app.services, "cora", Role.CUSTODIAN)
    pending = _request(live_app, casey, _recipient(live_app, casey, SHERIFF))
    assert pending["status"] == "pending"
    base = f"/api/v1/sharing/requests/{pending['id']}"
    with live_app.client() as client:
        own = client.post(f"{base}/approve", headers=casey.headers)
        assert own.status_code == 403
        assert client.post(f"{base}/approve", headers=cora.headers).status_code == 200
        exported = client.post(f"{base}/export", headers=cora.headers)
        ledger = client.get("/api/v1/sharing/ledger", headers=casey.headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"] == "application/zip"
    assert verify_bundle(exported.content) == []
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(exported.content)).namelist()
    (entry,) = ledger.json()["entries"]
    assert entry["bundle_sha256"] == exported.headers["x-bundle-sha256"]
    assert entry["read_count"] == 2
    assert "7ABC123" not in ledger.text


def test_only_custodians_reach_the_registry(live_app: LiveApp, people: dict[Role, Person]) -> None:
    with live_app.client() as client:
        for role in (Role.ANALYST, Role.SUPERVISOR, Role.AUDITOR):
            response = client.get("/api/v1/sharing/recipients", headers=people[role].headers)
            assert response.status_code == 403, role


def test_the_public_list_needs_no_sign_in_and_shows_no_contacts(
    live_app: LiveApp, people: dict[Role, Person]
) -> None:
    _recipient(live_app, people[Role.CUSTODIAN], SHERIFF)
    with live_app.client() as client:
        response = client.get("/api/v1/public/recipients")
    assert response.status_code == 200
    assert response.json() == {
        "recipients": [
            {
                "legal_name": SHERIFF["legal_name"],
                "entity_type": "public-agency",
                "state": "CA",
                "next_review_on": "2027-05-31",
            }
        ]
    }


def test_the_openapi_documents_sharing(live_app: LiveApp) -> None:
    with live_app.client() as client:
        document = client.get("/openapi.json").json()
    export = document["paths"]["/api/v1/sharing/requests/{request_id}/export"]["post"]
    assert export["x-permission"] == "sharing:manage"
    assert "application/zip" in export["responses"]["200"]["content"]
    assert document["paths"]["/api/v1/public/recipients"]["get"]["x-permission"] == "public"
