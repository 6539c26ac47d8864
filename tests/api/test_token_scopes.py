"""API tokens over real HTTP on both backends: scopes, lifetimes, shown once.

The attacks: a service holding a search-only token of a supervisor who is also an auditor tries
to administer hot lists and read the access log; a person asks for scopes beyond their roles, or
keeps using a token after losing the role; a token from before scopes is replayed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import httpx

from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.credentials import ApiToken, hash_token, issue_api_token_secret, new_id
from platekeeper.domain.people import Account, Role
from platekeeper.domain.token_scopes import TokenScope, scopes_reaching
from platekeeper.services import Services
from platekeeper.store.protocols import AccessFilter
from tests.accounts.conftest import job_title_for
from tests.api.conftest import LiveApp
from tests.api.people import CONSOLE, PASSWORD, sign_in, staff
from tests.conftest import NOW
from tests.factors import Authenticators

MANUAL_LIST = {
    "id": "burglary-watch",
    "name": "Burglary watch",
    "source": "manual",
    "priority": 3,
    "alert_level": "warning",
}
SEARCH = {"plate": "7ABC123", "purpose": "stolen-vehicle", "case_number": "2026-000123"}


def _sergeant_auditor(services: Services) -> Account:
    """One person who may search, administer hot lists and read the access log."""
    roles = [Role.SUPERVISOR, Role.AUDITOR]
    sol = services.accounts.create(
        CONSOLE,
        username="sol",
        display_name="Sol Reyes",
        agency_id="demo-pd",
        job_title=job_title_for(services.accounts, roles, "Sergeant"),
        roles=roles,
        training_completed_on=date(2026, 6, 1),
        password=PASSWORD,
    )
    # A person's tokens work only while they hold a second factor: sol holds one, as everyone
    # does, so what refuses the tokens below is their scopes.
    Authenticators.of(services).enrol(sol)
    return sol


def _token(services: Services, account: Account, scopes: Iterable[TokenScope]) -> str:
    _, plaintext = services.accounts.issue_api_token(
        CONSOLE, "a service", 30, account_id=account.id, scopes=scopes
    )
    return plaintext


def _bearer(app: LiveApp, token: str) -> httpx.Client:
    client = app.client()
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_a_search_only_token_administers_no_hot_list_and_reads_no_audit_log(
    live_app: LiveApp,
) -> None:
    services = live_app.services
    sol = _sergeant_auditor(services)
    search_only = _token(services, sol, [TokenScope.SEARCH])
    everything = _token(services, sol, scopes_reaching(sol.roles))
    with _bearer(live_app, search_only) as client:
        assert client.get("/api/v1/reads", params=SEARCH).status_code == 200
        # Not even who it is: that is the profile scope's.
        assert client.get("/api/v1/auth/me").json()["code"] == "token_scope"
        for refused in (
            client.post("/api/v1/hotlists", json=MANUAL_LIST),
            client.get("/api/v1/hotlists"),
            client.get("/api/v1/audit/entries"),
            client.get("/api/v1/reads/export.csv", params=SEARCH),
        ):
            assert refused.status_code == 403, refused.text
            assert refused.json()["code"] == "token_scope"
            assert "outside the API token's scopes" in refused.json()["detail"]
    # Who am I, through a token: the permissions it carries, not all of the roles'.
    with _bearer(live_app, _token(services, sol, [TokenScope.PROFILE, TokenScope.AUDIT])) as client:
        me = client.get("/api/v1/auth/me").json()
    assert me["roles"] == ["auditor", "supervisor"]
    assert me["permissions"] == ["accounts:self", "audit:read", "reports:read"]
    # The same person with a token for all they may do: the refusals were the scope's alone.
    with _bearer(live_app, everything) as client:
        assert client.post("/api/v1/hotlists", json=MANUAL_LIST).status_code == 201
        assert client.get("/api/v1/audit/entries").status_code == 200
    refusals = services.store.access_log.find(
        AccessFilter(username="sol", outcome=AccessOutcome.DENIED)
    )
    reasons = {(record.event.action, record.event.reason) for record in refusals}
    outside = "permission {} is outside the API token's scopes"
    assert ("hotlists:manage", outside.format("hotlists:manage")) in reasons
    assert ("audit:read", outside.format("audit:read")) in reasons


def test_a_token_never_reaches_beyond_its_owners_roles(live_app: LiveApp) -> None:
    services = live_app.services
    people = staff(services)
    # An auditor cannot ask for hot-list administration: no role of theirs grants any of it.
    auditor, csrf = sign_in(live_app, "aude")
    with auditor:
        asked = auditor.post(
            "/api/v1/tokens",
            json={"name": "sneaky", "scopes": ["hotlists", "audit"]},
            headers={"X-CSRF-Token": csrf},
        )
    assert asked.status_code == 422, asked.text
    assert "hotlists grant nothing to aude's roles (auditor)" in asked.json()["detail"]
    # An officer's hot-list token reaches what an officer may do with lists: look, not change.
    officer = _token(services, people[Role.OFFICER].account, [TokenScope.HOTLISTS])
    with _bearer(live_app, officer) as client:
        assert client.get("/api/v1/hotlists").status_code == 200
        changed = client.post("/api/v1/hotlists", json=MANUAL_LIST)
        assert changed.status_code == 403
        assert changed.json()["code"] == "forbidden"
    # Roles taken away after issue: the token meets the roles of the day, not those it was
    # issued under.
    sam = people[Role.SUPERVISOR].account
    lists = _token(services, sam, [TokenScope.HOTLISTS])
    services.accounts.set_roles(CONSOLE, sam.id, [Role.OFFICER])
    with _bearer(live_app, lists) as client:
        assert client.post("/api/v1/hotlists", json=MANUAL_LIST).status_code == 403


def test_tokens_last_30_days_by_default_90_at_most_and_are_shown_once(live_app: LiveApp) -> None:
    staff(live_app.services)
    client, csrf = sign_in(live_app, "avery")
    headers = {"X-CSRF-Token": csrf}
    with client:
        issued = client.post(
            "/api/v1/tokens", json={"name": "case tool", "scopes": ["search"]}, headers=headers
        )
        assert issued.status_code == 201, issued.text
        body = issued.json()
        lifetime = date.fromisoformat(body["expires_at"][:10]) - date.fromisoformat(
            body["created_at"][:10]
        )
        assert lifetime == timedelta(days=30)
        assert body["scopes"] == ["search"]
        too_long = client.post(
            "/api/v1/tokens",
            json={"name": "forever", "scopes": ["search"], "days": 91},
            headers=headers,
        )
        assert too_long.status_code == 422
        assert "1 to 90 days" in too_long.json()["detail"]
        unscoped = client.post("/api/v1/tokens", json={"name": "all"}, headers=headers)
        assert unscoped.status_code == 422
        listed = client.get("/api/v1/tokens")
    assert listed.status_code == 200
    assert body["token"] not in listed.text
    [token] = [token for token in listed.json()["tokens"] if token["name"] == "case tool"]
    assert "token" not in token
    assert token["scopes"] == ["search"]


def test_a_token_from_before_scopes_is_refused_until_reissued(live_app: LiveApp) -> None:
    services = live_app.services
    people = staff(services)
    plaintext, token_hash = issue_api_token_secret()
    # What migration 0032 leaves of a token issued before scopes: none.
    old = ApiToken(
        new_id(), people[Role.ANALYST].account.id, "old", token_hash, NOW, NOW + timedelta(days=300)
    )
    services.store.api_tokens.add(old)
    assert services.store.api_tokens.by_token_hash(hash_token(plaintext)) == old
    with _bearer(live_app, plaintext) as client:
        refused = client.get("/api/v1/reads", params=SEARCH)
    assert refused.status_code == 401
    assert "issued before tokens had scopes" in refused.json()["detail"]
