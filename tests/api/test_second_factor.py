"""The second factor over real HTTP: what the password step answers, the second step, enrolling
at sign-in, one's own factors, and a custodian's reset; each tried the way an insider would."""

from __future__ import annotations

import httpx
import pyotp
import pytest

from platekeeper.domain.people import Role
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp
from tests.api.people import PASSWORD, Person, sign_in, staff
from tests.conftest import make_read

PURPOSE = {"purpose": "stolen-vehicle", "case_number": "2026-000123"}
SEARCH = {"plate": "7ABC123", **PURPOSE}


@pytest.fixture
def people(live_app: LiveApp) -> dict[Role, Person]:
    live_app.services.store.reads.add([make_read(0, plate_text="7ABC123")])
    return staff(live_app.services)


def _password_step(client: httpx.Client, username: str) -> dict[str, object]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    assert "set-cookie" not in response.headers
    body: dict[str, object] = response.json()
    return body


def test_the_password_step_answers_a_pending_token_that_opens_nothing(
    live_app: LiveApp, people: dict[Role, Person]
) -> None:
    with live_app.client() as client:
        answer = _password_step(client, "avery")
        assert answer["second_factor_required"] is True
        assert answer["methods"] == ["totp", "recovery-code"]
        assert answer["must_enrol"] is False
        pending = str(answer["pending_token"])
        # The insider skips the second step and sends the pending token as a session...
        as_cookie = client.get(
            "/api/v1/reads", params=SEARCH, headers={"Cookie": f"pk_session={pending}"}
        )
        assert as_cookie.status_code == 401
        # ... or as a bearer credential.
        as_bearer = client.get(
            "/api/v1/reads", params=SEARCH, headers={"Authorization": f"Bearer {pending}"}
        )
        assert as_bearer.status_code == 401
    searches = live_app.services.store.access_log.find(AccessFilter(action="reads:search"))
    assert searches == []


def test_the_second_step_refuses_a_wrong_or_reused_code(
    live_app: LiveApp, people: dict[Role, Person]
) -> None:
    avery = people[Role.ANALYST]
    with live_app.client() as client:
        pending = _password_step(client, "avery")["pending_token"]
        wrong = client.post(
            "/api/v1/auth/second-factor", json={"pending_token": pending, "code": "000000"}
        )
        assert wrong.status_code == 401
        assert wrong.json()["code"] == "second_factor_invalid"
        code = avery.code()
        done = client.post(
            "/api/v1/auth/second-factor", json={"pending_token": pending, "code": code}
        )
        assert done.status_code == 200, done.text
        assert done.json()["signed_in_with"] == "password+totp"
        # The code seen over a shoulder, replayed with a fresh password step, opens nothing.
        again = _password_step(client, "avery")["pending_token"]
        replay = client.post(
            "/api/v1/auth/second-factor", json={"pending_token": again, "code": code}
        )
        assert replay.status_code == 401
        assert replay.json()["code"] == "second_factor_invalid"


def test_a_person_with_no_factor_enrols_through_the_api(live_app: LiveApp) -> None:
    staff(live_app.services)
    services = live_app.services
    account = services.accounts.by_username("sam")
    services.store.second_factors.delete_for_account(account.id)  # as if never enrolled
    with live_app.client() as client:
        answer = _password_step(client, "sam")
        assert answer["must_enrol"] is True
        pending = answer["pending_token"]
        with_code = client.post(
            "/api/v1/auth/second-factor", json={"pending_token": pending, "code": "123456"}
        )
        assert with_code.status_code == 401  # nothing to show yet: the code proves nothing
        begun = client.post("/api/v1/auth/second-factor/enrol", json={"pending_token": pending})
        assert begun.status_code == 200, begun.text
        enrolment = begun.json()
        assert enrolment["qr_svg"].startswith("<svg")
        assert enrolment["secret"] in enrolment["otpauth_uri"]
        totp = pyotp.TOTP(enrolment["secret"])
        confirmed = client.post(
            "/api/v1/auth/second-factor/enrol/confirm",
            json={
                "pending_token": pending,
                "factor_id": enrolment["factor_id"],
                "code": totp.at(services.clock.now()),
            },
        )
        assert confirmed.status_code == 200, confirmed.text
        body = confirmed.json()
        assert len(body["recovery_codes"]) == 10
        assert body["signed_in_with"] == "password+totp"
        session = confirmed.cookies["pk_session"]
    with live_app.client() as client:
        me = client.get("/api/v1/auth/me", headers={"Cookie": f"pk_session={session}"})
        assert me.json()["username"] == "sam"


def test_ones_own_factors_over_the_api(live_app: LiveApp, people: dict[Role, Person]) -> None:
    client, csrf = sign_in(live_app, "olivia")
    headers = {"X-CSRF-Token": csrf}
    with client:
        listed = client.get("/api/v1/auth/factors").json()
        assert listed["signed_in_with"] == "password+totp"
        assert listed["recovery_codes_left"] == 10
        [only] = listed["factors"]
        last = client.request(
            "DELETE",
            f"/api/v1/auth/factors/{only['id']}",
            json={"password": PASSWORD},
            headers=headers,
        )
        assert last.status_code == 409
        wrong = client.post(
            "/api/v1/auth/factors/recovery-codes", json={"password": "nope"}, headers=headers
        )
        assert wrong.status_code == 403
        fresh = client.post(
            "/api/v1/auth/factors/recovery-codes", json={"password": PASSWORD}, headers=headers
        )
        assert len(fresh.json()["recovery_codes"]) == 10
    # An API token, even its holder's, changes no second factor.
    with live_app.client(people[Role.OFFICER].token) as bearer:
        refused = bearer.post("/api/v1/auth/factors/totp", json={"password": PASSWORD})
        assert refused.status_code == 403


def test_a_reset_persons_old_token_and_session_end(
    live_app: LiveApp, people: dict[Role, Person]
) -> None:
    avery = people[Role.ANALYST]
    avery_client, _ = sign_in(live_app, "avery")
    custodian, csrf = sign_in(live_app, "casey")
    with custodian, avery_client, live_app.client(avery.token) as bearer:
        assert bearer.get("/api/v1/reads", params=SEARCH).status_code == 200
        reset = custodian.post(
            "/api/v1/accounts/avery/second-factors/reset", headers={"X-CSRF-Token": csrf}
        )
        assert reset.status_code == 204
        assert bearer.get("/api/v1/reads", params=SEARCH).status_code == 401
        assert avery_client.get("/api/v1/reads", params=SEARCH).status_code == 401
        own = custodian.post(
            "/api/v1/accounts/casey/second-factors/reset", headers={"X-CSRF-Token": csrf}
        )
        assert own.status_code == 403
    with live_app.client() as client:
        assert _password_step(client, "avery")["must_enrol"] is True
