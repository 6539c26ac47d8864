"""Headers that make the browser a second line of defence for the pages: scripts only from this
server, no framing, no sniffing. Escaping in the templates is the first line; with this policy,
markup that slipped through still could not run a script."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Swagger UI's page starts itself with an inline script; it shows no plate data.
_EXEMPT = ("/docs",)
# Documents made to be saved or printed whole (the policy, the compliance report) carry their
# style sheet inline; they still run no script.
_SELF_STYLED = ("/policy", "/api/v1/reports/")


def content_security_policy(map_tile_url: str | None, *, inline_styles: bool = False) -> str:
    images = "'self' data: blob:"
    if map_tile_url is not None:
        parts = urlsplit(map_tile_url.replace("{", "").replace("}", ""))
        images += f" {parts.scheme}://{parts.netloc}"
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'" if inline_styles else "style-src 'self'",
            f"img-src {images}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeaders:
    """ASGI middleware, not Starlette's ``BaseHTTPMiddleware``: that one buffers nothing but
    wraps every response in a task, which the long-lived alert streams do not need."""

    def __init__(self, app: ASGIApp, map_tile_url: str | None, hsts_max_age_s: int) -> None:
        self._app = app
        self._policy = content_security_policy(map_tile_url)
        self._document_policy = content_security_policy(map_tile_url, inline_styles=True)
        self._hsts = f"max-age={hsts_max_age_s}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        exempt = path.startswith(_EXEMPT)
        policy = self._document_policy if path.startswith(_SELF_STYLED) else self._policy
        # The scheme as the client used it: a trusted proxy's word (http/proxy.py) or our own TLS.
        encrypted = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if encrypted:
                    _keep_to_https(headers, self._hsts)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if headers.get("content-type", "").startswith("text/html") and not exempt:
                    headers.setdefault("Content-Security-Policy", policy)
                    headers.setdefault("X-Frame-Options", "DENY")
            await send(message)

        await self._app(scope, receive, with_headers)


def _keep_to_https(headers: MutableHeaders, hsts: str) -> None:
    """An answer over HTTPS tells the browser to come back over HTTPS only (HSTS; over plain
    HTTP the header would mean nothing and is never sent), and marks every cookie it sets
    Secure, whatever ``accounts.cookie_secure`` says: a session that began encrypted stays so."""
    headers.setdefault("Strict-Transport-Security", hsts)
    cookies = headers.getlist("set-cookie")
    if not cookies:
        return
    del headers["set-cookie"]
    for cookie in cookies:
        secure = any(part.strip().lower() == "secure" for part in cookie.split(";"))
        headers.append("set-cookie", cookie if secure else f"{cookie}; Secure")


def install_security_headers(app: FastAPI, map_tile_url: str | None, hsts_max_age_s: int) -> None:
    app.add_middleware(SecurityHeaders, map_tile_url=map_tile_url, hsts_max_age_s=hsts_max_age_s)
