"""CJIS over real HTTP: the system-use notification (AC-8) in the API's sign-in answers and on
the login page, and a custodian releasing a locked username (AC-7) through the API."""

from __future__ import annotations

import httpx
import pytest

from platekeeper.config import Settings
from platekeeper.config.sections import DEFAULT_SYSTEM_USE_NOTICE
from platekeeper.domain.people import Role
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp
from tests.api.people import PASSWORD, sign_in, staff
from tests.hotlists.alerts.samples import make_alert
from tests.hotlists.alerts.test_stream import PURPOSE, EventReader

NOTICE = "Demo County notice: criminal justice information; every use is logged and audited."
WRONG = "not the password at all"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    accounts = settings.accounts.model_copy(update={"system_use_notice": NOTICE})
    return settings.model_copy(update={"accounts": accounts})


def test_the_default_notice_says_what_cjis_asks() -> None:
    for point in ("criminal justice information", "monitored", "recorded", "prohibited"):
        assert point in DEFAULT_SYSTEM_USE_NOTICE
    assert "punished" in DEFAULT_SYSTEM_USE_NOTICE


def test_the_login_answer_and_the_notice_route_carry_the_notice(live_app: LiveApp) -> None:
    """The password step's answer is the second-factor challenge; it carries the notice, as the
    signed-in answer of a deployment without second factors does (the union in the spec)."""
    sam = staff(live_app.services)[Role.SUPERVISOR]
    with live_app.client() as client:
        before = client.get("/api/v1/auth/notice")
        answer = client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD})
        completed = client.post(
            "/api/v1/auth/second-factor",
            json={"pending_token": answer.json()["pending_token"], "code": sam.code()},
        )
        spec = client.get("/openapi.json").json()
    assert before.status_code == 200
    assert before.json() == {"system_use_notice": NOTICE}
    assert answer.status_code == 200
    assert answer.json()["second_factor_required"] is True
    assert answer.json()["system_use_notice"] == NOTICE
    assert completed.status_code == 200, completed.text
    assert completed.json()["username"] == "sam"
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert "system-use notification" in login["description"]
    answers = login["responses"]["200"]["content"]["application/json"]["schema"]["anyOf"]
    schemas = {ref["$ref"].rsplit("/", 1)[-1] for ref in answers}
    assert schemas == {"SignedIn", "SecondFactorChallenge"}
    for schema in schemas:
        fields = spec["components"]["schemas"][schema]["properties"]
        assert "CJIS AC-8" in fields["system_use_notice"]["description"], schema


class TestWithoutSecondFactors:
    """A deployment that signs in with the password alone answers with the session at once."""

    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        accounts = settings.accounts.model_copy(update={"second_factor_required": False})
        return settings.model_copy(update={"accounts": accounts})

    def test_the_signed_in_answer_carries_the_notice(self, live_app: LiveApp) -> None:
        staff(live_app.services)
        with live_app.client() as client:
            answer = client.post(
                "/api/v1/auth/login", json={"username": "sam", "password": PASSWORD}
            )
        assert answer.status_code == 200, answer.text
        assert answer.json()["system_use_notice"] == NOTICE
        assert answer.json()["username"] == "sam"
        assert "pk_session" in answer.cookies


def test_the_login_page_shows_the_configured_notice(live_app: LiveApp) -> None:
    with live_app.client() as client:
        page = client.get("/login")
    assert page.status_code == 200
    assert NOTICE in page.text
    assert "1798.90.54" in page.text  # the liability notice stays beside it


def test_a_custodian_releases_a_locked_username_through_the_api(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    with live_app.client() as attacker:
        for _ in range(live_app.services.settings.accounts.lockout_failures):
            attacker.post("/api/v1/auth/login", json={"username": "avery", "password": WRONG})
        refused = attacker.post(
            "/api/v1/auth/login", json={"username": "avery", "password": PASSWORD}
        )
    assert refused.status_code == 401
    assert refused.json()["code"] == "sign_in_locked"
    # Not by the person's own API token either: nobody releases their own lock.
    with live_app.client(people[Role.ANALYST].token) as own:
        assert own.post("/api/v1/accounts/avery/unlock").status_code == 403
    officer, officer_csrf = sign_in(live_app, "olivia")
    with officer:
        denied = officer.post(
            "/api/v1/accounts/avery/unlock", headers={"X-CSRF-Token": officer_csrf}
        )
    assert denied.status_code == 403
    custodian, csrf = sign_in(live_app, "casey")
    with custodian:
        released = custodian.post("/api/v1/accounts/avery/unlock", headers={"X-CSRF-Token": csrf})
        again = custodian.post("/api/v1/accounts/avery/unlock", headers={"X-CSRF-Token": csrf})
    assert released.status_code == 200, released.text
    assert again.status_code == 409
    avery, _ = sign_in(live_app, "avery")
    avery.close()
    log = live_app.services.store.access_log
    [entry] = log.find(AccessFilter(username="casey", action="accounts:unlock"))
    assert entry.event.query == {"username": "avery"}
    assert entry.event.outcome.value == "allowed"


def test_a_locked_sessions_alert_stream_sends_counts_not_plates(live_app: LiveApp) -> None:
    """The screen lock is the server's: even a client that ignores it gets no plate while the
    session is locked, and nothing is logged as seen; unlocked, alerts flow again."""
    services = live_app.services
    staff(services)
    client, csrf = sign_in(live_app, "olivia")
    principal = services.accounts.resolve_session(session_token(client))
    hidden, shown = make_alert(services.images, 1), make_alert(services.images, 2)
    with client, client.stream("GET", "/api/v1/alerts/stream", params=PURPOSE) as response:
        events = EventReader(response)
        assert events.next()[0] == "open"
        assert client.post("/session/lock", headers={"X-CSRF-Token": csrf}).status_code == 204
        assert client.get("/api/v1/auth/me").json()["code"] == "session_locked"
        services.alerts.publish([hidden])
        assert events.next() == ("alert", {"locked": True})
        services.accounts.screen_locks.unlock(principal, PASSWORD, None)
        services.alerts.publish([shown])
        name, document = events.next()
    assert (name, document["id"]) == ("alert", shown.hit.id)
    seen = services.access_log.entries(AccessFilter(action="alerts:view"))
    assert [r.event.read_ids for r in seen if r.event.read_ids] == [(shown.read.id,)]


def session_token(client: httpx.Client) -> str:
    return client.headers["Cookie"].removeprefix("pk_session=")
