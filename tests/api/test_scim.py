"""SCIM 2.0 provisioning over real HTTP, on SQLite and PostgreSQL: the request shapes Entra ID and
Okta send, filters, PATCH of ``active``, groups altering roles, and the attacks: another
agency's token, a revoked or expired token, a malformed body, a person's credential."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest

from platekeeper.config import Settings
from platekeeper.config.identity import IdentitySettings
from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.gate import Person
from platekeeper.domain.people import AccountStatus, Role
from platekeeper.domain.token_scopes import scopes_reaching
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import LiveApp
from tests.api.people import PASSWORD, add_person, sign_in
from tests.api.scim import (
    ERROR_SCHEMA,
    GROUP_AGENCIES,
    GROUP_ROLES,
    HOST,
    MEDIA_TYPE,
    SCIM,
    account_of,
    directory,
    directory_token,
    entra_active,
    entra_members,
    entra_user,
    group_with,
    okta_active,
    okta_user,
    provisioned,
)
from tests.conftest import FixedClock, make_agency


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with the agency's directory groups mapped to roles and agencies."""
    identity = IdentitySettings.model_validate(
        {"group_roles": GROUP_ROLES, "group_agencies": GROUP_AGENCIES}
    )
    return settings.model_copy(update={"identity": identity})


@pytest.fixture
def entra(live_app: LiveApp) -> Iterator[httpx.Client]:
    with directory(live_app, directory_token(live_app)) as client:
        yield client


def _scim_error(answer: httpx.Response, status: int, scim_type: str | None = None) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(MEDIA_TYPE)
    body = answer.json()
    assert body["schemas"] == [ERROR_SCHEMA]
    assert body["status"] == str(status)
    assert body.get("scimType") == scim_type


def test_the_service_provider_describes_itself(entra: httpx.Client) -> None:
    config = entra.get(f"{SCIM}/ServiceProviderConfig")
    assert config.headers["content-type"].startswith(MEDIA_TYPE)
    assert config.json()["patch"] == {"supported": True}
    assert config.json()["bulk"]["supported"] is False
    types = entra.get(f"{SCIM}/ResourceTypes").json()
    assert {t["endpoint"] for t in types["Resources"]} == {"/Users", "/Groups"}
    schemas = entra.get(f"{SCIM}/Schemas").json()["Resources"]
    user = next(s for s in schemas if s["name"] == "User")
    assert "userName" in {attribute["name"] for attribute in user["attributes"]}


def test_entra_provisions_a_person_whose_group_grants_a_role(
    live_app: LiveApp, entra: httpx.Client
) -> None:
    """Entra ID's sequence: look the user up, create them, create the group, PATCH them in."""
    looked_up = entra.get(f"{SCIM}/Users", params={"filter": 'userName eq "jane.doe"'})
    assert looked_up.json()["totalResults"] == 0
    assert looked_up.json()["Resources"] == []
    made = entra.post(f"{SCIM}/Users", json=entra_user("Jane.Doe"))
    assert made.status_code == 201, made.text
    user = made.json()
    assert made.headers["location"] == user["meta"]["location"]
    assert user["userName"] == "jane.doe"  # SCIM's userName has no case; usernames here are lower
    assert user["active"] is True
    assert "emails" not in user  # not kept: the account needs no e-mail address
    # No group grants a role yet: no account yet.
    assert live_app.services.store.accounts.by_username("jane.doe") is None
    group_with(entra, "ALPR-Analysts", user["id"])
    account = account_of(live_app, "jane.doe")
    assert account.roles == {Role.ANALYST}
    assert account.agency_id == "demo-pd"
    assert account.display_name == "Jane Q. Doe"
    assert account.job_title == "Detective"
    assert account.training is None  # no plate data until a custodian records training
    state = live_app.services.store.accounts.password_state(account.id)
    assert state is not None
    assert state.password_hash is None  # they sign in through the directory
    for query in ('userName eq "JANE.DOE"', f'externalId eq "{user["externalId"]}"'):
        found = entra.get(f"{SCIM}/Users", params={"filter": query}).json()
        assert [r["id"] for r in found["Resources"]] == [user["id"]], query
    got = entra.get(f"{SCIM}/Users/{user['id']}").json()
    assert got == {**user, "meta": got["meta"]}
    logged = live_app.services.store.access_log.find(AccessFilter(username="scim:entra-id"))
    actions = {(r.event.action, r.event.query.get("username")) for r in logged}
    assert {("scim:users:create", "jane.doe"), ("accounts:create", "jane.doe")} <= actions
    assert {r.event.actor.agency_id for r in logged} == {"demo-pd"}


def test_okta_creates_replaces_and_deactivates_with_put_and_patch(
    live_app: LiveApp, entra: httpx.Client
) -> None:
    user_id = provisioned(entra, okta_user("sam.rivera"))
    group_with(entra, "ALPR-Officers", user_id)
    assert account_of(live_app, "sam.rivera").roles == {Role.OFFICER}
    replaced = entra.put(
        f"{SCIM}/Users/{user_id}", json={**okta_user("sam.rivera"), "title": "Sergeant"}
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["title"] == "Sergeant"
    answer = entra.patch(f"{SCIM}/Users/{user_id}", json=okta_active(False))
    assert answer.status_code == 200, answer.text
    assert answer.json()["active"] is False
    assert account_of(live_app, "sam.rivera").status is AccountStatus.DEACTIVATED


def _working_credentials(app: LiveApp, username: str) -> tuple[httpx.Client, str]:
    """A signed-in browser of ``username`` and an API token of theirs, once trained."""
    services = app.services
    account = account_of(app, username)
    services.accounts.record_training(HOST, account.id, date(2026, 6, 1))
    services.accounts.set_password(HOST, account.id, PASSWORD)
    scopes = scopes_reaching(account_of(app, username).roles)
    _, token = services.accounts.issue_api_token(
        HOST, "nightly", 7, scopes=scopes, account_id=account.id
    )
    browser, _ = sign_in(app, username)
    return browser, token


def _deprovision(how: str, client: httpx.Client, user_id: str, group_id: str) -> None:
    if how == "entra-active-false":
        answer = client.patch(f"{SCIM}/Users/{user_id}", json=entra_active("False"))
    elif how == "okta-active-false":
        answer = client.patch(f"{SCIM}/Users/{user_id}", json=okta_active(False))
    elif how == "delete":
        answer = client.delete(f"{SCIM}/Users/{user_id}")
    elif how == "removed-from-every-group":
        answer = client.patch(f"{SCIM}/Groups/{group_id}", json=entra_members("Remove", user_id))
    else:
        answer = client.delete(f"{SCIM}/Groups/{group_id}")
    assert answer.status_code in (200, 204), answer.text


@pytest.mark.parametrize(
    "how",
    [
        "entra-active-false",
        "okta-active-false",
        "delete",
        "removed-from-every-group",
        "group-deleted",
    ],
)
def test_a_person_the_directory_removes_loses_every_session_and_token_at_once(
    live_app: LiveApp, entra: httpx.Client, how: str
) -> None:
    """The issue: removed in the identity provider, every session and token here ends within a
    minute. Here: in the same request, with no clock moved."""
    user_id = provisioned(entra, entra_user("jane.doe"))
    group_id = group_with(entra, "ALPR-Analysts", user_id)
    browser, token = _working_credentials(live_app, "jane.doe")
    with browser, live_app.client(token) as script:
        assert browser.get("/api/v1/auth/me").status_code == 200
        assert script.get("/api/v1/auth/me").status_code == 200
        _deprovision(how, entra, user_id, group_id)
        assert browser.get("/api/v1/auth/me").status_code == 401
        assert script.get("/api/v1/auth/me").status_code == 401
    account = account_of(live_app, "jane.doe")
    assert account.status is AccountStatus.DEACTIVATED
    assert live_app.services.store.sessions.list(account.id) == []
    assert all(t.revoked_at for t in live_app.services.store.api_tokens.list(account.id))


def test_group_membership_changes_alter_roles(live_app: LiveApp, entra: httpx.Client) -> None:
    user_id = provisioned(entra, entra_user("jane.doe"))
    officers = group_with(entra, "ALPR-Officers", user_id)
    analysts = group_with(entra, "ALPR-Analysts", user_id)
    assert account_of(live_app, "jane.doe").roles == {Role.OFFICER, Role.ANALYST}
    removed = entra.patch(
        f"{SCIM}/Groups/{officers}",
        json={
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "remove", "path": f'members[value eq "{user_id}"]'}],
        },
    )
    assert removed.status_code == 200, removed.text
    assert removed.json()["members"] == []
    assert account_of(live_app, "jane.doe").roles == {Role.ANALYST}
    # A group the mapping does not name grants nothing; the person keeps their account.
    group_with(entra, "Cafeteria-Committee", user_id)
    assert account_of(live_app, "jane.doe").roles == {Role.ANALYST}
    listed = entra.get(f"{SCIM}/Groups", params={"filter": 'displayName eq "ALPR-Analysts"'})
    assert [g["id"] for g in listed.json()["Resources"]] == [analysts]
    bare = entra.get(f"{SCIM}/Groups/{analysts}", params={"excludedAttributes": "members"})
    assert "members" not in bare.json()


def test_a_privileged_role_from_the_directory_waits_for_a_second_person(
    live_app: LiveApp, entra: httpx.Client
) -> None:
    """The directory cannot make a supervisor on its own: the role waits for approval, and the
    new account cannot be used until then."""
    add_person(live_app.services, "casey", Role.CUSTODIAN)
    user_id = provisioned(entra, entra_user("jane.doe"))
    group_with(entra, "ALPR-Supervisors", user_id)
    account = account_of(live_app, "jane.doe")
    pending = live_app.services.accounts.pending_roles(account.id)
    assert pending is not None
    assert pending.requested_by == "scim:entra-id"
    assert pending.new_account


def test_provisioning_meets_an_existing_account_of_the_same_username(
    live_app: LiveApp, entra: httpx.Client
) -> None:
    """Single sign-on's just-in-time account (or a custodian's) and the directory's user are
    one account, met by username within the agency."""
    existing = add_person(live_app.services, "jane.doe", Role.OFFICER).account
    user_id = provisioned(entra, entra_user("jane.doe"))
    group_with(entra, "ALPR-Analysts", user_id)
    account = account_of(live_app, "jane.doe")
    assert account.id == existing.id
    assert account.roles == {Role.ANALYST}
    assert live_app.services.store.directory_users.by_account(existing.id) is not None


def test_reactivation_by_the_directory_only_where_the_rules_allow(
    live_app: LiveApp, entra: httpx.Client, clock: FixedClock
) -> None:
    """``active: true`` brings back a deactivated account only with training completed since;
    until then it stays deactivated, and the refusal is logged."""
    user_id = provisioned(entra, entra_user("jane.doe"))
    group_with(entra, "ALPR-Analysts", user_id)
    account = account_of(live_app, "jane.doe")
    live_app.services.accounts.record_training(HOST, account.id, date(2026, 6, 1))
    entra.patch(f"{SCIM}/Users/{user_id}", json=entra_active("False"))
    clock.advance(timedelta(days=2))
    back = entra.patch(f"{SCIM}/Users/{user_id}", json=entra_active("True"))
    assert back.status_code == 200, back.text
    assert account_of(live_app, "jane.doe").status is AccountStatus.DEACTIVATED
    refused = live_app.services.store.access_log.find(
        AccessFilter(username="scim:entra-id", action="scim:accounts")
    )
    assert [r.event.outcome for r in refused] == [AccessOutcome.DENIED]
    live_app.services.accounts.record_training(HOST, account.id, clock.now().date())
    entra.patch(f"{SCIM}/Users/{user_id}", json=entra_active("True"))
    assert account_of(live_app, "jane.doe").status is AccountStatus.ACTIVE


def test_a_suspension_is_never_lifted_by_the_directory(
    live_app: LiveApp, entra: httpx.Client
) -> None:
    user_id = provisioned(entra, entra_user("jane.doe"))
    group_with(entra, "ALPR-Analysts", user_id)
    custodian = add_person(live_app.services, "casey", Role.CUSTODIAN)
    live_app.services.accounts.suspend(HOST, account_of(live_app, "jane.doe").id)
    entra.put(f"{SCIM}/Users/{user_id}", json=entra_user("jane.doe"))
    assert account_of(live_app, "jane.doe").status is AccountStatus.SUSPENDED
    assert custodian.account.status is AccountStatus.ACTIVE


def test_another_agencys_token_sees_and_changes_nothing(
    live_app: LiveApp, entra: httpx.Client
) -> None:
    user_id = provisioned(entra, entra_user("jane.doe"))
    group_id = group_with(entra, "ALPR-Analysts", user_id)
    live_app.services.store.agencies.add(make_agency("other-pd"))
    invented = "00000000-0000-4000-8000-000000000001"
    with directory(live_app, directory_token(live_app, "other-pd", "okta")) as other:
        assert other.get(f"{SCIM}/Users").json()["totalResults"] == 0
        assert other.get(f"{SCIM}/Groups").json()["totalResults"] == 0
        found = other.get(f"{SCIM}/Users", params={"filter": f'id eq "{user_id}"'})
        assert found.json()["Resources"] == []
        for kind, theirs in (("Users", user_id), ("Groups", group_id)):
            answers = []
            for target in (theirs, invented):
                for method, body in (
                    ("GET", None),
                    ("PATCH", okta_active(False)),
                    ("DELETE", None),
                ):
                    answer = other.request(method, f"{SCIM}/{kind}/{target}", json=body)
                    _scim_error(answer, 404)
                    answers.append(answer.json()["detail"].replace(target, "ID"))
            assert answers[:3] == answers[3:]
        # Its group may not name A's user as a member, nor may it provision into A.
        made = other.post(
            f"{SCIM}/Groups",
            json={"displayName": "Other-PD-Analysts", "members": [{"value": user_id}]},
        )
        _scim_error(made, 400, "invalidValue")
        into_a = other.post(f"{SCIM}/Groups", json={"displayName": "ALPR-Analysts"})
        _scim_error(into_a, 403)
    account = account_of(live_app, "jane.doe")
    assert account.status is AccountStatus.ACTIVE
    assert account.roles == {Role.ANALYST}


def test_a_revoked_or_expired_token_is_refused(
    live_app: LiveApp, entra: httpx.Client, clock: FixedClock
) -> None:
    services = live_app.services
    [token] = services.store.directory_tokens.list("demo-pd")
    custodian = account_of(live_app, "demo.keeper")
    who = Person(Actor(custodian.username, custodian.agency_id), custodian.roles)
    services.directory_tokens.revoke(who, token.id)
    _scim_error(entra.get(f"{SCIM}/Users"), 401)
    with directory(live_app, directory_token(live_app, name="okta")) as fresh:
        assert fresh.get(f"{SCIM}/Users").status_code == 200
        clock.advance(timedelta(days=30))
        refused = fresh.get(f"{SCIM}/Users")
        _scim_error(refused, 401)
        assert "expired" in refused.json()["detail"]
    refusals = services.store.access_log.find(AccessFilter(action="scim:tokens:revoke"))
    assert [r.event.outcome for r in refusals] == [AccessOutcome.ALLOWED]


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        (b"{not json", "invalidSyntax"),
        (b"[]", "invalidSyntax"),
        (b'{"displayName": "Jane Doe"}', "invalidValue"),  # no userName
        (
            b'{"userName": "jane.doe@demo-pd.example.gov", "displayName": "Jane Doe"}',
            "invalidValue",
        ),
        (b'{"userName": "night.shift", "displayName": "Night Shift"}', "invalidValue"),
        (
            b'{"userName": "jane.doe", "displayName": "Jane Doe", "active": "perhaps"}',
            "invalidValue",
        ),
    ],
)
def test_a_malformed_user_is_answered_with_a_scim_error_and_nothing_changes(
    live_app: LiveApp, entra: httpx.Client, body: bytes, scim_type: str
) -> None:
    before = live_app.services.store.accounts.list()
    _scim_error(entra.post(f"{SCIM}/Users", content=body), 400, scim_type)
    assert live_app.services.store.directory_users.list("demo-pd") == []
    assert live_app.services.store.accounts.list() == before


@pytest.mark.parametrize(
    ("operations", "scim_type"),
    [
        ([], "invalidSyntax"),
        ([{"op": "Delete", "path": "active"}], "invalidSyntax"),
        ([{"op": "Replace", "path": "active", "value": "maybe"}], "invalidValue"),
        ([{"op": "Remove", "path": "userName"}], "mutability"),
        ([{"op": "Replace", "path": "userName", "value": "Not A Username"}], "invalidValue"),
    ],
)
def test_a_malformed_patch_changes_nothing(
    live_app: LiveApp, entra: httpx.Client, operations: list[object], scim_type: str
) -> None:
    user_id = provisioned(entra, entra_user("jane.doe"))
    group_with(entra, "ALPR-Analysts", user_id)
    before = live_app.services.store.directory_users.get(user_id)
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": operations}
    _scim_error(entra.patch(f"{SCIM}/Users/{user_id}", json=body), 400, scim_type)
    assert live_app.services.store.directory_users.get(user_id) == before
    assert account_of(live_app, "jane.doe").status is AccountStatus.ACTIVE


def test_an_unsupported_filter_and_a_taken_username_are_scim_errors(
    live_app: LiveApp, entra: httpx.Client
) -> None:
    _scim_error(
        entra.get(f"{SCIM}/Users", params={"filter": 'userName co "jane"'}), 400, "invalidFilter"
    )
    _scim_error(
        entra.get(f"{SCIM}/Users", params={"filter": 'password eq "x"'}), 400, "invalidFilter"
    )
    provisioned(entra, entra_user("jane.doe"))
    _scim_error(entra.post(f"{SCIM}/Users", json=entra_user("Jane.Doe")), 409, "uniqueness")
    live_app.services.store.agencies.add(make_agency("other-pd"))
    add_person(live_app.services, "omar.other", Role.ANALYST, "other-pd")
    _scim_error(entra.post(f"{SCIM}/Users", json=entra_user("omar.other")), 409, "uniqueness")


def test_a_persons_credential_reaches_no_scim_route_and_the_token_no_other(
    live_app: LiveApp, entra: httpx.Client
) -> None:
    custodian = add_person(live_app.services, "casey", Role.CUSTODIAN)
    with live_app.client(custodian.token) as person:
        _scim_error(person.get(f"{SCIM}/Users"), 403)
        _scim_error(person.post(f"{SCIM}/Users", json=entra_user("jane.doe")), 403)
    token = entra.headers["Authorization"].removeprefix("Bearer ")
    with live_app.client(token) as as_api:
        assert as_api.get("/api/v1/accounts").status_code == 403
        assert as_api.get("/api/v1/auth/me").status_code == 403
    with live_app.client() as anonymous:
        _scim_error(anonymous.get(f"{SCIM}/Users"), 401)
    assert live_app.services.store.directory_users.list("demo-pd") == []
