"""SCIM resources as the directory reads them: users, groups, lists, and the documents that
describe this service provider (ServiceProviderConfig, ResourceTypes, Schemas)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from platekeeper.domain.directory import DirectoryGroup, DirectoryUser

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
PREFIX = "/scim/v2"
MAX_RESULTS = 200


def user_resource(user: DirectoryUser, base_url: str) -> dict[str, Any]:
    name = {
        key: value
        for key, value in (
            ("formatted", user.display_name),
            ("givenName", user.given_name),
            ("familyName", user.family_name),
        )
        if value is not None
    }
    resource: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": user.id,
        "userName": user.user_name,
        "displayName": user.display_name,
        "name": name,
        "active": user.active,
        "meta": _meta("User", user.created_at, user.updated_at, f"{base_url}/Users/{user.id}"),
    }
    for key, value in (("externalId", user.external_id), ("title", user.title)):
        if value is not None:
            resource[key] = value
    return resource


def group_resource(
    group: DirectoryGroup, base_url: str, *, with_members: bool = True
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA],
        "id": group.id,
        "displayName": group.display_name,
        "meta": _meta("Group", group.created_at, group.updated_at, f"{base_url}/Groups/{group.id}"),
    }
    if with_members:
        resource["members"] = [
            {"value": member, "$ref": f"{base_url}/Users/{member}", "type": "User"}
            for member in sorted(group.members)
        ]
    if group.external_id is not None:
        resource["externalId"] = group.external_id
    return resource


def list_response(resources: Sequence[dict[str, Any]], start: int, total: int) -> dict[str, Any]:
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": list(resources),
    }


def _meta(kind: str, created: datetime, modified: datetime, location: str) -> dict[str, str]:
    return {
        "resourceType": kind,
        "created": created.isoformat(),
        "lastModified": modified.isoformat(),
        "location": location,
    }


def service_provider_config(base_url: str) -> dict[str, Any]:
    unsupported = {"supported": False}
    return {
        "schemas": [CONFIG_SCHEMA],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": unsupported,
        "sort": unsupported,
        "etag": unsupported,
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Provisioning token",
                "description": "A token the agency's custodian issues: 'platekeeper scim token "
                "issue'. Sent as 'Authorization: Bearer pkp_...'.",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base_url}/ServiceProviderConfig",
        },
    }


def resource_types(base_url: str) -> list[dict[str, Any]]:
    return [
        {
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": kind,
            "name": kind,
            "endpoint": f"/{kind}s",
            "schema": schema,
            "meta": {
                "resourceType": "ResourceType",
                "location": f"{base_url}/ResourceTypes/{kind}",
            },
        }
        for kind, schema in (("User", USER_SCHEMA), ("Group", GROUP_SCHEMA))
    ]


def _attribute(name: str, kind: str = "string", **traits: Any) -> dict[str, Any]:
    return {
        "name": name,
        "type": kind,
        "multiValued": False,
        "required": False,
        "caseExact": False,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": "none",
        **traits,
    }


def schemas(base_url: str) -> list[dict[str, Any]]:
    """The attributes kept here; any other attribute a directory sends is ignored, not kept."""
    name = _attribute(
        "name",
        "complex",
        subAttributes=[_attribute(part) for part in ("formatted", "givenName", "familyName")],
    )
    user = [
        _attribute("userName", required=True, uniqueness="server"),
        _attribute("displayName"),
        name,
        _attribute("title"),
        _attribute("active", "boolean"),
        _attribute("externalId", caseExact=True),
    ]
    members = _attribute(
        "members",
        "complex",
        multiValued=True,
        subAttributes=[
            _attribute("value", mutability="immutable"),
            _attribute("$ref", "reference"),
        ],
    )
    group = [_attribute("displayName", required=True, uniqueness="server"), members]
    return [
        {
            "schemas": [SCHEMA_SCHEMA],
            "id": schema,
            "name": kind,
            "attributes": attributes,
            "meta": {"resourceType": "Schema", "location": f"{base_url}/Schemas/{schema}"},
        }
        for kind, schema, attributes in (
            ("User", USER_SCHEMA, user),
            ("Group", GROUP_SCHEMA, group),
        )
    ]
