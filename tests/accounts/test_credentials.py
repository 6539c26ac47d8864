"""Tokens, CSRF values, the lockout rule and the lapse of accounts: pure rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from platekeeper.domain.credentials import (
    ApiToken,
    LockoutRule,
    Session,
    csrf_token_for,
    hash_token,
    issue_api_token_secret,
    issue_session_token,
)
from platekeeper.domain.people import (
    Account,
    AccountStatus,
    Role,
    SuspensionReason,
    TrainingRecord,
    awaits_training,
    lapse,
)
from tests.conftest import NOW


def test_tokens_carry_their_kind_and_are_stored_as_hashes() -> None:
    session, session_hash = issue_session_token()
    api, api_hash = issue_api_token_secret()
    assert session.startswith("pks_")
    assert api.startswith("pkt_")
    assert session_hash == hash_token(session) != api_hash
    assert len(session_hash) == 64
    assert issue_session_token()[0] != session


def test_the_csrf_value_is_derived_from_the_session_and_differs_from_its_hash() -> None:
    token, token_hash = issue_session_token()
    assert csrf_token_for(token) == csrf_token_for(token)
    assert csrf_token_for(token) not in (token, token_hash)
    assert csrf_token_for(token) != csrf_token_for(issue_session_token()[0])


def test_the_lockout_rule() -> None:
    rule = LockoutRule(threshold=5, duration=timedelta(minutes=15))
    assert rule.lock_after(4, NOW) is None
    assert rule.lock_after(5, NOW) == NOW + timedelta(minutes=15)


def test_a_session_ends_when_idle_or_expired() -> None:
    session = Session("s", "a", "h", NOW, NOW, NOW + timedelta(hours=12))
    idle = timedelta(minutes=30)
    assert not session.ended(NOW + timedelta(minutes=29), idle)
    assert session.ended(NOW + timedelta(minutes=30), idle)
    fresh = Session("s", "a", "h", NOW, NOW + timedelta(hours=12), NOW + timedelta(hours=12))
    assert fresh.ended(NOW + timedelta(hours=12), idle)


def test_a_token_is_usable_until_it_expires_or_is_revoked() -> None:
    token = ApiToken("t", "a", "nightly", "h", NOW, NOW + timedelta(days=1))
    assert token.usable_at(NOW)
    assert not token.usable_at(NOW + timedelta(days=1))
    revoked = ApiToken("t", "a", "n", "h", NOW, NOW + timedelta(days=1), revoked_at=NOW)
    assert not revoked.usable_at(NOW)


_ANALYST = Account(
    id="a",
    username="jdoe",
    display_name="J Doe",
    agency_id="demo-pd",
    job_title="Analyst",
    roles=frozenset({Role.ANALYST}),
    status=AccountStatus.ACTIVE,
    created_at=NOW,
    training=TrainingRecord(date(2026, 1, 1), date(2028, 1, 1)),
)


def test_lapse_suspends_for_inactivity_and_training() -> None:
    account = _ANALYST
    ninety = timedelta(days=90)
    assert lapse(account, NOW + ninety, ninety) is None
    assert lapse(account, NOW + ninety + timedelta(seconds=1), ninety) is (
        SuspensionReason.INACTIVITY
    )
    lapsed = replace(account, training=TrainingRecord(date(2026, 1, 1), date(2026, 12, 1)))
    assert lapse(lapsed, NOW + timedelta(days=3), ninety) is SuspensionReason.TRAINING_EXPIRED
    untrained = replace(account, training=None, last_active_at=NOW)
    assert lapse(untrained, NOW, ninety) is SuspensionReason.TRAINING_MISSING


def test_an_account_never_used_waits_for_its_first_training_until_it_is_idle_too_long() -> None:
    """An account made by the directory at first sign-in has no training yet: it is refused
    (``awaits_training``) but not suspended, so recording the training is all a custodian does;
    left waiting past the idle limit, it lapses like any other."""
    account = replace(_ANALYST, training=None)
    ninety = timedelta(days=90)
    assert awaits_training(account)
    assert lapse(account, NOW + ninety, ninety) is None
    assert lapse(account, NOW + ninety + timedelta(seconds=1), ninety) is (
        SuspensionReason.TRAINING_MISSING
    )
    assert not awaits_training(_ANALYST)
