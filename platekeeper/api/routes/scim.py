"""SCIM 2.0 for the agency's directory (Entra ID, Okta): its people and groups, under /scim/v2.

Only an agency's provisioning token (``Bearer pkp_...``) reaches these routes, and it reaches
nothing else; what it provisions is its own agency's (``accounts/provisioning.py``). Bodies and
answers are ``application/scim+json``; errors are SCIM errors, not problem details, because the
directory's client reads those.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response

from platekeeper.accounts.provisioning import Provisioning
from platekeeper.api.scim import patch, wire
from platekeeper.api.scim.errors import ScimError, ScimRoute, scim_response
from platekeeper.api.scim.parse import Filter, document, group_draft, parse_filter, user_draft
from platekeeper.domain.permissions import Permission
from platekeeper.errors import NotFound
from platekeeper.http.auth import DirectoryDep, requires
from platekeeper.http.deps import ServicesDep

router = APIRouter(prefix=wire.PREFIX, tags=["scim"], route_class=ScimRoute)
_PROVISION = requires(Permission.ACCOUNTS_PROVISION)
_USER_FILTERS = frozenset({"username", "externalid", "id"})
_GROUP_FILTERS = frozenset({"displayname", "externalid", "id"})
T = TypeVar("T")


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + wire.PREFIX


async def _body(request: Request) -> dict[str, Any]:
    return document(await request.body())


@router.get(
    "/ServiceProviderConfig", summary="What this service provider supports", dependencies=_PROVISION
)
def service_provider_config(request: Request) -> Response:
    return scim_response(wire.service_provider_config(_base(request)))


@router.get("/ResourceTypes", summary="Users and Groups", dependencies=_PROVISION)
def resource_types(request: Request) -> Response:
    types = wire.resource_types(_base(request))
    return scim_response(wire.list_response(types, 1, len(types)))


@router.get("/Schemas", summary="The attributes kept", dependencies=_PROVISION)
def schemas(request: Request) -> Response:
    found = wire.schemas(_base(request))
    return scim_response(wire.list_response(found, 1, len(found)))


# -- users -------------------------------------------------------------------------------------


@router.get(
    "/Users", summary="The agency's users, or those a filter finds", dependencies=_PROVISION
)
def list_users(
    request: Request,
    services: ServicesDep,
    directory: DirectoryDep,
    filter: str | None = None,
    startIndex: int = 1,  # noqa: N803 - SCIM's name for it
    count: int = wire.MAX_RESULTS,
) -> Response:
    asked = parse_filter(filter, _USER_FILTERS)
    provisioning = services.provisioning
    if asked is not None and asked.attribute == "id":
        found = _found(lambda: provisioning.user(directory, asked.value))
    else:
        found = provisioning.users(
            directory,
            user_name=_value(asked, "username", str.lower),
            external_id=_value(asked, "externalid"),
        )
    base = _base(request)
    return _page([wire.user_resource(user, base) for user in found], startIndex, count)


@router.post("/Users", summary="Provision a person", status_code=201, dependencies=_PROVISION)
async def create_user(request: Request, services: ServicesDep, directory: DirectoryDep) -> Response:
    draft = user_draft(await _body(request))
    user = services.provisioning.create_user(directory, draft)
    resource = wire.user_resource(user, _base(request))
    return scim_response(resource, 201, Location=resource["meta"]["location"])


@router.get("/Users/{scim_user_id}", summary="One user", dependencies=_PROVISION)
def get_user(
    request: Request, services: ServicesDep, directory: DirectoryDep, scim_user_id: str
) -> Response:
    user = services.provisioning.user(directory, scim_user_id)
    return scim_response(wire.user_resource(user, _base(request)))


@router.put("/Users/{scim_user_id}", summary="Replace a user", dependencies=_PROVISION)
async def replace_user(
    request: Request, services: ServicesDep, directory: DirectoryDep, scim_user_id: str
) -> Response:
    draft = user_draft(await _body(request))
    user = services.provisioning.replace_user(directory, scim_user_id, draft)
    return scim_response(wire.user_resource(user, _base(request)))


@router.patch(
    "/Users/{scim_user_id}", summary="Change a user, e.g. active: false", dependencies=_PROVISION
)
async def patch_user(
    request: Request, services: ServicesDep, directory: DirectoryDep, scim_user_id: str
) -> Response:
    body = await _body(request)
    provisioning = services.provisioning
    draft = patch.patched_user(provisioning.user(directory, scim_user_id), body)
    user = provisioning.replace_user(directory, scim_user_id, draft)
    return scim_response(wire.user_resource(user, _base(request)))


@router.delete(
    "/Users/{scim_user_id}",
    summary="Deprovision a person",
    status_code=204,
    dependencies=_PROVISION,
)
def delete_user(services: ServicesDep, directory: DirectoryDep, scim_user_id: str) -> Response:
    services.provisioning.delete_user(directory, scim_user_id)
    return Response(status_code=204)


# -- groups ------------------------------------------------------------------------------------


@router.get(
    "/Groups", summary="The agency's groups, or those a filter finds", dependencies=_PROVISION
)
def list_groups(
    request: Request,
    services: ServicesDep,
    directory: DirectoryDep,
    filter: str | None = None,
    startIndex: int = 1,  # noqa: N803 - SCIM's name for it
    count: int = wire.MAX_RESULTS,
    excludedAttributes: str | None = None,  # noqa: N803 - SCIM's name for it
) -> Response:
    asked = parse_filter(filter, _GROUP_FILTERS)
    provisioning = services.provisioning
    if asked is not None and asked.attribute == "id":
        found = _found(lambda: provisioning.group(directory, asked.value))
    else:
        found = provisioning.groups(
            directory,
            display_name=_value(asked, "displayname"),
            external_id=_value(asked, "externalid"),
        )
    members = "members" not in (excludedAttributes or "").lower()
    base = _base(request)
    resources = [wire.group_resource(group, base, with_members=members) for group in found]
    return _page(resources, startIndex, count)


@router.post("/Groups", summary="Add a group", status_code=201, dependencies=_PROVISION)
async def create_group(
    request: Request, services: ServicesDep, directory: DirectoryDep
) -> Response:
    group = services.provisioning.create_group(directory, group_draft(await _body(request)))
    resource = wire.group_resource(group, _base(request))
    return scim_response(resource, 201, Location=resource["meta"]["location"])


@router.get("/Groups/{scim_group_id}", summary="One group", dependencies=_PROVISION)
def get_group(
    request: Request,
    services: ServicesDep,
    directory: DirectoryDep,
    scim_group_id: str,
    excludedAttributes: str | None = None,  # noqa: N803 - SCIM's name for it
) -> Response:
    group = services.provisioning.group(directory, scim_group_id)
    members = "members" not in (excludedAttributes or "").lower()
    return scim_response(wire.group_resource(group, _base(request), with_members=members))


@router.put("/Groups/{scim_group_id}", summary="Replace a group", dependencies=_PROVISION)
async def replace_group(
    request: Request, services: ServicesDep, directory: DirectoryDep, scim_group_id: str
) -> Response:
    draft = group_draft(await _body(request))
    group = services.provisioning.replace_group(directory, scim_group_id, draft)
    return scim_response(wire.group_resource(group, _base(request)))


@router.patch(
    "/Groups/{scim_group_id}", summary="Add or remove members, rename", dependencies=_PROVISION
)
async def patch_group(
    request: Request, services: ServicesDep, directory: DirectoryDep, scim_group_id: str
) -> Response:
    body = await _body(request)
    provisioning: Provisioning = services.provisioning
    draft = patch.patched_group(provisioning.group(directory, scim_group_id), body)
    group = provisioning.replace_group(directory, scim_group_id, draft)
    return scim_response(wire.group_resource(group, _base(request)))


@router.delete(
    "/Groups/{scim_group_id}", summary="Remove a group", status_code=204, dependencies=_PROVISION
)
def delete_group(services: ServicesDep, directory: DirectoryDep, scim_group_id: str) -> Response:
    services.provisioning.delete_group(directory, scim_group_id)
    return Response(status_code=204)


# -- the parts ---------------------------------------------------------------------------------


def _value(
    asked: Filter | None, attribute: str, normal: Callable[[str], str] = str.strip
) -> str | None:
    return normal(asked.value) if asked is not None and asked.attribute == attribute else None


def _found(look_up: Callable[[], T]) -> list[T]:
    """The one resource a filter on ``id`` names, or none: a list answers, never a 404."""
    try:
        return [look_up()]
    except NotFound:
        return []


def _page(resources: Sequence[dict[str, Any]], start: int, count: int) -> Response:
    if start < 1 or count < 0:
        raise ScimError("invalidValue", "startIndex starts at 1 and count is not negative")
    shown = resources[start - 1 : start - 1 + min(count, wire.MAX_RESULTS)]
    return scim_response(wire.list_response(shown, start, len(resources)))
