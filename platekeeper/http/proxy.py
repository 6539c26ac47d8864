"""Who is at the other end of a request, and over what: the one place that decides.

A request's peer is whoever opened the connection. When the app runs behind reverse proxies that
end TLS (``server.behind_proxy``), the peer is a proxy, and the proxy says in ``Forwarded`` or
``X-Forwarded-For`` / ``X-Forwarded-Proto`` whom it forwards for and how that client reached it.
Anyone can send those headers, so they are believed only from a peer named in
``server.behind_proxy``; from any other peer they are ignored. Either way they are then removed
from the request, so no code further in can read them by mistake.

What this decides is what the rest of the app sees as ``request.client`` (the address the access
log and the login lockout record) and ``request.url.scheme`` (whether HSTS is sent and cookies are
marked Secure). uvicorn's own handling of the same headers is switched off where the server is
configured (``cli/serve.py``): by default it believes them from 127.0.0.1, so any local process
could pose as any address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from starlette.types import ASGIApp, Receive, Scope, Send

_FORWARDING_HEADERS = frozenset({b"forwarded", b"x-forwarded-for", b"x-forwarded-proto"})
_SCHEMES = frozenset({"http", "https"})
# One element of a Forwarded header: commas inside quoted values do not split it.
_ELEMENT = re.compile(r'(?:[^,"]|"[^"]*")+')
_PAIR = re.compile(r'\s*([A-Za-z]+)\s*=\s*("[^"]*"|[^;]*)')


@dataclass(frozen=True, slots=True)
class Hop:
    """One step a request took, as a proxy reports it: the address it came from (None when the
    proxy gives no usable IP address) and the scheme it was reached by, if said."""

    address: str | None
    scheme: str | None


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request comes from, as far as the app can believe it."""

    address: str
    scheme: str


class TrustedProxies:
    """The proxies named in ``server.behind_proxy``; with none, nobody's forwarding is believed."""

    def __init__(self, proxies: Iterable[str]) -> None:
        self._networks: tuple[IPv4Network | IPv6Network, ...] = tuple(
            ip_network(proxy, strict=False) for proxy in proxies
        )

    def __bool__(self) -> bool:
        return bool(self._networks)

    def trusts(self, address: str | None) -> bool:
        if address is None:
            return False
        try:
            ip = ip_address(address)
        except ValueError:
            return False
        # A dual-stack socket reports an IPv4 peer as ::ffff:10.0.0.5.
        ip = getattr(ip, "ipv4_mapped", None) or ip
        return any(ip in network for network in self._networks)

    def origin(self, peer: Origin, hops: Sequence[Hop]) -> Origin:
        """The client behind ``peer``: walking the hops from the nearest, each trusted proxy's
        word is taken for the hop before it, up to the first address that is not a trusted
        proxy. The scheme is the one said nearest to the client."""
        if not self.trusts(peer.address):
            return peer
        address, scheme = peer.address, peer.scheme
        for hop in reversed(hops):
            scheme = hop.scheme or scheme
            if hop.address is None:
                break  # the proxy would not say; the last address known is all there is
            address = hop.address
            if not self.trusts(hop.address):
                break
        return Origin(address, scheme)


def forwarded_hops(headers: Sequence[tuple[bytes, bytes]]) -> list[Hop]:
    """The hops the forwarding headers report, the client's first: from ``Forwarded`` (RFC 7239)
    if it is present, else from ``X-Forwarded-For`` with ``X-Forwarded-Proto`` matched to it from
    the right (a proxy that appends adds one of each; one that overwrites leaves its own)."""
    values: dict[bytes, list[str]] = {}
    for name, value in headers:
        if name in _FORWARDING_HEADERS:
            values.setdefault(name, []).append(value.decode("latin-1"))
    if b"forwarded" in values:
        elements = _ELEMENT.findall(",".join(values[b"forwarded"]))
        return [_forwarded_hop(element) for element in elements]
    addresses: list[str | None] = [_address(a) for a in _list(values.get(b"x-forwarded-for", []))]
    schemes = [_scheme(s) for s in _list(values.get(b"x-forwarded-proto", []))]
    if not addresses:  # a proxy that says only the scheme
        return [Hop(None, schemes[-1])] if schemes else []
    # Matched from the right: the nearest proxy's scheme goes with the address it appended.
    offset = len(addresses) - len(schemes)
    return [
        Hop(address, schemes[index - offset] if index >= offset else None)
        for index, address in enumerate(addresses)
    ]


def _list(values: Sequence[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _forwarded_hop(element: str) -> Hop:
    pairs = {key.lower(): value.strip().strip('"') for key, value in _PAIR.findall(element)}
    return Hop(_address(pairs.get("for", "")), _scheme(pairs.get("proto")))


def _address(value: str) -> str | None:
    """The IP address in a forwarded value (``192.0.2.7``, ``192.0.2.7:4711``,
    ``[2001:db8::7]:4711``), or None for anything else (``unknown``, an obfuscated name)."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1 : value.find("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ip_address(value))
    except ValueError:
        return None


def _scheme(value: str | None) -> str | None:
    scheme = (value or "").strip().lower()
    return scheme if scheme in _SCHEMES else None


class ForwardedByTrustedProxies:
    """ASGI middleware: set the request's client and scheme by the rule above, and drop the
    forwarding headers. It runs outermost, before anything reads the client or the scheme."""

    def __init__(self, app: ASGIApp, proxies: Iterable[str]) -> None:
        self._app = app
        self._proxies = TrustedProxies(proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = list(scope.get("headers", ()))
            client = scope.get("client")
            if self._proxies and client is not None:
                websocket = scope["type"] == "websocket"
                scheme = str(scope.get("scheme", "http")).replace("ws", "http")
                said = self._proxies.origin(Origin(client[0], scheme), forwarded_hops(headers))
                scope["client"] = (said.address, client[1] if said.address == client[0] else 0)
                scope["scheme"] = said.scheme.replace("http", "ws") if websocket else said.scheme
            scope["headers"] = [(n, v) for n, v in headers if n not in _FORWARDING_HEADERS]
        await self._app(scope, receive, send)
