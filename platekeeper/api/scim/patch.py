"""PATCH (RFC 7644 section 3.5.2) applied to what is stored, giving the whole resource anew:
the service then replaces it as a PUT would, under the same rules.

Both directories' shapes are taken: Entra ID's ``{"op": "Replace", "path": "active", "value":
"False"}`` and ``{"op": "Remove", "path": "members", "value": [{"value": id}]}``, Okta's
``{"op": "replace", "value": {"active": false}}``, and the RFC's ``members[value eq "id"]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from platekeeper.accounts.provisioning import GroupDraft, UserDraft
from platekeeper.api.scim.errors import ScimError
from platekeeper.api.scim.parse import boolean, folded, group_draft, member_ids, text, user_draft
from platekeeper.api.scim.wire import USER_SCHEMA
from platekeeper.domain.directory import DirectoryGroup, DirectoryUser

_OPS = frozenset({"add", "replace", "remove"})
_USER_PATHS = frozenset({"username", "displayname", "active", "externalid", "title", "name"})
_NAME_PARTS = frozenset({"givenname", "familyname", "formatted"})
_MEMBER = re.compile(r'members\[\s*value\s+eq\s+"([^"]+)"\s*\]', re.IGNORECASE)


def operations(body: Mapping[str, Any]) -> Iterator[tuple[str, str | None, Any]]:
    """Each operation of a PatchOp body: (op in lower case, path or None, value)."""
    listed = folded(body).get("operations")
    if not isinstance(listed, list) or not listed:
        raise ScimError("invalidSyntax", "a PATCH names its Operations")
    for item in listed:
        if not isinstance(item, dict):
            raise ScimError("invalidSyntax", "an operation is not an object")
        operation = folded(item)
        op = str(operation.get("op", "")).lower()
        if op not in _OPS:
            raise ScimError(
                "invalidSyntax", f"op {operation.get('op')!r} is not add, replace or remove"
            )
        path = text(operation.get("path"), "path")
        if path is None and op == "remove":
            raise ScimError("noTarget", "a remove operation names its path")
        yield op, path, operation.get("value")


def patched_user(user: DirectoryUser, body: Mapping[str, Any]) -> UserDraft:
    attributes: dict[str, Any] = {
        "username": user.user_name,
        "displayname": user.display_name,
        "active": user.active,
        "externalid": user.external_id,
        "title": user.title,
        "name": {"givenname": user.given_name, "familyname": user.family_name},
    }
    for op, path, value in operations(body):
        if path is None:
            if not isinstance(value, dict):
                raise ScimError("invalidValue", "an operation without a path gives an object")
            for key, item in folded(value).items():
                _set_user(attributes, key, item, op)
        else:
            _set_user(attributes, path.lower(), value, op)
    return user_draft(attributes)


def _set_user(attributes: dict[str, Any], path: str, value: Any, op: str) -> None:
    path = path.removeprefix(USER_SCHEMA.lower() + ":")
    head, _, part = path.partition(".")
    if head not in _USER_PATHS:
        return  # an attribute this service does not keep (emails, the enterprise extension)
    if op == "remove" and head in ("username", "active"):
        raise ScimError("mutability", f"{head} cannot be removed")
    if head == "active" and op != "remove":
        value = boolean(value, "active")
    if head != "name":
        attributes[head] = None if op == "remove" else value
        return
    name = attributes["name"]
    if part in _NAME_PARTS:
        name[part] = None if op == "remove" else value
    elif op == "remove":
        attributes["name"] = {}
    elif isinstance(value, dict):
        name.update(folded(value))
    else:
        raise ScimError("invalidValue", "name is not an object")


def patched_group(group: DirectoryGroup, body: Mapping[str, Any]) -> GroupDraft:
    name, external, members = group.display_name, group.external_id, set(group.members)
    for op, path, value in operations(body):
        if path is None:
            if not isinstance(value, dict):
                raise ScimError("invalidValue", "an operation without a path gives an object")
            changes = folded(value)
            name = changes.get("displayname", name)
            external = changes.get("externalid", external)
            if "members" in changes:
                members = _members(members, op, changes["members"])
            continue
        lower = path.lower()
        chosen = _MEMBER.fullmatch(path)
        if chosen is not None and op == "remove":
            members.discard(chosen.group(1))
        elif lower == "members":
            members = _members(members, op, value)
        elif lower == "displayname" and op != "remove":
            name = value
        elif lower == "externalid":
            external = None if op == "remove" else value
        else:
            raise ScimError("invalidPath", f"path {path!r} cannot be changed with {op}")
    return group_draft({"displayName": name, "externalId": external, "members": _listed(members)})


def _members(members: set[str], op: str, value: Any) -> set[str]:
    if op == "remove" and value is None:
        return set()
    given = member_ids(value if value is not None else [])
    if op == "add":
        return members | given
    if op == "remove":
        return members - given
    return set(given)


def _listed(members: set[str]) -> list[dict[str, str]]:
    return [{"value": member} for member in sorted(members)]
