"""Single sign-on in a browser: off to the agency's OpenID provider, and back.

The sign-in under way is bound to this browser by a cookie holding a random value (its hash
finds the sign-in's state, nonce and PKCE verifier on the server: ``accounts/sign_on.py``).
That cookie is SameSite=Lax, because the provider's answer arrives as a top-level navigation
from another site; the session cookie stays Strict. For the same reason the answer's page
moves on with a page of its own rather than a redirect: a Strict cookie set on a redirect
chain that another site began is not sent on its next step.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse

from platekeeper.accounts.sign_on import SingleSignOn
from platekeeper.errors import NotFound, PlateKeeperError
from platekeeper.http.auth import client_address, public, set_session_cookie
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services
from platekeeper.web.errors import safe_next
from platekeeper.web.rendering import render

router = APIRouter(include_in_schema=False)

BINDING_COOKIE = "pk_sign_on"
CALLBACK_PATH = "/login/oidc/callback"
_BINDING_MAX_AGE_S = 600


def sign_on_of(services: Services) -> SingleSignOn:
    if services.sign_on is None:
        raise NotFound("single sign-on is not set up here", hint="Sign in with your password.")
    return services.sign_on


def public_url(request: Request, services: Services, path: str) -> str:
    """``path`` at the address people reach PlateKeeper at: ``oidc.public_url``, else this
    request's."""
    base = services.settings.oidc.public_url
    if base is not None:
        return f"{base}{path}"
    return str(request.base_url.replace(path=path, query="", fragment=""))


@router.get("/login/oidc", dependencies=public())
def begin_sign_on(
    request: Request,
    services: ServicesDep,
    next_page: Annotated[str | None, Query(alias="next", max_length=2000)] = None,
) -> Response:
    sign_on = sign_on_of(services)
    url, binding = sign_on.begin(safe_next(next_page), public_url(request, services, CALLBACK_PATH))
    response = RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        BINDING_COOKIE,
        binding,
        max_age=_BINDING_MAX_AGE_S,
        httponly=True,
        secure=services.settings.accounts.cookie_secure,
        samesite="lax",
        path="/login/oidc",
    )
    return response


@router.get(CALLBACK_PATH, response_class=HTMLResponse, dependencies=public())
def finish_sign_on(  # noqa: PLR0917 - the provider's answer comes as query parameters
    request: Request,
    services: ServicesDep,
    state: Annotated[str | None, Query(max_length=500)] = None,
    code: Annotated[str | None, Query(max_length=2000)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
    error_description: Annotated[str | None, Query(max_length=500)] = None,
    iss: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    sign_on = sign_on_of(services)
    said = error if error_description is None or error is None else f"{error}: {error_description}"
    try:
        signed_on = sign_on.finish(
            request.cookies.get(BINDING_COOKIE),
            state=state,
            code=code,
            error=said,
            redirect_uri=public_url(request, services, CALLBACK_PATH),
            client_address=client_address(request),
            issuer=iss,
        )
    except PlateKeeperError as exc:
        response: Response = _refused(request, services, exc)
    else:
        response = render(
            request,
            "continue.html",
            {
                "heading": "Signed in",
                "text": f"Signed in through {sign_on.provider_name}.",
                "target": safe_next(signed_on.next_page),
            },
        )
        set_session_cookie(response, services, signed_on.session_token)
    response.delete_cookie(BINDING_COOKIE, path="/login/oidc")
    return response


def provider_logout(request: Request, services: Services, session_id: str) -> str | None:
    """Where a browser signing out of a session made by single sign-on goes next, so that the
    provider's session ends too (its page then sends the browser back to /login)."""
    if services.sign_on is None:
        return None
    try:
        return services.sign_on.logout_url(session_id, public_url(request, services, "/login"))
    except PlateKeeperError:
        # The provider is unreachable: the session here ends all the same.
        return None


def _refused(request: Request, services: Services, error: PlateKeeperError) -> HTMLResponse:
    hint = f" {error.hint}" if error.hint else ""
    return render(
        request,
        "login.html",
        {
            "error": f"{error.message[:1].upper()}{error.message[1:]}.{hint}",
            "username": "",
            "next": "/dashboard",
            "idle_limit": services.settings.accounts.session_idle_minutes,
            "change_password": False,
            "sign_on": sign_on_name(services),
            "refused_code": error.code,
        },
        status_code=error.status,
    )


def sign_on_name(services: Services) -> str | None:
    return None if services.sign_on is None else services.sign_on.provider_name
