"""R14: every account names one person. A login named for a post, a team or a shift is refused
in any spelling ('patrol1', 'night.shift', 'Front Desk'); the same person (display name) gets
one account per agency; a partner agency's people on the host are held to the same training
rules; and an API token belongs to one person's account, acting as that person only.
Store-backed tests run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.accounts.sealing import SecretSeal
from platekeeper.accounts.second_factor import SecondFactors
from platekeeper.accounts.service import AccountService
from platekeeper.config import AccountSettings
from platekeeper.domain.agencies import Agency
from platekeeper.domain.people import Account, Role, require_person_name, require_username
from platekeeper.domain.token_scopes import TokenScope
from platekeeper.errors import Conflict, InvalidInput
from platekeeper.store import Store
from tests.accounts.conftest import OPERATOR, RecordingSink
from tests.conftest import NOW, FixedClock
from tests.factors import enrol
from tests.loopholes.test_accounts import accounts, policy_rules  # noqa: F401 (fixtures)
from tests.store.conftest import empty_store, store  # noqa: F401 (fixtures)

TODAY = NOW.date()
RECENT = TODAY - timedelta(days=30)
PARTNER = "partner-so"
SEARCH = [TokenScope.SEARCH]


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def partner(store: Store) -> str:  # noqa: F811
    store.agencies.add(Agency(PARTNER, "Partner County Sheriff", "CA", NOW))
    return PARTNER


def create(
    accounts: AccountService,  # noqa: F811
    username: str,
    name: str,
    agency: str = "demo-pd",
    **changes: object,
) -> Account:
    fields: dict[str, object] = {
        "username": username,
        "display_name": name,
        "agency_id": agency,
        "job_title": "Crime Analyst",
        "roles": (Role.ANALYST,),
        "training_completed_on": RECENT,
    }
    fields.update(changes)
    return accounts.create(OPERATOR, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "username",
    [
        "dispatch",
        "admin",
        "patrol1",
        "patrol-1",
        "shared",
        "night.shift",
        "night_shift2",
        "front-desk",
        "frontdesk",
        "dispatch.2",
        "watch.commander",
        "sgt1",
        "patrol.unit.3",
        "alpr-user",
        "rtcc.analyst",
        "sheriff-dispatch",
        "k9-unit",
        "team-b",
    ],
)
def test_a_login_named_for_a_post_is_refused(username: str) -> None:
    with pytest.raises(InvalidInput, match="not a person"):
        require_username(username)


@pytest.mark.parametrize("username", ["jdoe", "jane.doe", "jdoe2", "admin.jdoe", "o.patel"])
def test_a_persons_login_passes(username: str) -> None:
    assert require_username(username) == username


@pytest.mark.parametrize(
    "name", ["Night Shift", "Patrol Unit 3", "Dispatch", "Front Desk", "ALPR Users", "  "]
)
def test_a_display_name_naming_a_post_is_refused(
    accounts: AccountService,  # noqa: F811
    name: str,
) -> None:
    with pytest.raises(InvalidInput):
        require_person_name(name)
    with pytest.raises(InvalidInput):
        create(accounts, "jdoe", name)
    assert accounts.list("demo-pd") == []


@pytest.mark.parametrize("again", ["Jane Doe", "jane doe", "  Jane   DOE "])
def test_one_person_gets_one_account_per_agency(
    accounts: AccountService,  # noqa: F811
    partner: str,
    again: str,
) -> None:
    first = create(accounts, "jdoe", "Jane Doe")
    with pytest.raises(Conflict, match="already has an account"):
        create(accounts, "jane.doe", again)
    assert [a.username for a in accounts.list("demo-pd")] == ["jdoe"]
    # Another person of the same name is told apart; the partner's Jane Doe is another person.
    create(accounts, "jqdoe", "Jane Q. Doe")
    create(accounts, "jdoe.so", "Jane Doe", partner)
    # Once the first account is deactivated, the person may be given a new one.
    accounts.deactivate(OPERATOR, first.id)
    create(accounts, "jane.doe", "Jane Doe")


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"training_completed_on": TODAY + timedelta(days=1)}, "in the future"),
        ({"training_completed_on": TODAY - timedelta(days=800)}, "training"),
        ({"job_title": "Parking Enforcement Volunteer"}, "title"),
    ],
)
def test_a_partner_agencys_user_is_held_to_the_same_rules(
    accounts: AccountService,  # noqa: F811
    partner: str,
    changes: dict[str, object],
    match: str,
) -> None:
    for agency, username in (("demo-pd", "ola.own"), (partner, "pia.partner")):
        with pytest.raises(InvalidInput, match=match):
            create(accounts, username, f"Person {username}", agency, **changes)
    made = create(accounts, "pat.lee", "Pat Lee", partner)
    assert made.training is not None
    assert made.training.completed_on == RECENT
    assert made.training.expires_on <= RECENT + timedelta(days=366)


def test_an_api_token_acts_as_its_one_holder_only(
    accounts: AccountService,  # noqa: F811
    clock: FixedClock,
    store: Store,  # noqa: F811
    sink: RecordingSink,
) -> None:
    holder = create(accounts, "jdoe", "Jane Doe")
    seal = SecretSeal.generated()
    enrol(
        SecondFactors(store, clock, AccountSettings(), sink, accounts=accounts, seal=seal), holder
    )
    token, secret = accounts.issue_api_token(
        OPERATOR, "report-job", 30, account_id=holder.id, scopes=SEARCH
    )
    assert token.account_id == holder.id
    assert accounts.resolve_token(secret).account.id == holder.id
    # No token without a person: the host's administrator must name whose it is.
    with pytest.raises(InvalidInput, match="name the account"):
        accounts.issue_api_token(OPERATOR, "shared-job", 30, scopes=SEARCH)
    # The person leaves: their token stops with them.
    accounts.deactivate(OPERATOR, holder.id)
    with pytest.raises(Exception):  # noqa: B017, PT011 - refused, in whatever words
        accounts.resolve_token(secret)
