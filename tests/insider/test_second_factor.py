"""Attack 16: reaching plate data without a second factor (CJIS 5.9.5, IA-2(1)/(2)).

A person who holds no second factor, or who has not shown it, tries every channel: the pages
(the password, then straight to a search), an API token issued before they enrolled, and the
console. None of them reaches a read, and no search is written to the access log as theirs.
"""

from __future__ import annotations

from pathlib import Path

from platekeeper.accounts.authority import HostOperator
from platekeeper.config import load_settings
from platekeeper.domain.access import Actor
from platekeeper.domain.people import Role
from platekeeper.services import build_services
from platekeeper.store.protocols import AccessFilter
from tests.accounts.conftest import PASSWORD, add_person
from tests.api.conftest import LiveApp
from tests.api.people import staff
from tests.cli.console import run_as
from tests.conftest import make_read

SEARCH = {"plate": "7ABC123", "purpose": "stolen-vehicle", "case_number": "2026-000123"}
HOST = HostOperator(Actor("cli:host", "-"))


def _unenrolled(live_app: LiveApp, username: str) -> str:
    """The person's factors gone, as a newcomer who never enrolled; their account id."""
    account = live_app.services.accounts.by_username(username)
    live_app.services.store.second_factors.delete_for_account(account.id)
    return account.id


def _searches_by(live_app: LiveApp, username: str) -> int:
    found = live_app.services.store.access_log.find(
        AccessFilter(username=username, action="reads:search")
    )
    return len(found)


def test_the_pages_open_no_plate_data_on_a_password(live_app: LiveApp) -> None:
    live_app.services.store.reads.add([make_read(0, plate_text="7ABC123")])
    staff(live_app.services)
    _unenrolled(live_app, "avery")
    form = {"username": "avery", "password": "correct horse battery staple", "next": "/search"}
    with live_app.client() as client:
        answer = client.post("/login", data=form)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login/enrol")
        assert "pk_session" not in answer.cookies
        pending = answer.cookies["pk_pending"]
        # Straight to the search page and the search API, with the pending token as a session.
        for cookie in ("", f"pk_session={pending}", f"pk_pending={pending}"):
            browser = {"Cookie": cookie, "Accept": "text/html"}
            page = client.get("/search", params=SEARCH, headers=browser)
            assert page.status_code == 303
            assert page.headers["location"].startswith("/login")
            api = client.get("/api/v1/reads", params=SEARCH, headers={"Cookie": cookie})
            assert api.status_code == 401
    assert _searches_by(live_app, "avery") == 0


def test_an_api_token_of_a_person_without_a_factor_reaches_nothing(live_app: LiveApp) -> None:
    live_app.services.store.reads.add([make_read(0, plate_text="7ABC123")])
    people = staff(live_app.services)
    _unenrolled(live_app, "avery")
    # A token the host issued for them before they ever enrolled: it stays shut until they do.
    with live_app.client(people[Role.ANALYST].token) as client:
        refused = client.get("/api/v1/reads", params=SEARCH)
        assert refused.status_code == 401
        assert refused.json()["code"] == "second_factor_required"
        me = client.get("/api/v1/auth/me")
        assert me.status_code == 401
    assert _searches_by(live_app, "avery") == 0
    denied = live_app.services.store.access_log.find(
        AccessFilter(username="avery", action="auth:token")
    )
    assert denied
    assert all(entry.event.outcome == "denied" for entry in denied)


def test_the_console_opens_nothing_without_a_code(tmp_path: Path) -> None:
    assert run_as(tmp_path, None, "db", "upgrade").returncode == 0
    agency = ("agency", "add", "demo-pd", "--name", "D", "--state", "CA")
    assert run_as(tmp_path, None, *agency).returncode == 0
    services = build_services(load_settings(data_dir=tmp_path))
    try:
        today = services.clock.now().date()
        add_person(services.accounts, "sam", Role.SUPERVISOR, trained_on=today)
        enrolled = add_person(services.accounts, "avery", Role.SUPERVISOR, trained_on=today)
        services.second_factors.seed_totp(HOST, enrolled.id, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    finally:
        services.close()
    # No factor at all: the password alone does nothing.
    unenrolled = run_as(tmp_path, "sam", "hold", "list", password=PASSWORD)
    assert unenrolled.returncode != 0
    assert "no second factor yet" in unenrolled.stderr
    # A factor, and a wrong code, or a made-up recovery code: nothing either.
    for code in ("000000", "abcde-fghjk"):
        refused = run_as(tmp_path, "avery", "hold", "list", password=PASSWORD, code=code)
        assert refused.returncode != 0
        assert "not valid" in refused.stderr
    services = build_services(load_settings(data_dir=tmp_path))
    try:
        acts = [
            (entry.event.action, entry.event.outcome.value)
            for who in ("sam", "avery")
            for entry in services.store.access_log.find(AccessFilter(username=who))
            if entry.event.actor.username == who
        ]
    finally:
        services.close()
    # Each was refused at the door: nothing they did got further than signing in.
    assert ("auth:second-factor", "denied") in acts
    assert {action for action, _ in acts} <= {"auth:password", "auth:second-factor", "auth:login"}
    assert ("auth:login", "allowed") not in acts
