"""The forwarding rule itself (``http/proxy.py``): which hop is the client, over which scheme."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from starlette.types import Message, Receive, Scope, Send

from platekeeper.config import load_settings
from platekeeper.errors import ConfigError
from platekeeper.http.proxy import (
    ForwardedByTrustedProxies,
    Hop,
    Origin,
    TrustedProxies,
    forwarded_hops,
)

PROXY = Origin("10.0.0.5", "http")


def hops(**headers: str) -> list[Hop]:
    raw = [
        (name.replace("_", "-").lower().encode(), value.encode()) for name, value in headers.items()
    ]
    return forwarded_hops(raw)


def test_x_forwarded_for_and_proto_are_matched_from_the_right() -> None:
    assert hops(x_forwarded_for="203.0.113.9, 10.0.0.4", x_forwarded_proto="https") == [
        Hop("203.0.113.9", None),
        Hop("10.0.0.4", "https"),
    ]
    assert hops(x_forwarded_for="203.0.113.9", x_forwarded_proto="https, http") == [
        Hop("203.0.113.9", "http")
    ]
    assert hops(x_forwarded_proto="https") == [Hop(None, "https")]
    assert hops() == []


def test_forwarded_is_read_as_rfc_7239_writes_it_and_wins_over_x_forwarded() -> None:
    said = hops(
        forwarded='for=192.0.2.43;proto=https, for="[2001:db8:cafe::17]:4711", for=unknown',
        x_forwarded_for="198.51.100.1",
    )
    assert said == [Hop("192.0.2.43", "https"), Hop("2001:db8:cafe::17", None), Hop(None, None)]


def test_values_that_are_not_addresses_or_schemes_are_not_taken() -> None:
    assert hops(x_forwarded_for="evil.example, 203.0.113.9:5555", x_forwarded_proto="gopher") == [
        Hop(None, None),
        Hop("203.0.113.9", None),
    ]


def test_an_untrusted_peer_is_the_client_whatever_it_says() -> None:
    proxies = TrustedProxies(["10.0.0.0/24"])
    stranger = Origin("198.51.100.20", "http")
    assert proxies.origin(stranger, [Hop("203.0.113.9", "https")]) == stranger
    assert TrustedProxies([]).origin(PROXY, [Hop("203.0.113.9", "https")]) == PROXY


def test_the_client_is_the_first_untrusted_hop_from_the_nearest() -> None:
    proxies = TrustedProxies(["10.0.0.5", "10.0.1.0/24"])
    forged = [Hop("198.51.100.77", "https"), Hop("203.0.113.9", "http"), Hop("10.0.1.8", None)]
    assert proxies.origin(PROXY, forged) == Origin("203.0.113.9", "http")
    assert proxies.origin(PROXY, [Hop("10.0.1.8", "https")]) == Origin("10.0.1.8", "https")
    assert proxies.origin(PROXY, [Hop(None, "https")]) == Origin("10.0.0.5", "https")
    assert proxies.origin(PROXY, []) == PROXY


@pytest.mark.parametrize(
    ("peer", "trusted"),
    [
        ("10.0.0.5", True),
        ("::ffff:10.0.0.5", True),
        ("10.0.0.6", False),
        ("::1", False),
        ("not-an-address", False),
    ],
)
def test_which_peers_are_trusted(peer: str, trusted: bool) -> None:
    assert TrustedProxies(["10.0.0.5"]).trusts(peer) is trusted


def _seen_by_the_app(proxies: list[str], client: tuple[str, int], scheme: str) -> Scope:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None:
        return None

    scope: Scope = {
        "type": "http",
        "scheme": scheme,
        "client": client,
        "headers": [
            (b"host", b"lab.example"),
            (b"x-forwarded-for", b"203.0.113.9"),
            (b"x-forwarded-proto", b"https"),
            (b"forwarded", b"for=203.0.113.9;proto=https"),
        ],
    }
    asyncio.run(ForwardedByTrustedProxies(app, proxies)(scope, receive, send))
    return seen[0]


def test_the_app_never_sees_the_forwarding_headers_trusted_or_not() -> None:
    untrusted = _seen_by_the_app([], ("127.0.0.1", 5000), "http")
    trusted = _seen_by_the_app(["127.0.0.1"], ("127.0.0.1", 5000), "http")
    assert untrusted["client"] == ("127.0.0.1", 5000)
    assert untrusted["scheme"] == "http"
    assert trusted["client"] == ("203.0.113.9", 0)
    assert trusted["scheme"] == "https"
    for scope in (untrusted, trusted):
        assert [name for name, _ in scope["headers"]] == [b"host"]


@pytest.mark.parametrize("proxies", [["0.0.0.0/0"], ["10.0.0.5", "::/0"], ["proxy.internal"]])
def test_a_behind_proxy_that_names_everyone_or_no_address_is_refused(
    proxies: list[str], tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=r"server\.behind_proxy"):
        load_settings(data_dir=tmp_path, server={"behind_proxy": proxies})
