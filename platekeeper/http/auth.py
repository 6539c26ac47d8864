"""Who is calling, and may they call this route. Deny by default; the check lives here only.

Four credentials reach the API:

- a browser's session cookie, with a CSRF token in a header or form field on every request that
  changes something;
- a person's API token (``Authorization: Bearer pkt_...``) for scripts acting for them;
- a camera's ingest key (``Authorization: Bearer pkc_...``), which carries the camera role only;
  for a device that cannot set that header, and only where a custodian allowed it for the camera,
  the same key as the last part of a vendor source's URL or as the password of HTTP Basic;
- an agency's provisioning token (``Authorization: Bearer pkp_...``), with which its directory
  calls the SCIM routes (``/scim/v2``) and nothing else: it carries the directory role only.

Every route, of the API or of the pages, declares the permission it needs with ``requires(...)``
or says it is ``public()``; the app factory (``http/app.py``) refuses to start if a route does
neither. A refusal by a signed-in caller is written to the access log with its reason.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Request, Response, params
from fastapi.routing import APIRoute
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from platekeeper.accounts.authority import Directory
from platekeeper.accounts.directory_tokens import directory_actor
from platekeeper.domain import Camera
from platekeeper.domain.access import Actor
from platekeeper.domain.cameras import CAMERA_KEY_PREFIX, CAMERA_KEY_SIGN_IN, DeviceAuth
from platekeeper.domain.credentials import API_TOKEN_PREFIX, Principal, csrf_token_for
from platekeeper.domain.directory import DIRECTORY_TOKEN_PREFIX, DirectoryToken
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Permission
from platekeeper.domain.scope import AgencyScope
from platekeeper.errors import AuthenticationFailed, PermissionDenied
from platekeeper.http.deps import ServicesDep
from platekeeper.http.redaction import redact_url_keys
from platekeeper.services import Services

SESSION_COOKIE = "pk_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"
CAMERA_KEY_PATH_PARAM = "camera_key"
"""The path parameter of a vendor source's route that carries a camera's key (``DeviceAuth``)."""
PERMISSION_KEY = "x-permission"
"""The OpenAPI extension that names each operation's permission."""
PUBLIC = "public"
OPEN_WHILE_LOCKED = frozenset(
    {
        "/session/lock",
        "/session/locked",
        "/session/unlock",
        "/logout",
        "/api/v1/auth/logout",
        "/api/v1/alerts/stream",
    }
)
"""What a session whose screen is locked (CJIS AC-11) may still reach: the lock screen, its
unlock step, sign-out, and the live alert stream, which then sends counts only."""
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated caller of one request: a person, a camera or an agency's directory."""

    actor: Actor
    roles: frozenset[Role]
    client_address: str | None
    principal: Principal | None = None
    camera: Camera | None = None
    session_token: str | None = None
    directory_token: DirectoryToken | None = None

    @property
    def person(self) -> Person:
        """Who calls, as every service and the access log take them."""
        permits = None if self.principal is None else self.principal.permits
        return Person(self.actor, self.roles, self.client_address, permits)

    @property
    def requester(self) -> Person:
        """The former name of ``person``."""
        return self.person

    @property
    def scope(self) -> AgencyScope:
        """The records this caller sees: their agency's (``domain/scope.py``)."""
        return AgencyScope.of(self.actor)


def set_session_cookie(response: Response, services: Services, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=services.settings.accounts.session_max_hours * 3600,
        httponly=True,
        secure=services.settings.accounts.cookie_secure,
        samesite="strict",
        path="/",
    )


def require_same_origin(request: Request) -> None:
    """A login form posted from another site would sign the browser in as someone else."""
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        raise PermissionDenied(
            "the sign-in came from another site", hint="Sign in from this site's /login page."
        )


def client_address(request: Request) -> str | None:
    """The caller's address as the access log and the lockout take it: the peer, or the client
    a trusted proxy forwards for (``http/proxy.py`` decided which before the request got here)."""
    return None if request.client is None else request.client.host


_bearer = HTTPBearer(
    auto_error=False, description="A person's API token (pkt_...) or a camera's key (pkc_...)."
)
_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="The session of a signed-in browser."
)


def authenticate(
    request: Request,
    services: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session_token: Annotated[str | None, Depends(_cookie)],
) -> Caller:
    """The caller behind the request's credentials, or ``AuthenticationFailed``."""
    address = client_address(request)
    if bearer is not None:
        return _bearer_caller(services, bearer.credentials.strip(), address)
    device = _device_caller(request, services, address)
    if device is not None:
        return device
    if session_token:
        while_locked = request.url.path in OPEN_WHILE_LOCKED
        principal = services.accounts.resolve_session(
            session_token, address, while_locked=while_locked
        )
        return _person(principal, address, session_token)
    raise AuthenticationFailed(
        "this endpoint needs you to sign in",
        hint="Sign in at /login, or send 'Authorization: Bearer <API token>'.",
    )


def _bearer_caller(services: Services, credential: str, address: str | None) -> Caller:
    if credential.startswith(CAMERA_KEY_PREFIX):
        return _camera_caller(services.ingest.authenticate(credential), address)
    if credential.startswith(API_TOKEN_PREFIX):
        return _person(services.accounts.resolve_token(credential, address), address, None)
    if credential.startswith(DIRECTORY_TOKEN_PREFIX):
        token = services.directory_tokens.authenticate(credential)
        roles = frozenset({Role.DIRECTORY})
        return Caller(directory_actor(token), roles, address, directory_token=token)
    raise AuthenticationFailed(
        "the bearer credential is neither an API token, a camera key nor a provisioning token",
        hint="Send the token exactly as it was issued (it starts with pkt_, pkc_ or pkp_).",
    )


def _camera_caller(camera: Camera, address: str | None) -> Caller:
    actor = Actor(f"camera:{camera.id}", camera.agency_id, CAMERA_KEY_SIGN_IN)
    return Caller(actor, frozenset({Role.CAMERA}), address, camera=camera)


def _device_caller(request: Request, services: Services, address: str | None) -> Caller | None:
    """A camera sending the weaker ways its custodian allowed (``DeviceAuth``): its key as the
    ``camera_key`` path parameter of a vendor source's route, or as the password of HTTP Basic
    with the camera id as user name. None when the request carries neither."""
    sources = services.sources
    key = request.path_params.get(CAMERA_KEY_PATH_PARAM)
    if key:
        return _camera_caller(sources.authenticate_device(key, DeviceAuth.URL_KEY, None), address)
    basic = _basic_credentials(request.headers.get("authorization", ""))
    if basic is None:
        return None
    camera_id, key = basic
    return _camera_caller(sources.authenticate_device(key, DeviceAuth.BASIC, camera_id), address)


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    user, colon, password = decoded.partition(":")
    if not (user and colon and password):
        raise AuthenticationFailed(
            "the HTTP Basic credentials cannot be read",
            hint="Give the camera id as user name and the camera key as password.",
        )
    return user, password


def _person(principal: Principal, address: str | None, session_token: str | None) -> Caller:
    return Caller(principal.actor, principal.account.roles, address, principal, None, session_token)


CallerDep = Annotated[Caller, Depends(authenticate)]


def authenticated_camera(caller: CallerDep) -> Camera:
    if caller.camera is None:
        raise PermissionDenied(
            "only a camera may send reads", hint="Send the camera's key, not a person's token."
        )
    return caller.camera


CameraDep = Annotated[Camera, Depends(authenticated_camera)]


def authenticated_directory(caller: CallerDep) -> Directory:
    if caller.directory_token is None:
        raise PermissionDenied(
            "only the agency's directory provisions accounts",
            hint="Send the provisioning token a custodian issued ('platekeeper scim token').",
        )
    return Directory(caller.actor, caller.client_address)


DirectoryDep = Annotated[Directory, Depends(authenticated_directory)]


async def check_csrf(request: Request, caller: Caller) -> None:
    """A cookie is sent by the browser whatever page asks; the CSRF token proves the request
    comes from our own page. Bearer credentials are not sent automatically and need none."""
    if caller.session_token is None or request.method in _SAFE_METHODS:
        return
    expected = csrf_token_for(caller.session_token)
    presented = request.headers.get(CSRF_HEADER)
    if presented is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        field = form.get(CSRF_FORM_FIELD)
        presented = field if isinstance(field, str) else None
    if presented is None or not hmac.compare_digest(presented, expected):
        raise CsrfFailed(
            "the request lacks a valid CSRF token",
            hint=f"Send the token from sign-in in the {CSRF_HEADER} header.",
        )


def _guard(permission: Permission) -> Callable[..., Any]:
    async def guard(request: Request, caller: CallerDep, services: ServicesDep) -> Caller:
        # A page's refusal is drawn in the signed-in frame of whoever was refused.
        request.state.caller = caller
        route = {"route": f"{request.method} {redact_url_keys(request.url.path)}"}
        gate = AccessGate(services.access_log, services.clock)
        gate.permitted(Access(caller.person, Stated(), permission, route))
        await check_csrf(request, caller)
        return caller

    guard.permission = permission  # type: ignore[attr-defined]
    return guard


async def _open_to_anyone() -> None:
    """Marks a route as public; it checks nothing."""


_open_to_anyone.permission = PUBLIC  # type: ignore[attr-defined]


def requires(permission: Permission) -> list[params.Depends]:
    """The ``dependencies`` of a route that demands ``permission``."""
    return [Depends(_guard(permission))]


def public() -> list[params.Depends]:
    """The ``dependencies`` of a route anyone may call."""
    return [Depends(_open_to_anyone)]


def declared_permission(route: APIRoute) -> Permission | str | None:
    """What ``route`` declared: a permission, ``PUBLIC``, or None if it declared nothing."""
    declared = [
        getattr(dependency.dependency, "permission", None) for dependency in route.dependencies
    ]
    found = [value for value in declared if value is not None]
    return found[0] if len(found) == 1 else None


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every route of the app, its own and its routers' (the app factory keeps the routers in
    ``app.state.routers``: newer FastAPI no longer lists included routes in ``app.routes``)."""
    routers = getattr(app.state, "routers", [])
    candidates = [*app.routes, *(route for router in routers for route in router.routes)]
    unique: dict[tuple[str, frozenset[str]], APIRoute] = {}
    for route in candidates:
        if isinstance(route, APIRoute):
            unique.setdefault((route.path, frozenset(route.methods or ())), route)
    return list(unique.values())


def refuse_undeclared_routes(app: FastAPI) -> None:
    undeclared = [
        f"{sorted(route.methods or ())} {route.path}"
        for route in api_routes(app)
        if declared_permission(route) is None
    ]
    if undeclared:
        raise RuntimeError(f"routes without a declared permission: {', '.join(undeclared)}")


def document_permissions(app: FastAPI, document: dict[str, Any]) -> None:
    """Name each operation's permission in the OpenAPI document, as ``x-permission``."""
    for route in api_routes(app):
        if not route.include_in_schema:
            continue
        declared = declared_permission(route)
        value = declared.value if isinstance(declared, Permission) else declared
        for method in route.methods or ():
            operation = document["paths"].get(route.path_format, {}).get(method.lower())
            if operation is not None:
                operation[PERMISSION_KEY] = value
