"""One agency, one world: every route of the app, called by agency B's people of each role
against agency A's objects, neither shows nor changes anything of A's.

The routes come from the app's own route table (as tests/api/test_authorisation.py does), so a
route added later is tried too; a path parameter this test cannot fill fails it. Each request
names A's objects (its read, hit, hot list and entry, hold, approval, share request, recipient,
accounts, camera, API token, second factor, plate) in its path, query and body; a response to B
must hold nothing of A's that B did not send itself, and A's records must be as they were.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest

from platekeeper.access import Requester
from platekeeper.app import create_app
from platekeeper.config import Settings
from platekeeper.config.identity import IdentitySettings
from platekeeper.domain import gate
from platekeeper.domain.access import Actor
from platekeeper.domain.approvals import SearchApproval
from platekeeper.domain.holds import PlateSpan
from platekeeper.domain.hotlists import AlertLevel, ListSource
from platekeeper.domain.people import Role
from platekeeper.domain.retention import DataClass, RetentionRule
from platekeeper.domain.scope import AgencyScope
from platekeeper.errors import NotFound
from platekeeper.hotlists.entries import EntryDraft
from platekeeper.hotlists.service import Editor
from platekeeper.http.auth import PUBLIC, api_routes, declared_permission
from platekeeper.services import Services
from platekeeper.store.protocols import AccessFilter, HitFilter, ReadQuery
from tests.api.conftest import LiveApp
from tests.api.people import CONSOLE, PERSON_ROLES, Person, add_person
from tests.conftest import NOW, make_agency, make_camera, make_read

A, B = "demo-pd", "other-pd"
PLATE = "7QZX482"
CASE_A = "2026-000321"
CASE_B = "2026-000999"
NAMES = {
    Role.OFFICER: "olivia",
    Role.ANALYST: "avery",
    Role.SUPERVISOR: "sam",
    Role.CUSTODIAN: "casey",
    Role.AUDITOR: "aude",
}
_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")
# Routes this test does not call, and why.
SKIPPED = {
    "/api/v1/alerts/stream": "a stream that stays open; who receives an alert is may_receive's "
    "rule (tests/hotlists/alerts/test_stream.py)",
    "/transparency/reports/{number}.json": "public: a published report of aggregates, no "
    "agency's object (tests/loopholes/test_r37_schedule.py, tests/loopholes/test_r37_lists.py)",
}
# Parameters that pick an operation rather than an object: every value is tried.
STEPS = {
    "decision": ["approve", "deny", "export"],
    "step": ["approve", "release"],
    "change": ["suspend", "deactivate", "password", "reset-password"],
    # A map tile's coordinates: the base map is the server's, no agency's object.
    "z": ["0"],
    "x": ["0"],
    "y": ["0"],
    "source": ["rekor"],
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A's directory group grants a role, so that its directory's user has an account."""
    identity = IdentitySettings(group_roles={"Alfa-Officers": (Role.OFFICER,)})
    return settings.model_copy(update={"identity": identity})


@dataclass
class AgencyA:
    """A's objects by the path parameter that names them, and the text that is A's alone."""

    ids: dict[str, str]
    secrets: set[str] = field(default_factory=set)


def _people(services: Services, agency_id: str, prefix: str) -> dict[Role, Person]:
    """One person per role of ``agency_id``, and its directory with a provisioning token."""
    people = {
        role: add_person(services, f"{prefix}.{NAMES[role]}", role, agency_id)
        for role in PERSON_ROLES
    }
    custodian = people[Role.CUSTODIAN].account
    who = gate.Person(Actor(custodian.username, agency_id), custodian.roles)
    _, token = services.directory_tokens.issue(who, f"{prefix}-directory", 30)
    people[Role.DIRECTORY] = Person(custodian, token, people[Role.CUSTODIAN].authenticators)
    return people


def _directory_records(app: LiveApp, directory: Person) -> tuple[str, str]:
    """A's directory user (with an account, through a group) and group, by SCIM."""
    user = {"userName": "alfa.dana", "displayName": "Alfa Dana", "externalId": "alfa-ext"}
    with app.client(directory.token) as client:
        made = client.post("/scim/v2/Users", json=user)
        assert made.status_code == 201, made.text
        group = {"displayName": "Alfa-Officers", "members": [{"value": made.json()["id"]}]}
        grouped = client.post("/scim/v2/Groups", json=group)
        assert grouped.status_code == 201, grouped.text
    return str(made.json()["id"]), str(grouped.json()["id"])


def _build_a(app: LiveApp) -> AgencyA:
    services = app.services
    people = _people(services, A, "alfa")
    gate_camera, camera_key = make_camera("alfa-gate-7")
    services.store.cameras.add(gate_camera)
    editor = Editor(Actor("alfa.editor", A), frozenset({Role.SUPERVISOR}))
    services.hotlists.create_list(
        editor,
        list_id="alfa-stolen",
        name="Alfa stolen vehicles",
        source=ListSource.MANUAL,
        priority=1,
        alert_level=AlertLevel.CRITICAL,
        covert=False,
        agency_id=A,
    )
    services.hotlists.add_entry(
        editor,
        "alfa-stolen",
        EntryDraft(plate=PLATE, reason="stolen vehicle", state="CA", case_number=CASE_A),
    )
    read = {
        "client_read_id": "alfa-1",
        "plate_text": PLATE,
        "confidence": 0.9,
        "captured_at": (NOW - timedelta(days=2)).isoformat(),
        "region": "us-ca",
    }
    with app.client(app.camera_key) as camera:
        assert camera.post("/api/v1/reads", json=read).status_code == 201
    [stored] = services.store.reads.find(ReadQuery(plate_key=PLATE, limit=1))
    [hit] = services.store.hits.list(HitFilter())
    [entry] = services.store.hotlist_entries.list("alfa-stolen")
    analyst, supervisor = people[Role.ANALYST], people[Role.SUPERVISOR]
    basis = {"purpose": "stolen-vehicle", "case_number": CASE_A}
    with app.client(analyst.token) as client:
        assert client.get("/api/v1/reads", params={"plate": PLATE, **basis}).status_code == 200
        hold = client.post("/api/v1/retention/holds", json=_hold_body(stored.id, CASE_A))
        assert hold.status_code == 201, hold.text
        window = {
            "captured_from": (NOW - timedelta(days=120)).isoformat(),
            "captured_before": (NOW - timedelta(days=1)).isoformat(),
        }
        approval = client.post(
            "/api/v1/approvals",
            json={**basis, **window, "justification": "Series of catalytic converter thefts."},
        )
        assert approval.status_code == 201, approval.text
    with app.client(supervisor.token) as client:
        client.get("/api/v1/hits", params={"purpose": "alert-verification", "case_number": CASE_A})
    tokens = services.accounts.list_api_tokens(CONSOLE, analyst.account.id)
    # The analyst's authenticator, enrolled by add_person: B must neither confirm nor remove it.
    [factor] = services.store.second_factors.list(analyst.account.id)
    request_id, recipient_id = _share(app, people[Role.CUSTODIAN], stored.id)
    incident_id, records_request_id, complaint_id = _registers(app, people[Role.CUSTODIAN])
    scim_user_id, scim_group_id = _directory_records(app, people[Role.DIRECTORY])
    ids = {
        "read_id": stored.id,
        "hit_id": hit.id,
        "list_id": "alfa-stolen",
        "entry_id": entry.id,
        "hold_id": hold.json()["id"],
        "approval_id": approval.json()["id"],
        "request_id": request_id,
        "recipient_id": recipient_id,
        "incident_id": incident_id,
        "records_request_id": records_request_id,
        "complaint_id": complaint_id,
        "username": analyst.account.username,
        "camera_id": "alfa-gate-7",
        "camera_key": camera_key,
        "token_id": tokens[0].id,
        "factor_id": factor.id,
        "plate": PLATE,
        "scim_user_id": scim_user_id,
        "scim_group_id": scim_group_id,
    }
    secrets = {
        PLATE,
        CASE_A,
        "alfa.",
        "Alfa stolen",
        "Alfa Dana",
        "alfa-ext",
        "Alfa-Officers",
        *(value for key, value in ids.items() if key not in ("username", "plate")),
    }
    return AgencyA(ids, secrets)


def _hold_body(read_id: str, case_number: str) -> dict[str, Any]:
    return {
        "case_number": case_number,
        "reason": "evidence in a hit-and-run case",
        "expires_at": (NOW + timedelta(days=30)).isoformat(),
        "read_ids": [read_id],
    }


def _share(app: LiveApp, custodian: Person, read_id: str) -> tuple[str, str]:
    recipient = {
        "legal_name": "Alfa County Sheriff's Office",
        "entity_type": "public-agency",
        "state": "CA",
        "contact": "records@alfa-sheriff.example.org",
        "approving_official": "Captain R. Reyes",
        "purpose_and_need": "Vehicle theft investigations crossing into the county.",
        "next_review_on": "2027-05-31",
        "agreement_signed_on": "2026-01-01",
        "agreement_expires_on": "2027-12-31",
    }
    with app.client(custodian.token) as client:
        made = client.post("/api/v1/sharing/recipients", json=recipient)
        assert made.status_code == 201, made.text
        recipient_id = str(made.json()["id"])
        order = {
            "recipient_id": recipient_id,
            "purpose": "stolen-vehicle",
            "case_number": CASE_A,
            "read_ids": [read_id],
        }
        asked = client.post("/api/v1/sharing/requests", json=order)
        assert asked.status_code == 201, asked.text
    return str(asked.json()["id"]), recipient_id


def _registers(app: LiveApp, custodian: Person) -> tuple[str, str, str]:
    """A's incident, public-records request and complaint."""
    with app.client(custodian.token) as client:
        incident = client.post("/api/v1/incidents", json={"summary": "Alfa laptop stolen"})
        assert incident.status_code == 201, incident.text
        request = client.post(
            "/api/v1/records-requests",
            json={
                "requester": "Alfa Gazette",
                "description": "Alfa reads last month",
                "received_on": NOW.date().isoformat(),
            },
        )
        assert request.status_code == 201, request.text
        complaint = client.post(
            "/api/v1/complaints",
            json={
                "source": "public",
                "summary": "Alfa cameras watch a clinic entrance",
                "received_on": NOW.date().isoformat(),
            },
        )
        assert complaint.status_code == 201, complaint.text
    return str(incident.json()["id"]), str(request.json()["id"]), str(complaint.json()["id"])


def _snapshot(services: Services) -> dict[str, Any]:
    """Everything of A's that B might change."""
    store = services.store
    accounts = store.accounts.list(A)
    list_ids = [hotlist.id for hotlist in store.hotlists.list(A)]
    return {
        "accounts": accounts,
        "tokens": [store.api_tokens.list(account.id) for account in accounts],
        "sessions": [store.sessions.list(account.id) for account in accounts],
        "second_factors": [store.second_factors.list(account.id) for account in accounts],
        "cameras": store.cameras.list(A),
        "reads": store.reads.find(ReadQuery(agency_id=A, limit=1000)),
        "hotlists": store.hotlists.list(A),
        "entries": [store.hotlist_entries.list(list_id) for list_id in list_ids],
        "hits": [h for h in store.hits.list(HitFilter(limit=1000)) if h.list_id in list_ids],
        "holds": store.legal_holds.list(A),
        "approvals": [a for a in store.approvals.list(limit=1000) if a.agency_id == A],
        "recipients": store.recipients.list(A),
        "shares": store.share_requests.list(A),
        "shared": store.sharing_ledger.list(A),
        "incidents": store.incidents.list(A),
        "records_requests": store.records_requests.list(A),
        "corrections": store.read_corrections.list(A),
        "complaints": store.complaints.list(A),
        "directory_users": store.directory_users.list(A),
        "directory_groups": store.directory_groups.list(A),
        "directory_tokens": store.directory_tokens.list(A),
        "log": store.access_log.find(AccessFilter(agency_id=A, limit=100_000)),
    }


def _requests(app: LiveApp, a: AgencyA) -> list[tuple[str, str, bool]]:
    """Every (method, path, is_public) of the app, its parameters filled with A's objects."""
    found = []
    for route in api_routes(create_app(app.services)):
        if route.path in SKIPPED:
            continue
        names = _PARAM.findall(route.path)
        choices = [STEPS.get(name) or [_object(a, name, route.path)] for name in names]
        for values in itertools.product(*choices):
            path = route.path
            for value in values:
                path = _PARAM.sub(value, path, count=1)
            public = declared_permission(route) == PUBLIC
            found += [(method, path, public) for method in sorted(route.methods or ())]
    return found


def _object(a: AgencyA, name: str, path: str) -> str:
    assert name in a.ids, f"{path}: no object of agency A for {{{name}}}; add one to _build_a"
    return a.ids[name]


def _body(a: AgencyA) -> dict[str, Any]:
    """What a request of B names of A's: A's read, hit, list, entry, recipient and account, and
    its directory's user and group."""
    return {
        **_hold_body(a.ids["read_id"], CASE_B),
        "plate": PLATE,
        "plates": {
            "plate_key": PLATE,
            "captured_from": (NOW - timedelta(days=30)).isoformat(),
            "captured_before": NOW.isoformat(),
        },
        "recipient_id": a.ids["recipient_id"],
        "purpose": "stolen-vehicle",
        "hit_id": a.ids["hit_id"],
        "list_id": a.ids["list_id"],
        "entry_id": a.ids["entry_id"],
        "username": a.ids["username"],
        "members": [{"value": a.ids["scim_user_id"]}],
        "group_id": a.ids["scim_group_id"],
        # Named in a path, it is logged with the refusal of B's directory, which may not call
        # the token routes; B's auditor then reads it back, as B sent it.
        "token_id": a.ids["token_id"],
        # So is A's second factor, named in the paths of the factor routes B may not call with
        # a token.
        "factor_id": a.ids["factor_id"],
        "code": "123456",  # so that confirming A's authenticator is refused for what it is
        "justification": "Series of catalytic converter thefts.",
        "roles": ["auditor"],
        "password": "a password nobody else knows",
        "new_password": "a password nobody else knows",
    }


def _call(client: httpx.Client, method: str, path: str, person: Person, a: AgencyA) -> str:
    params = {"purpose": "stolen-vehicle", "case_number": CASE_B}
    body = _body(a)
    if method in ("GET", "HEAD"):
        # Bare, with a stated basis, and filtered on A's person: one may hide what another shows.
        period = {
            "from": (NOW - timedelta(days=7)).date().isoformat(),
            "to": NOW.date().isoformat(),
        }
        asked = [{}, params, {"username": a.ids["username"], "limit": "1000"}, period]
        answers = [client.request(method, path, params=p, headers=person.headers) for p in asked]
        return "\n".join(f"{answer.status_code} {answer.text}" for answer in answers)
    if method == "DELETE":
        sent = client.request(method, path, params=params, headers=person.headers)
    elif path.startswith("/api/"):
        sent = client.request(method, path, params=params, json=body, headers=person.headers)
    else:
        form = {k: v if isinstance(v, str) else str(v) for k, v in body.items()}
        form["read_ids"] = a.ids["read_id"]
        sent = client.request(method, path, params=params, data=form, headers=person.headers)
    return f"{sent.status_code} {sent.text}"


def test_agency_b_neither_sees_nor_changes_agency_a(live_app: LiveApp) -> None:
    services = live_app.services
    services.store.agencies.add(make_agency(B))
    a = _build_a(live_app)
    b_people = _people(services, B, "bravo")
    before = _snapshot(services)
    leaks = []
    with live_app.client() as client:
        client.timeout = httpx.Timeout(20.0)
        for method, path, public in _requests(live_app, a):
            if public:
                continue  # the same for everybody, signed in or not: tests/api covers them
            for role, person in b_people.items():
                answer = _call(client, method, path, person, a)
                sent = f"{path} {_body(a)} {a.ids['username']}"
                shown = [s for s in a.secrets if s in answer and s not in sent]
                if shown:
                    leaks.append(f"{method} {path} as B's {role}: {shown} in {answer[:300]}")
    assert leaks == [], "\n".join(leaks)
    assert _snapshot(services) == before
    # Nor does B's part of the access log hold anything of A's that B did not send: a refusal
    # logged for B must not carry the purpose or case of A's record (an approval did).
    sent = f"{_body(a)} {a.ids}"
    logged = services.store.access_log.find(AccessFilter(agency_id=B, limit=100_000))
    in_log = {s for record in logged for s in a.secrets if s in repr(record.event)}
    assert {s for s in in_log if s not in sent} == set()


INVENTED = {
    "read_id": "0190a0e0-0000-7000-8000-000000000001",
    "hit_id": "00000000-0000-4000-8000-000000000002",
    "list_id": "no-such-list",
    "entry_id": "00000000-0000-4000-8000-000000000003",
    "hold_id": "00000000-0000-4000-8000-000000000004",
    "approval_id": "00000000-0000-4000-8000-000000000005",
    "request_id": "00000000-0000-4000-8000-000000000006",
    "recipient_id": "00000000-0000-4000-8000-000000000007",
    "username": "nobody.here",
    "camera_id": "no-such-camera",
    "camera_key": "pkc_no-such-key",
    "token_id": "00000000-0000-4000-8000-000000000008",
    "factor_id": "00000000-0000-4000-8000-00000000000b",
    "scim_user_id": "00000000-0000-4000-8000-000000000009",
    "scim_group_id": "00000000-0000-4000-8000-00000000000a",
}
"""An id of each kind that names nothing at all."""


def _named(a: AgencyA, invented: bool) -> AgencyA:
    """A's ids, or where ``invented`` ids that name nothing (A's other objects kept)."""
    return AgencyA({**a.ids, **INVENTED} if invented else dict(a.ids), a.secrets)


def _blind(answer: str, a: AgencyA, invented: bool) -> str:
    """``answer`` with the ids it was asked about replaced by their kind."""
    for kind, value in (INVENTED if invented else a.ids).items():
        answer = answer.replace(value, kind.upper()) if kind in INVENTED else answer
    return answer


def test_another_agencys_record_is_answered_as_a_missing_one(live_app: LiveApp) -> None:
    """Every route naming an object, as B's people of each role: A's object and an id that
    names nothing get the same answer, status and words, so no answer tells that a record
    exists in another agency."""
    services = live_app.services
    services.store.agencies.add(make_agency(B))
    a = _build_a(live_app)
    b_people = _people(services, B, "bravo")
    told = []
    with live_app.client() as client:
        client.timeout = httpx.Timeout(20.0)
        routes = _requests(live_app, a)
        for (method, path, public), (_, invented_path, _) in zip(
            routes, _requests(live_app, _named(a, invented=True)), strict=True
        ):
            if public or path == invented_path:
                continue  # names no object of A's
            for role, person in b_people.items():
                theirs = _blind(_call(client, method, path, person, a), a, invented=False)
                nobodys = _call(client, method, invented_path, person, a)
                if theirs != _blind(nobodys, a, invented=True):
                    told.append(
                        f"{method} {path} as B's {role}:\n  {theirs[:300]}\n  {nobodys[:300]}"
                    )
    assert told == [], "\n".join(told)


def test_a_hold_names_only_existing_reads_of_the_callers_agency(live_app: LiveApp) -> None:
    """Attack 6: a hold on another agency's read, or on a read that does not exist, is refused
    with the same words for both, naming the ids; nothing is held."""
    services = live_app.services
    services.store.agencies.add(make_agency(B))
    a = _build_a(live_app)
    b_analyst = _people(services, B, "bravo")[Role.ANALYST]
    invented = "0190a0e0-0000-7000-8000-000000000001"
    answers = []
    with live_app.client(b_analyst.token) as client:
        for read_id in (a.ids["read_id"], invented):
            answer = client.post("/api/v1/retention/holds", json=_hold_body(read_id, CASE_B))
            assert answer.status_code == 404, answer.text
            assert read_id in answer.json()["detail"]
            answers.append(answer.json()["detail"].replace(read_id, "ID"))
    assert answers[0] == answers[1]
    assert services.store.legal_holds.list(B) == []


def test_a_held_plate_keeps_only_the_holding_agencys_reads(live_app: LiveApp) -> None:
    """Attack 6, by plate: agency B holding a plate must not keep agency A's reads of it past
    A's retention."""
    services = live_app.services
    services.store.agencies.add(make_agency(B))
    old = make_read(7, plate_text=PLATE, captured_at=NOW - timedelta(days=40))
    services.store.reads.add([old])
    people = _people(services, B, "bravo")
    hold = services.holds.request(
        _requester(people[Role.ANALYST]),
        case_number=CASE_B,
        reason="evidence in a hit-and-run case",
        expires_at=NOW + timedelta(days=30),
        plates=PlateSpan(PLATE, NOW - timedelta(days=60), NOW),
    )
    services.holds.approve(_requester(people[Role.SUPERVISOR]), hold.id)
    rule = RetentionRule(DataClass.NON_HIT_READS, timedelta(days=30), "test policy")
    services.purge.rules[DataClass.NON_HIT_READS] = rule  # this test's services only
    services.purge.run()
    assert services.store.reads.get(old.id) is None


def _requester(person: Person) -> Requester:
    account = person.account
    return Requester(Actor(account.username, account.agency_id), account.roles)


def test_the_scope_reports_another_agencys_record_as_missing() -> None:
    scope = AgencyScope(B)
    with pytest.raises(NotFound) as theirs:
        scope.own(make_agency(A), lambda agency: agency.id, "agency x does not exist")
    with pytest.raises(NotFound) as nobodys:
        scope.own(None, lambda agency: agency.id, "agency x does not exist")
    assert theirs.value.message == nobodys.value.message
    assert AgencyScope.whole_system().admits(A)


def test_another_agencys_requests_never_crowd_out_the_callers(live_app: LiveApp) -> None:
    """The store is asked for the caller's agency only: a page of A's newer approval requests
    neither reaches B's supervisor nor hides B's own (they were fetched, then filtered)."""
    services = live_app.services
    services.store.agencies.add(make_agency(B))
    b_people = _people(services, B, "bravo")

    def asked(agency_id: str, number: int) -> SearchApproval:
        return SearchApproval(
            id=f"{agency_id}-{number:03d}",
            requested_by=f"{agency_id}.analyst",
            agency_id=agency_id,
            purpose_code="stolen-vehicle",
            case_number=CASE_B if agency_id == B else CASE_A,
            justification="Series of catalytic converter thefts.",
            captured_from=NOW - timedelta(days=120),
            captured_before=NOW - timedelta(days=1),
            requested_at=NOW - timedelta(hours=1) + timedelta(seconds=number),
        )

    services.store.approvals.add(asked(B, 0))
    for number in range(1, 121):
        services.store.approvals.add(asked(A, number))
    pending = services.approvals.pending(_requester(b_people[Role.SUPERVISOR]))
    assert [approval.id for approval in pending] == [f"{B}-000"]
