"""Signing in with a password, the session cookie, CSRF, lockout and the login page."""

from __future__ import annotations

from platekeeper.domain.access import AccessOutcome
from platekeeper.domain.people import Role
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp
from tests.api.people import PASSWORD, sign_in, staff
from tests.factors import Authenticators


def test_a_session_signs_a_person_in_and_out(live_app: LiveApp) -> None:
    staff(live_app.services)
    client, csrf = sign_in(live_app, "avery")
    with client:
        me = client.get("/api/v1/auth/me").json()
        assert me["username"] == "avery"
        assert "reads:search" in me["permissions"]
        assert me["csrf_token"] == csrf
        assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
        assert client.get("/api/v1/auth/me").status_code == 401


def test_the_session_cookie_is_http_only_strict_and_secure(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    auth = Authenticators.of(live_app.services)
    with live_app.client() as client:
        response = client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD})
        assert "set-cookie" not in response.headers, "a password alone opened a session"
        code = auth.code(people[Role.SUPERVISOR].account)
        pending = response.json()["pending_token"]
        response = client.post(
            "/api/v1/auth/second-factor", json={"pending_token": pending, "code": code}
        )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" in cookie


def test_a_change_without_the_csrf_token_is_refused(live_app: LiveApp) -> None:
    staff(live_app.services)
    client, csrf = sign_in(live_app, "casey")
    body = {"name": "nightly export", "days": 7, "scopes": ["accounts"]}
    with client:
        refused = client.post("/api/v1/tokens", json=body)
        assert refused.status_code == 403
        assert refused.json()["code"] == "csrf_failed"
        wrong = client.post("/api/v1/tokens", json=body, headers={"X-CSRF-Token": "0" * 64})
        assert wrong.json()["code"] == "csrf_failed"
        issued = client.post("/api/v1/tokens", json=body, headers={"X-CSRF-Token": csrf})
        assert issued.status_code == 201
        assert issued.json()["token"].startswith("pkt_")


def test_a_second_login_ends_the_first_session(live_app: LiveApp) -> None:
    staff(live_app.services)
    first, _ = sign_in(live_app, "olivia")
    second, _ = sign_in(live_app, "olivia")
    with first, second:
        assert first.get("/api/v1/auth/me").status_code == 401
        assert second.get("/api/v1/auth/me").status_code == 200


def test_repeated_failures_lock_the_account_and_are_logged(live_app: LiveApp) -> None:
    staff(live_app.services)
    wrong = {"username": "aude", "password": "not the password at all"}
    with live_app.client() as client:
        for _ in range(5):
            refused = client.post("/api/v1/auth/login", json=wrong)
            assert refused.status_code == 401
        locked = client.post("/api/v1/auth/login", json={"username": "aude", "password": PASSWORD})
    assert locked.status_code == 401
    assert "locked" in locked.json()["detail"]
    denied = live_app.services.store.access_log.find(
        AccessFilter(username="aude", action="auth:login", outcome=AccessOutcome.DENIED)
    )
    assert len(denied) == 6


def test_a_suspended_account_cannot_sign_in(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    client, csrf = sign_in(live_app, "casey")
    with client:
        suspended = client.post("/api/v1/accounts/avery/suspend", headers={"X-CSRF-Token": csrf})
        assert suspended.json()["status"] == "suspended"
    with live_app.client() as other:
        refused = other.post("/api/v1/auth/login", json={"username": "avery", "password": PASSWORD})
        assert refused.status_code == 401
        assert "suspended" in refused.json()["detail"]
        token_refused = other.get("/api/v1/auth/me", headers=people[Role.ANALYST].headers)
        assert token_refused.status_code == 401


def test_the_login_page_warns_of_civil_liability(live_app: LiveApp) -> None:
    with live_app.client() as client:
        page = client.get("/login")
    assert page.status_code == 200
    assert "1798.90.54" in page.text
    assert "civil liability" in page.text


def test_the_login_form_signs_in_and_refuses_other_sites(live_app: LiveApp) -> None:
    sam = staff(live_app.services)[Role.SUPERVISOR]
    form = {"username": "sam", "password": PASSWORD}
    with live_app.client() as client:
        response = client.post("/login", data=form)
        assert response.status_code == 303
        assert response.headers["location"] == "/login/second-factor?next=%2Fdashboard"
        assert "pk_session" not in response.cookies, "a password alone opened a session"
        # The cookie is Secure; tests speak plain HTTP to 127.0.0.1, so carry it by hand.
        pending = {"Cookie": f"pk_pending={response.cookies['pk_pending']}"}
        response = client.post(
            "/login/second-factor",
            data={"code": sam.code(), "next": "/dashboard"},
            headers=pending,
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/dashboard"
        assert "pk_session" in response.cookies
        wrong = client.post("/login", data={**form, "password": "wrong password here"})
        assert wrong.status_code == 401
        assert "1798.90.54" in wrong.text
        forged = client.post("/login", data=form, headers={"Origin": "https://evil.example"})
        assert forged.status_code == 403
