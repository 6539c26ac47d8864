"""What the directory sends, read strictly where it matters and leniently where SCIM clients
differ: attribute names without case (RFC 7643 section 2.1), booleans also as the strings
"True"/"False" (Entra ID sends them so in PATCH), attributes not kept here ignored."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from platekeeper.accounts.provisioning import GroupDraft, UserDraft
from platekeeper.api.scim.errors import ScimError

MAX_BODY_BYTES = 1024 * 1024
_FILTER = re.compile(r'\s*([A-Za-z][\w.:]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Filter:
    """``attribute eq "value"``, the one filter directories send to find a resource."""

    attribute: str
    """In lower case."""
    value: str


def parse_filter(text: str | None, attributes: frozenset[str]) -> Filter | None:
    """The filter of a list request; ``attributes`` are those it may name, in lower case."""
    if text is None or not text.strip():
        return None
    match = _FILTER.fullmatch(text)
    if match is None:
        raise ScimError("invalidFilter", f"filter {text!r} is not 'attribute eq \"value\"'")
    attribute = match.group(1).lower()
    if attribute not in attributes:
        raise ScimError("invalidFilter", f"filtering on {match.group(1)!r} is not supported")
    return Filter(attribute, json.loads(f'"{match.group(2)}"'))


def document(raw: bytes) -> dict[str, Any]:
    """The JSON object of a request body."""
    if len(raw) > MAX_BODY_BYTES:
        raise ScimError("tooMany", f"the body exceeds {MAX_BODY_BYTES} bytes", 413)
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise ScimError("invalidSyntax", "the body is not JSON") from None
    if not isinstance(parsed, dict):
        raise ScimError("invalidSyntax", "the body is not a JSON object")
    return parsed


def folded(value: Mapping[str, Any]) -> dict[str, Any]:
    """``value``'s attributes by their names in lower case."""
    return {str(key).lower(): item for key, item in value.items()}


def text(value: Any, attribute: str, *, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ScimError("invalidValue", f"{attribute} is required")
        return None
    if not isinstance(value, str):
        raise ScimError("invalidValue", f"{attribute} is not a string")
    return value.strip()


def boolean(value: Any, attribute: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ScimError("invalidValue", f"{attribute} is not a boolean")


def user_draft(body: Mapping[str, Any]) -> UserDraft:
    """A user from a POST or PUT body (or a user's attributes after a PATCH)."""
    attributes = folded(body)
    name = attributes.get("name") or {}
    if not isinstance(name, dict):
        raise ScimError("invalidValue", "name is not an object")
    name = folded(name)
    given, family = (
        text(name.get("givenname"), "name.givenName"),
        text(name.get("familyname"), "name.familyName"),
    )
    joined = " ".join(part for part in (given, family) if part) or None
    display = text(attributes.get("displayname"), "displayName")
    display = display or text(name.get("formatted"), "name.formatted") or joined
    if display is None:
        raise ScimError("invalidValue", "displayName or name is required: the person's name")
    active = attributes.get("active", True)
    return UserDraft(
        user_name=text(attributes.get("username"), "userName", required=True) or "",
        display_name=display,
        active=boolean(active, "active"),
        external_id=text(attributes.get("externalid"), "externalId"),
        given_name=given,
        family_name=family,
        title=text(attributes.get("title"), "title"),
    )


def group_draft(body: Mapping[str, Any]) -> GroupDraft:
    attributes = folded(body)
    return GroupDraft(
        display_name=text(attributes.get("displayname"), "displayName", required=True) or "",
        external_id=text(attributes.get("externalid"), "externalId"),
        members=member_ids(attributes.get("members", [])),
    )


def member_ids(value: Any) -> frozenset[str]:
    """The user ids of a ``members`` value: ``[{"value": id}, ...]``."""
    items = value if isinstance(value, list) else [value]
    ids = set()
    for item in items:
        if not isinstance(item, dict):
            raise ScimError("invalidValue", "a member is not an object with a 'value'")
        member = text(folded(item).get("value"), "members.value", required=True)
        ids.add(member or "")
    return frozenset(ids)
