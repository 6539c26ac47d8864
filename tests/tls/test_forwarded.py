"""Forwarding headers over real HTTP: believed from a proxy named in ``server.behind_proxy`` only.

The attacker here is anyone who can reach the port, a process on the same machine included, and
sends ``X-Forwarded-For`` or ``Forwarded`` to put another address in the access log, to dodge the
per-address sign-in lockout, or ``X-Forwarded-Proto: https`` to pass plain HTTP off as encrypted.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from platekeeper.domain.people import Role
from platekeeper.services import Services
from platekeeper.store.protocols import AccessFilter
from tests.api.people import PASSWORD, Person, add_person
from tests.tls.conftest import ServicesOn, client, serving, settings_with

SPOOFED = {
    "X-Forwarded-For": "203.0.113.9",
    "X-Forwarded-Proto": "https",
    "Forwarded": "for=203.0.113.9;proto=https",
}
WRONG = {"username": "sam", "password": "not the password at all"}


def _addresses(services: Services, username: str, action: str) -> list[str | None]:
    found = services.store.access_log.find(AccessFilter(username=username, action=action))
    return [record.event.client_address for record in found]


def _login_addresses(services: Services, username: str) -> list[str | None]:
    return _addresses(services, username, "auth:login")


def _sign_in(client: httpx.Client, person: Person, headers: dict[str, str]) -> httpx.Response:
    """Both steps of signing in, each through the proxy with ``headers``: the password, then a
    code; the answer to the second, which sets the session cookie."""
    username = person.account.username
    password_step = client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}, headers=headers
    )
    assert password_step.status_code == 200, password_step.text
    assert "set-cookie" not in password_step.headers, "no session before the second factor"
    pending = password_step.json()["pending_token"]
    return client.post(
        "/api/v1/auth/second-factor",
        json={"pending_token": pending, "code": person.code()},
        headers=headers,
    )


def _fail_login(plain: httpx.Client, username: str, headers: dict[str, str]) -> httpx.Response:
    return plain.post("/api/v1/auth/login", json={**WRONG, "username": username}, headers=headers)


def test_forwarding_headers_from_any_other_peer_change_nothing(
    tmp_path: Path, make_services: ServicesOn
) -> None:
    """No proxy named: uvicorn's own default would believe 127.0.0.1; PlateKeeper does not."""
    services = make_services(settings_with(tmp_path))
    add_person(services, "sam", Role.SUPERVISOR)
    with serving(services) as url, client(url) as plain:
        refused = _fail_login(plain, "sam", SPOOFED)
    assert refused.status_code == 401
    assert _login_addresses(services, "sam") == ["127.0.0.1"]
    assert "strict-transport-security" not in refused.headers, "plain HTTP is not HTTPS"


def test_from_a_trusted_proxy_the_client_and_scheme_it_forwards_are_used(
    tmp_path: Path, make_services: ServicesOn
) -> None:
    settings = settings_with(
        tmp_path, server={"behind_proxy": ["127.0.0.1"]}, accounts={"cookie_secure": False}
    )
    services = make_services(settings)
    sam = add_person(services, "sam", Role.SUPERVISOR)
    add_person(services, "avery", Role.ANALYST)
    # The client put an address of its own first; the proxy appended the one it saw.
    appended = {"X-Forwarded-For": "198.51.100.77, 203.0.113.9", "X-Forwarded-Proto": "https"}
    standard = {"Forwarded": 'for="[2001:db8::7]:4711";proto=https'}
    with serving(services) as url, client(url) as proxy:
        refused = _fail_login(proxy, "sam", appended)
        _fail_login(proxy, "avery", standard)
        signed_in = _sign_in(proxy, sam, appended)
    # The refused password and the session begun after the second factor.
    assert _login_addresses(services, "sam") == ["203.0.113.9", "203.0.113.9"]
    assert _addresses(services, "sam", "auth:password") == ["203.0.113.9"]
    assert _login_addresses(services, "avery") == ["2001:db8::7"]
    assert refused.headers["strict-transport-security"] == "max-age=31536000"
    assert signed_in.status_code == 200, signed_in.text
    cookie = [part.strip().lower() for part in signed_in.headers["set-cookie"].split(";")]
    assert cookie[0].startswith("pk_session="), "the session cookie, set by the second step"
    assert "secure" in cookie, "the client reached the proxy over HTTPS"


def test_rotating_forwarded_addresses_does_not_escape_the_address_lockout(
    tmp_path: Path, make_services: ServicesOn
) -> None:
    services = make_services(settings_with(tmp_path, accounts={"address_lockout_failures": 5}))
    with serving(services) as url, client(url) as plain:
        for attempt in range(5):
            forged = {"X-Forwarded-For": f"203.0.113.{attempt}"}
            assert _fail_login(plain, f"guess{attempt}", forged).status_code == 401
        sixth = _fail_login(plain, "guess6", {"X-Forwarded-For": "203.0.113.200"})
    assert sixth.status_code == 401
    assert "your address is locked" in sixth.json()["detail"]


def test_behind_a_trusted_proxy_each_forwarded_client_is_locked_out_on_its_own(
    tmp_path: Path, make_services: ServicesOn
) -> None:
    settings = settings_with(
        tmp_path, server={"behind_proxy": ["127.0.0.0/8"]}, accounts={"address_lockout_failures": 5}
    )
    services = make_services(settings)
    sprayer, bystander = {"X-Forwarded-For": "203.0.113.9"}, {"X-Forwarded-For": "203.0.113.10"}
    with serving(services) as url, client(url) as proxy:
        for attempt in range(5):
            _fail_login(proxy, f"guess{attempt}", sprayer)
        locked = _fail_login(proxy, "guess6", sprayer)
        other = _fail_login(proxy, "guess7", bystander)
    assert "your address is locked" in locked.json()["detail"]
    assert "your address is locked" not in other.json()["detail"]
    assert other.status_code == 401
