"""Attack 13: plate data was shown outside the gate (legal holds, share requests, hot lists).

The class-closing test walks every GET route of the app, API and pages, as every role, with a
plate seeded into each kind of record that can hold one (a read, its hit, a hot-list entry, a
legal hold, a share request). No response may show the plate, or the read's id, unless the same
request wrote an allowed access to the log in that person's name.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from platekeeper.app import create_app
from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.gate import Person
from platekeeper.domain.holds import PlateSpan
from platekeeper.domain.people import Role
from platekeeper.domain.sharing import EntityType
from platekeeper.http.auth import api_routes
from platekeeper.services import Services
from platekeeper.sharing.service import RecipientDraft, ShareOrder
from platekeeper.store.protocols import AccessFilter
from tests.api import conftest as api_fixtures
from tests.api.conftest import LiveApp
from tests.api.people import staff
from tests.conftest import NOW
from tests.hotlists.alerts.samples import make_alert

backend_settings = api_fixtures.backend_settings
services = api_fixtures.services
live_app = api_fixtures.live_app

PLATE = "7ABC123"
BASIS = {"purpose": "stolen-vehicle", "case_number": "2026-000123"}
_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


def seed(services: Services, people: dict[Role, object]) -> dict[str, str]:
    """One record of each kind holding ``PLATE``; their ids by path parameter name."""
    alert = make_alert(services.images)
    store = services.store
    store.reads.add([alert.read])
    store.hotlists.add(alert.hotlist)
    store.hotlist_entries.add([alert.entry])
    store.hits.add([alert.hit])
    analyst = Person(Actor("avery", "demo-pd"), frozenset({Role.ANALYST}))
    hold = services.holds.request(
        analyst,
        case_number="2026-000123",
        reason="evidence for the stolen-vehicle case",
        expires_at=NOW + timedelta(days=30),
        plates=PlateSpan(PLATE, NOW - timedelta(days=2), NOW),
    )
    custodian = Person(Actor("casey", "demo-pd"), frozenset({Role.CUSTODIAN}))
    recipient = services.sharing.add_recipient(
        custodian,
        RecipientDraft(
            legal_name="Nearby Sheriff",
            entity_type=EntityType.PUBLIC_AGENCY,
            state="CA",
            contact="records@example.org",
            approving_official="Chief",
            purpose_and_need="mutual aid",
            next_review_on=date(2027, 1, 1),
        ),
    )
    request = services.sharing.submit(
        custodian,
        ShareOrder(recipient.id, "stolen-vehicle", "2026-000123", plate=PLATE),
    )
    return {
        "read_id": alert.read.id,
        "hit_id": alert.hit.id,
        "list_id": alert.hotlist.id,
        "entry_id": alert.entry.id,
        "hold_id": hold.id,
        "request_id": request.id,
        "recipient_id": recipient.id,
        "plate": PLATE,
        "kind": "crop",
    }


def latest_seq(services: Services, username: str) -> int:
    found = services.store.access_log.find(
        AccessFilter(username=username, outcome=AccessOutcome.ALLOWED, limit=1)
    )
    return found[0].seq if found else 0


def test_no_response_shows_a_plate_without_an_access_in_the_log(live_app: LiveApp) -> None:
    services = live_app.services
    people = staff(services)
    ids = seed(services, dict(people))
    read_id = ids["read_id"]
    app = create_app(services)
    paths = sorted(
        {
            route.path
            for route in api_routes(app)
            if "GET" in (route.methods or ()) and "stream" not in route.path
        }
    )
    assert len(paths) > 20
    unlogged = []
    shown = 0
    with live_app.client() as client:
        for path in paths:
            url = _PARAM.sub(lambda m: ids.get(m.group(1), "x"), path)
            for role, person in people.items():
                before = latest_seq(services, person.account.username)
                params = {**BASIS, "plate": PLATE}
                response = client.get(url, params=params, headers=person.headers)
                body = response.content.decode("utf-8", "replace")
                if PLATE not in body and read_id not in body:
                    continue
                shown += 1
                if latest_seq(services, person.account.username) <= before:
                    unlogged.append(f"GET {url} as {role.value}: {response.status_code}")
    assert shown > 5, "the walk reached too few responses that show the plate"
    assert unlogged == []
