"""Passkeys through the API over real HTTP, on each backend: enrol one at the first sign-in, sign
in with it, add another; and a replayed, borrowed or token-made answer refused."""

from __future__ import annotations

import json
from typing import Any

import httpx

from platekeeper.domain.people import Account
from platekeeper.domain.token_scopes import TokenScope, scopes_reaching
from tests.accounts.authenticator import SoftKey
from tests.accounts.conftest import PASSWORD, add_person
from tests.api.conftest import LiveApp
from tests.api.people import CONSOLE

# The default relying party: a software key answers for it as a browser on it would.
RP_ID = "localhost"
ORIGIN = "https://localhost:8080"


def password_step(client: httpx.Client, username: str) -> dict[str, Any]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    challenge: dict[str, Any] = response.json()
    assert challenge["second_factor_required"] is True
    return challenge


def enrol_at_sign_in(app: LiveApp, person: Account, key: SoftKey) -> httpx.Response:
    with app.client() as client:
        token = password_step(client, person.username)["pending_token"]
        options = client.post(
            "/api/v1/auth/second-factor/passkey/enrol/options", json={"pending_token": token}
        )
        assert options.status_code == 200, options.text
        return client.post(
            "/api/v1/auth/second-factor/passkey/enrol",
            json={
                "pending_token": token,
                "credential": json.loads(key.register(options.text)),
                "label": "yubikey",
            },
        )


def passkey_step(
    app: LiveApp, username: str, key: SoftKey
) -> tuple[httpx.Response, dict[str, Any]]:
    """The sign-in with ``key``; the answer as sent, for replaying."""
    with app.client() as client:
        challenge = password_step(client, username)
        token = challenge["pending_token"]
        options = client.post(
            "/api/v1/auth/second-factor/passkey/options", json={"pending_token": token}
        )
        assert options.status_code == 200, options.text
        body = {"pending_token": token, "credential": json.loads(key.answer(options.text))}
        return client.post("/api/v1/auth/second-factor/passkey", json=body), body


def newcomer(live_app: LiveApp, username: str) -> Account:
    """A person with a password and no second factor yet, as on their first day."""
    return add_person(live_app.services.accounts, username)


def session(app: LiveApp, response: httpx.Response) -> tuple[httpx.Client, str]:
    # The cookie is Secure; tests speak plain HTTP to 127.0.0.1, so carry it by hand.
    client = app.client()
    client.headers["Cookie"] = f"pk_session={response.cookies['pk_session']}"
    return client, response.json()["csrf_token"]


def test_a_passkey_enrolled_at_the_first_sign_in_signs_in_after_the_password(
    live_app: LiveApp,
) -> None:
    person = newcomer(live_app, "jdoe")
    key = SoftKey(RP_ID, ORIGIN)
    enrolled = enrol_at_sign_in(live_app, person, key)
    assert enrolled.status_code == 200, enrolled.text
    assert enrolled.json()["signed_in_with"] == "password+webauthn"
    assert len(enrolled.json()["recovery_codes"]) == 10
    assert "pk_session" in enrolled.cookies
    with live_app.client() as client:
        assert password_step(client, "jdoe")["methods"] == ["webauthn", "recovery-code"]
    signed_in, _ = passkey_step(live_app, "jdoe", key)
    assert signed_in.status_code == 200, signed_in.text
    assert "recovery_codes" not in signed_in.json()
    client, _ = session(live_app, signed_in)
    with client:
        me = client.get("/api/v1/auth/me")
    assert me.json()["signed_in_with"] == "password+webauthn"


def test_a_captured_answer_replayed_opens_nothing(live_app: LiveApp) -> None:
    person = newcomer(live_app, "jdoe")
    key = SoftKey(RP_ID, ORIGIN)
    assert enrol_at_sign_in(live_app, person, key).status_code == 200
    signed_in, body = passkey_step(live_app, "jdoe", key)
    assert signed_in.status_code == 200
    with live_app.client() as client:
        replayed = client.post("/api/v1/auth/second-factor/passkey", json=body)
        # The captured answer under a fresh pending sign-in of the thief's (who has the password).
        body["pending_token"] = password_step(client, "jdoe")["pending_token"]
        client.post("/api/v1/auth/second-factor/passkey/options", json=body)
        under_new = client.post("/api/v1/auth/second-factor/passkey", json=body)
    assert replayed.status_code == 401
    assert "pk_session" not in replayed.cookies
    assert under_new.status_code == 401
    assert under_new.json()["code"] == "passkey_refused"


def test_another_persons_passkey_is_refused(live_app: LiveApp) -> None:
    jdoe = newcomer(live_app, "jdoe")
    mallory = newcomer(live_app, "mallory")
    assert enrol_at_sign_in(live_app, jdoe, SoftKey(RP_ID, ORIGIN)).status_code == 200
    mallory_key = SoftKey(RP_ID, ORIGIN)
    assert enrol_at_sign_in(live_app, mallory, mallory_key).status_code == 200
    refused, _ = passkey_step(live_app, "jdoe", mallory_key)
    assert refused.status_code == 401
    assert refused.json()["code"] == "passkey_refused"
    assert "not registered to you" in refused.json()["detail"]


def test_a_passkey_is_added_from_a_session_and_never_with_a_token(live_app: LiveApp) -> None:
    person = newcomer(live_app, "jdoe")
    enrolled = enrol_at_sign_in(live_app, person, SoftKey(RP_ID, ORIGIN))
    client, csrf = session(live_app, enrolled)
    second = SoftKey(RP_ID, ORIGIN)
    with client:
        without_csrf = client.post(
            "/api/v1/auth/factors/passkey/options", json={"password": PASSWORD}
        )
        wrong_password = client.post(
            "/api/v1/auth/factors/passkey/options",
            json={"password": "not the password"},
            headers={"X-CSRF-Token": csrf},
        )
        options = client.post(
            "/api/v1/auth/factors/passkey/options",
            json={"password": PASSWORD},
            headers={"X-CSRF-Token": csrf},
        )
        added = client.post(
            "/api/v1/auth/factors/passkey",
            json={"credential": json.loads(second.register(options.text)), "label": "laptop"},
            headers={"X-CSRF-Token": csrf},
        )
        factors = client.get("/api/v1/auth/factors").json()["factors"]
    assert without_csrf.status_code == 403
    assert wrong_password.status_code == 403, wrong_password.text
    assert "password is wrong" in wrong_password.json()["detail"]
    assert added.status_code == 200, added.text
    assert added.json()["factor"]["label"] == "laptop"
    assert added.json()["recovery_codes"] == []
    assert [f["kind"] for f in factors] == ["webauthn", "webauthn"]
    # The token carries every scope the person's roles reach, its own profile's among them: what
    # refuses it is that it is a token, not its scopes.
    scopes = scopes_reaching(person.roles)
    assert TokenScope.PROFILE in scopes
    _, token = live_app.services.accounts.issue_api_token(
        CONSOLE, "tests", 30, account_id=person.id, scopes=scopes
    )
    with live_app.client(token) as by_token:
        refused = by_token.post("/api/v1/auth/factors/passkey/options", json={"password": PASSWORD})
    # A token proves no second factor, whatever its holder showed when issuing it.
    assert refused.status_code == 403, refused.text
    assert "needs a sign-in with a second factor" in refused.json()["detail"]
