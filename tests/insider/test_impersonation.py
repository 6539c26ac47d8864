"""Attack 4: a custodian acts as someone else.

They set a person's password and sign in with it; they create a supervisor with a password of
their choosing and have it approve their own request. Neither works: a password set by another
opens only the step where its owner chooses a new one, a privileged account waits for a second
privileged person, and nobody approves anything of an account they changed lately, nor of the
person who changed theirs. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.access import ApprovalDesk, Basis, Requester
from platekeeper.accounts.messages import PasswordChangeRequired
from platekeeper.accounts.pending import SecondFactorNeeded
from platekeeper.accounts.service import AccountService
from platekeeper.config import AccessSettings
from platekeeper.domain.approvals import SearchApproval
from platekeeper.domain.credentials import Principal
from platekeeper.domain.people import Account, Role
from platekeeper.errors import AuthenticationFailed, PermissionDenied
from platekeeper.store import Store
from tests.accounts.conftest import PASSWORD, TRAINED_ON, RecordingSink, add_person
from tests.conftest import FixedClock
from tests.factors import Authenticators

GIVEN = "a password I chose for you"
OWN = "only the owner knows this 9"


def signed_in(auth: Authenticators, username: str) -> Principal:
    principal, _ = auth.sign_in(username, PASSWORD, "10.0.0.1")
    return principal


def own_password_chosen(auth: Authenticators, username: str) -> Principal:
    """The person of a password someone else set chooses their own, then signs in with it and
    their second factor."""
    with pytest.raises(SecondFactorNeeded):
        auth.accounts.change_password_at_sign_in(username, GIVEN, OWN)
    principal, _ = auth.sign_in(username, OWN)
    return principal


def created_by(accounts: AccountService, by: Principal, username: str, *roles: Role) -> Account:
    return accounts.create(
        by,
        username=username,
        display_name=f"Person {username}",
        agency_id="demo-pd",
        job_title="Sergeant",
        roles=roles,
        training_completed_on=TRAINED_ON,
        password=GIVEN,
    )


@pytest.fixture
def casey(accounts: AccountService, auth: Authenticators) -> Principal:
    """A custodian who is also an analyst: manages accounts, and asks for searches."""
    add_person(accounts, "casey", Role.CUSTODIAN, Role.ANALYST)
    return signed_in(auth, "casey")


def test_a_password_a_custodian_sets_signs_nobody_in(
    accounts: AccountService, store: Store, casey: Principal, sink: RecordingSink
) -> None:
    victim = add_person(accounts, "jdoe", Role.SUPERVISOR)
    accounts.set_password(casey, victim.id, GIVEN)
    with pytest.raises(PasswordChangeRequired):
        accounts.login("jdoe", GIVEN, "10.0.0.9")
    with pytest.raises(PasswordChangeRequired):
        accounts.console_login("jdoe", GIVEN)
    assert store.sessions.list(victim.id) == []
    assert sink.events[-1].reason.startswith("password set by someone else")
    # The step itself demands a new password: the one given is not kept.
    with pytest.raises(Exception, match="the one you were given"):
        accounts.change_password_at_sign_in("jdoe", GIVEN, GIVEN)


def test_an_account_a_custodian_creates_opens_only_the_change_step(
    accounts: AccountService, store: Store, casey: Principal
) -> None:
    made = created_by(accounts, casey, "newbie", Role.ANALYST)
    with pytest.raises(PasswordChangeRequired):
        accounts.login("newbie", GIVEN)
    assert store.sessions.list(made.id) == []
    # Their own password chosen, the newcomer goes on to enrol a second factor: no session yet.
    with pytest.raises(SecondFactorNeeded) as needed:
        accounts.change_password_at_sign_in("newbie", GIVEN, OWN)
    assert needed.value.challenge is not None
    assert needed.value.challenge.username == "newbie"
    assert needed.value.challenge.must_enrol
    assert store.sessions.list(made.id) == []
    with pytest.raises(AuthenticationFailed):
        accounts.login("newbie", GIVEN)


def test_a_sock_puppet_supervisor_waits_for_a_second_privileged_person(
    auth: Authenticators, accounts: AccountService, casey: Principal
) -> None:
    add_person(accounts, "sam", Role.SUPERVISOR)
    sock = created_by(accounts, casey, "sock", Role.SUPERVISOR)
    # Even with its password changed, the account is unusable until someone else approves.
    with pytest.raises(AuthenticationFailed, match="approval"):
        accounts.change_password_at_sign_in("sock", GIVEN, OWN)
    with pytest.raises(PermissionDenied):
        accounts.approve_roles(casey, sock.id)
    # Raising an analyst to supervisor waits the same way.
    analyst = add_person(accounts, "avery", Role.ANALYST)
    assert accounts.set_roles(casey, analyst.id, [Role.SUPERVISOR]).roles == {Role.ANALYST}
    accounts.approve_roles(signed_in(auth, "sam"), analyst.id)
    assert accounts.get(analyst.id).roles == {Role.SUPERVISOR}


def test_a_sock_puppet_approves_nothing_of_its_creator(
    auth: Authenticators,
    accounts: AccountService,
    store: Store,
    clock: FixedClock,
    casey: Principal,
) -> None:
    add_person(accounts, "sam", Role.SUPERVISOR)
    sock = created_by(accounts, casey, "sock", Role.SUPERVISOR)
    accounts.approve_roles(signed_in(auth, "sam"), sock.id)
    puppet = own_password_chosen(auth, "sock")
    desk = ApprovalDesk(
        store, RecordingSink(), clock, AccessSettings(), independence=accounts.independence
    )
    asked = _ask(desk, casey, clock)
    with pytest.raises(PermissionDenied, match="created"):
        desk.decide(_requester(puppet), asked.id, approve=True)
    # sam, linked to the puppet but not to casey, may approve casey's request.
    approved = desk.decide(_requester(signed_in(auth, "sam")), asked.id, approve=True)
    assert approved.decided_by == "sam"


def test_nobody_approves_for_an_account_they_reset(
    auth: Authenticators, accounts: AccountService, store: Store, clock: FixedClock
) -> None:
    add_person(accounts, "boss", Role.CUSTODIAN, Role.SUPERVISOR)
    boss = signed_in(auth, "boss")
    analyst = add_person(accounts, "avery", Role.ANALYST)
    accounts.set_password(boss, analyst.id, GIVEN)
    avery = own_password_chosen(auth, "avery")
    desk = ApprovalDesk(
        store, RecordingSink(), clock, AccessSettings(), independence=accounts.independence
    )
    asked = _ask(desk, avery, clock)
    with pytest.raises(PermissionDenied, match="set the password"):
        desk.decide(_requester(boss), asked.id, approve=True)
    # The link lapses after accounts.recent_change_days.
    clock.advance(timedelta(days=31))
    assert accounts.independence.decide("boss", "avery").allowed


def _requester(principal: Principal) -> Requester:
    return Requester(principal.actor, principal.account.roles, "10.0.0.1")


def _ask(desk: ApprovalDesk, who: Principal, clock: FixedClock) -> SearchApproval:
    settings = AccessSettings()
    basis = Basis(settings.purposes[0].code, settings.case_number_example)
    now = clock.now()
    return desk.request(
        _requester(who), basis, now - timedelta(days=400), now, "a cold case from last year"
    )


def test_one_custodian_never_holds_both_a_persons_password_and_second_factor(
    accounts: AccountService, auth: Authenticators, casey: Principal, sink: RecordingSink
) -> None:
    """With the password they set and the second factors they reset, a custodian could enrol an
    authenticator of their own and be the person: the one who did either may not do the other."""
    victim = add_person(accounts, "jdoe", Role.ANALYST)
    auth.enrol(victim)
    accounts.set_password(casey, victim.id, GIVEN)
    own_password_chosen(auth, "jdoe")
    with pytest.raises(PermissionDenied, match="both proofs"):
        accounts.reset_second_factors(casey, victim.id)
    assert sink.events[-1].outcome.value == "denied"
    assert auth.store.second_factors.list(victim.id)

    # The other order: a reset by casey, then a password set by casey.
    other = add_person(accounts, "kroe", Role.ANALYST)
    auth.enrol(other)
    assert accounts.reset_second_factors(casey, other.id) == 1
    with pytest.raises(PermissionDenied, match="both proofs"):
        accounts.set_password(casey, other.id, GIVEN)
    assert sink.events[-1].outcome.value == "denied"


def test_second_factors_are_not_reset_while_someone_else_knows_the_password(
    accounts: AccountService, auth: Authenticators, casey: Principal
) -> None:
    """One custodian sets the password, a second resets the factors in good faith: the first
    would then hold the only proof left. The reset waits until the person chose their own."""
    add_person(accounts, "riley", Role.CUSTODIAN)
    riley = signed_in(auth, "riley")
    victim = add_person(accounts, "jdoe", Role.ANALYST)
    auth.enrol(victim)
    accounts.set_password(casey, victim.id, GIVEN)
    with pytest.raises(PermissionDenied, match="set by someone else"):
        accounts.reset_second_factors(riley, victim.id)
    assert auth.store.second_factors.list(victim.id)
    own_password_chosen(auth, "jdoe")
    assert accounts.reset_second_factors(riley, victim.id) == 1
