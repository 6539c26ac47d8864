"""The rules of hot lists and hits, without storage: a hit is a question until a person answers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platekeeper.domain.hotlists import (
    AlertLevel,
    Hit,
    HitOutcome,
    HitStatus,
    Hotlist,
    HotlistEntry,
    ListSource,
    MatchKind,
    RejectionReason,
    StateAgreement,
    state_agreement,
)
from platekeeper.errors import InvalidInput
from tests.conftest import NOW


def hit(
    kind: MatchKind = MatchKind.EXACT, agreement: StateAgreement = StateAgreement.AGREES
) -> Hit:
    return Hit("h1", "r1", "e1", "stolen", kind, 1.0, agreement, False, NOW)


def hotlist(source: ListSource, refreshed_hours_ago: float | None) -> Hotlist:
    refreshed = None if refreshed_hours_ago is None else NOW - timedelta(hours=refreshed_hours_ago)
    return Hotlist(
        "stolen", "demo-pd", "Stolen", source, 1, AlertLevel.CRITICAL, False, NOW, refreshed
    )


def test_no_hit_is_actionable_before_a_person_confirms_it() -> None:
    for candidate in (hit(), hit(MatchKind.ONE_OFF), hit(agreement=StateAgreement.DIFFERS)):
        assert not candidate.actionable
        assert candidate.status is HitStatus.PENDING
    assert hit().strong
    assert not hit(MatchKind.CONFUSABLE).strong
    assert not hit(agreement=StateAgreement.DIFFERS).strong


def test_confirming_needs_characters_state_and_the_source_checked() -> None:
    with pytest.raises(InvalidInput, match="state matches the image") as refused:
        hit().confirmed(
            "olivia", NOW, characters_match=True, state_matches=False, active_at_source=True
        )
    assert "source system" not in refused.value.message
    confirmed = hit().confirmed(
        "olivia", NOW, characters_match=True, state_matches=True, active_at_source=True
    )
    assert confirmed.actionable
    assert confirmed.verified_by == "olivia"
    with pytest.raises(InvalidInput, match="already"):
        confirmed.rejected("olivia", NOW, RejectionReason.MISREAD)


def test_a_rejection_names_its_reason_and_rules_out_a_stop() -> None:
    with pytest.raises(InvalidInput, match="note"):
        hit().rejected("olivia", NOW, RejectionReason.OTHER)
    rejected = hit(MatchKind.ONE_OFF).rejected("olivia", NOW, RejectionReason.MISREAD)
    assert not rejected.actionable
    with pytest.raises(InvalidInput, match="rejected hit"):
        rejected.with_outcome(HitOutcome.STOP, "olivia", NOW)
    assert rejected.with_outcome(HitOutcome.NO_STOP, "olivia", NOW).outcome is HitOutcome.NO_STOP


def test_an_outcome_comes_after_verification_and_only_once() -> None:
    with pytest.raises(InvalidInput, match="not verified"):
        hit().with_outcome(HitOutcome.ARREST, "olivia", NOW)
    confirmed = hit().confirmed(
        "olivia", NOW, characters_match=True, state_matches=True, active_at_source=True
    )
    stopped = confirmed.with_outcome(HitOutcome.STOP, "olivia", NOW)
    with pytest.raises(InvalidInput, match="already"):
        stopped.with_outcome(HitOutcome.ARREST, "olivia", NOW)


@pytest.mark.parametrize(
    ("read_region", "entry_state", "expected"),
    [
        ("us-ca", "us-ca", StateAgreement.AGREES),
        ("us-ca", "US-CA", StateAgreement.AGREES),
        ("us-co", "us-az", StateAgreement.DIFFERS),
        (None, "us-ca", StateAgreement.UNKNOWN),
        ("us-ca", None, StateAgreement.UNKNOWN),
    ],
)
def test_state_agreement(
    read_region: str | None, entry_state: str | None, expected: StateAgreement
) -> None:
    assert state_agreement(read_region, entry_state) is expected


def test_only_fed_lists_go_stale() -> None:
    assert hotlist(ListSource.NCIC, 25).stale_at(NOW)
    assert hotlist(ListSource.STATE_FEED, None).stale_at(NOW)
    assert not hotlist(ListSource.NCIC, 23).stale_at(NOW)
    assert not hotlist(ListSource.MANUAL, None).stale_at(NOW)


def test_an_entry_is_active_until_it_expires() -> None:
    entry = HotlistEntry(
        "e1",
        "stolen",
        "7abc 123",
        "us-ca",
        "stolen vehicle",
        "avery",
        NOW,
        NOW + timedelta(days=30),
    )
    assert entry.plate_key == "7ABC123"
    assert entry.active_at(NOW + timedelta(days=29))
    assert not entry.active_at(NOW + timedelta(days=30))
    with pytest.raises(InvalidInput):
        HotlistEntry("e2", "stolen", "7ABC123", None, "stolen", "avery", NOW, NOW)
