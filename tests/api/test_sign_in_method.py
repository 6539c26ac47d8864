"""Every access-log entry names how its person signed in (CJIS AU-3), over real HTTP: a session
by its own method, an API token as ``api-token`` whoever's session issued it, a camera by its
key; and nothing a caller sends makes an access look signed in another way."""

from __future__ import annotations

import httpx

from platekeeper.domain.access import AccessOutcome, AccessRecord
from platekeeper.domain.cameras import CAMERA_KEY_SIGN_IN
from platekeeper.domain.credentials import API_TOKEN_SIGN_IN, hash_token
from platekeeper.domain.people import Role
from platekeeper.domain.token_scopes import scopes_reaching
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp
from tests.api.people import PASSWORD, sign_in, staff

PURPOSE = {"purpose": "stolen-vehicle", "case_number": "2026-000123"}


def session_method(app: LiveApp, client: httpx.Client) -> str:
    """How the session behind ``client``'s cookie says its person signed in."""
    token = client.headers["Cookie"].removeprefix("pk_session=")
    session = app.services.store.sessions.by_token_hash(hash_token(token))
    assert session is not None
    return session.signed_in_with


def entries_by(app: LiveApp, username: str, action: str | None = None) -> list[AccessRecord]:
    """The entries ``username`` made, oldest first."""
    found = app.services.store.access_log.find(AccessFilter(username=username, action=action))
    return sorted(found, key=lambda record: record.seq)


def test_every_entry_of_a_session_names_the_session_s_method(live_app: LiveApp) -> None:
    staff(live_app.services)
    with live_app.client() as stranger:
        wrong = {"username": "avery", "password": "not the password at all"}
        assert stranger.post("/api/v1/auth/login", json=wrong).status_code == 401
    client, csrf = sign_in(live_app, "avery")
    with client:
        method = session_method(live_app, client)
        assert client.get("/api/v1/reads", params={"plate": "7ABC123", **PURPOSE}).is_success
        assert client.get("/api/v1/reads", params={"plate": "7ABC123"}).status_code == 422
        assert client.get("/api/v1/audit/entries").status_code == 403  # not an auditor
        assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).is_success

    refused, password_step, *signed_in = entries_by(live_app, "avery")
    assert (refused.event.action, refused.event.outcome) == ("auth:login", AccessOutcome.DENIED)
    assert refused.event.actor.signed_in_with is None, "a refused sign-in signed nobody in"
    # The right password alone signs nobody in either: the second factor is still due.
    step = (password_step.event.action, password_step.event.outcome)
    assert step == ("auth:password", AccessOutcome.ALLOWED)
    assert password_step.event.actor.signed_in_with is None, "a password alone is no session"
    assert [(r.event.action, r.event.outcome) for r in signed_in] == [
        ("auth:login", AccessOutcome.ALLOWED),
        ("reads:search", AccessOutcome.ALLOWED),
        ("reads:search", AccessOutcome.DENIED),
        ("audit:read", AccessOutcome.DENIED),
        ("auth:logout", AccessOutcome.ALLOWED),
    ]
    assert method == "password+totp"
    assert {r.event.actor.signed_in_with for r in signed_in} == {method}
    assert all(record.intact for record in signed_in)


def test_an_api_token_is_named_as_such_not_as_the_session_that_issued_it(
    live_app: LiveApp,
) -> None:
    casey = staff(live_app.services)[Role.CUSTODIAN].account
    client, csrf = sign_in(live_app, "casey")
    # Every scope the custodian's roles reach: what refuses the search below is the role.
    scopes = sorted(scopes_reaching(casey.roles))
    with client:
        method = session_method(live_app, client)
        body = {"name": "nightly export", "days": 7, "scopes": scopes}
        issued = client.post("/api/v1/tokens", json=body, headers={"X-CSRF-Token": csrf})
        assert issued.status_code == 201, issued.text
    with live_app.client(issued.json()["token"]) as script:
        assert script.get("/api/v1/tokens").is_success
        assert script.get("/api/v1/reads", params={"plate": "7ABC123", **PURPOSE}).is_error

    [issue] = entries_by(live_app, "casey", "tokens:issue")
    assert issue.event.actor.signed_in_with == method
    [search] = entries_by(live_app, "casey", "reads:search")  # a custodian searches no reads
    assert search.event.outcome is AccessOutcome.DENIED
    assert search.event.actor.signed_in_with == API_TOKEN_SIGN_IN != method


def test_a_camera_key_is_named_camera_key(live_app: LiveApp) -> None:
    with live_app.client(live_app.camera_key) as camera:
        refused = camera.get("/api/v1/reads", params={"plate": "7ABC123", **PURPOSE})
    assert refused.status_code == 403
    [entry] = entries_by(live_app, "camera:main-st-north")
    assert (entry.event.action, entry.event.outcome) == ("reads:search", AccessOutcome.DENIED)
    assert entry.event.actor.signed_in_with == CAMERA_KEY_SIGN_IN


def test_no_caller_chooses_the_method_the_log_names(live_app: LiveApp) -> None:
    """The insider who would have a password sign-in pass for single sign-on or a second
    factor: whatever the request says, the method is the server's own record of the sign-in."""
    staff(live_app.services)
    claimed = {"username": "sam", "password": PASSWORD, "signed_in_with": "oidc", "amr": ["mfa"]}
    with live_app.client() as client:
        answer = client.post(
            "/api/v1/auth/login", json=claimed, headers={"X-Signed-In-With": "password+totp"}
        )
    assert answer.status_code < 500, answer.text
    cookie = answer.cookies.get("pk_session")  # where a second factor is due, none yet
    if cookie is not None:
        session = live_app.services.store.sessions.by_token_hash(hash_token(cookie))
        assert session is not None
        assert session.signed_in_with not in {"oidc", "password+totp"}
    methods = {r.event.actor.signed_in_with for r in entries_by(live_app, "sam")}
    assert not methods & {"oidc", "password+totp"}


def test_auditors_see_the_method_and_filter_by_it(live_app: LiveApp) -> None:
    people = staff(live_app.services)
    client, _ = sign_in(live_app, "avery")
    with client:
        method = session_method(live_app, client)
        client.get("/api/v1/reads", params={"plate": "7ABC123", **PURPOSE})
    with live_app.client(people[Role.ANALYST].token) as script:
        script.get("/api/v1/reads", params={"plate": "7ABC123", **PURPOSE})

    searches = {"username": "avery", "action": "reads:search"}
    with live_app.client(people[Role.AUDITOR].token) as auditor:
        listed = auditor.get("/api/v1/audit/entries", params=searches).json()["entries"]
        by_token = auditor.get(
            "/api/v1/audit/entries", params={**searches, "signed_in_with": API_TOKEN_SIGN_IN}
        ).json()["entries"]
    assert [entry["signed_in_with"] for entry in listed] == [API_TOKEN_SIGN_IN, method]
    assert [entry["seq"] for entry in by_token] == [listed[0]["seq"]]
    reading = entries_by(live_app, "aude", "audit:read")[-1]
    assert reading.event.query["signed_in_with"] == API_TOKEN_SIGN_IN
    assert reading.event.actor.signed_in_with == API_TOKEN_SIGN_IN
