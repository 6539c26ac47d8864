"""Helpers of the SCIM tests: the group mapping they run under, a directory's token and client,
and the request bodies Entra ID and Okta send (from their documentation's examples)."""

from __future__ import annotations

from typing import Any

import httpx

from platekeeper.accounts.authority import HostOperator
from platekeeper.domain.access import Actor
from platekeeper.domain.gate import Person
from platekeeper.domain.people import Account, Role
from tests.api.conftest import LiveApp
from tests.api.people import add_person

SCIM = "/scim/v2"
MEDIA_TYPE = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
HOST = HostOperator(Actor("cli:test", "-"))

GROUP_ROLES = {
    "ALPR-Officers": ["officer"],
    "ALPR-Analysts": ["analyst"],
    "ALPR-Supervisors": ["supervisor"],
}
GROUP_AGENCIES = {"ALPR-Analysts": "demo-pd", "Other-PD-Analysts": "other-pd"}


def directory_token(app: LiveApp, agency_id: str = "demo-pd", name: str = "entra-id") -> str:
    """A provisioning token of ``agency_id``, issued by a custodian of that agency."""
    username = f"{agency_id.split('-', maxsplit=1)[0]}.keeper"
    custodian = app.services.store.accounts.by_username(username)
    if custodian is None:
        custodian = add_person(app.services, username, Role.CUSTODIAN, agency_id).account
    who = Person(Actor(custodian.username, agency_id), custodian.roles, "127.0.0.1")
    _, plaintext = app.services.directory_tokens.issue(who, name, 30)
    return plaintext


def directory(app: LiveApp, token: str) -> httpx.Client:
    client = app.client(token)
    client.headers["Content-Type"] = MEDIA_TYPE
    return client


def entra_user(
    user_name: str, external_id: str = "58342554-38d6-4ec8-948c-50044d0a33fd"
) -> dict[str, Any]:
    """Entra ID's create-user request (learn.microsoft.com, 'Tutorial: Develop and plan
    provisioning for a SCIM endpoint', Create User)."""
    return {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "externalId": external_id,
        "userName": user_name,
        "active": True,
        "addresses": [],
        "displayName": "Jane Q. Doe",
        "emails": [{"primary": True, "type": "work", "value": "jane.doe@demo-pd.example.gov"}],
        "meta": {"resourceType": "User"},
        "name": {"familyName": "Doe", "givenName": "Jane"},
        "roles": [],
        "title": "Detective",
        f"{ENTERPRISE}": {"department": "Investigations"},
    }


def okta_user(user_name: str) -> dict[str, Any]:
    """Okta's create-user request (developer.okta.com, 'SCIM 2.0 protocol reference', Create
    the user): it sends a password, which is never kept here."""
    return {
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "name": {"givenName": "Sam", "familyName": "Rivera"},
        "emails": [{"primary": True, "value": "sam.rivera@demo-pd.example.gov", "type": "work"}],
        "displayName": "Sam Rivera",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    }


def entra_group(name: str) -> dict[str, Any]:
    """Entra ID's create-group request: its members come later, by PATCH."""
    return {
        "schemas": [GROUP_SCHEMA],
        "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
        "displayName": name,
        "meta": {"resourceType": "Group"},
    }


def entra_members(op: str, *user_ids: str) -> dict[str, Any]:
    """Entra ID's add or remove members request ('Add' or 'Remove')."""
    return {
        "schemas": [PATCH_SCHEMA],
        "Operations": [
            {
                "name": "addMember" if op == "Add" else "removeMember",
                "op": op,
                "path": "members",
                "value": [{"$ref": None, "value": user_id} for user_id in user_ids],
            }
        ],
    }


def entra_active(value: str) -> dict[str, Any]:
    """Entra ID's disable-user request: the boolean comes as the string 'False'."""
    return {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "Replace", "path": "active", "value": value}],
    }


def okta_active(value: bool) -> dict[str, Any]:
    """Okta's deactivate-user request: no path, the attributes as the value."""
    return {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "replace", "value": {"active": value}}],
    }


def provisioned(client: httpx.Client, body: dict[str, Any]) -> str:
    """POST a user; its SCIM id."""
    answer = client.post(f"{SCIM}/Users", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def group_with(client: httpx.Client, name: str, *user_ids: str) -> str:
    """POST a group, then PATCH its members in as Entra ID does; its SCIM id."""
    made = client.post(f"{SCIM}/Groups", json=entra_group(name))
    assert made.status_code == 201, made.text
    group_id = str(made.json()["id"])
    if user_ids:
        added = client.patch(f"{SCIM}/Groups/{group_id}", json=entra_members("Add", *user_ids))
        assert added.status_code == 200, added.text
    return group_id


def account_of(app: LiveApp, username: str) -> Account:
    account = app.services.store.accounts.by_username(username)
    assert account is not None, f"no account {username}"
    return account
