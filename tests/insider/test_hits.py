"""Attack 11: a hit confirmed although the read's state differs from the listed one (by
ticking "state matches"), and a rejected hit that still offered a stop or an arrest. Now a
differing state needs an explicit override with its reason, kept on the hit and in the access
log; and a rejected hit can only have led to nothing: on the domain, the API and the page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from platekeeper.access import Requester
from platekeeper.domain.access import Actor
from platekeeper.domain.hotlists import (
    Hit,
    HitOutcome,
    HitStatus,
    MatchKind,
    RejectionReason,
    StateAgreement,
)
from platekeeper.domain.people import Role
from platekeeper.errors import InvalidInput
from platekeeper.store.protocols import AccessFilter
from tests.api import conftest as api
from tests.api.conftest import LiveApp
from tests.api.people import Person, sign_in, staff
from tests.api.test_hits import BASIS, hits_seen_by, listed, send

# The live app on both databases, as the API tests have it.
backend_settings, services, live_app = api.backend_settings, api.services, api.live_app

ALL_CHECKED: dict[str, Any] = {
    "characters_match": True,
    "state_matches": True,
    "active_at_source": True,
}
AT = datetime(2026, 7, 1, 12, tzinfo=UTC)


def _hit(agreement: StateAgreement) -> Hit:
    return Hit("h", "r", "e", "l", MatchKind.EXACT, 1.0, agreement, False, AT)


@pytest.mark.parametrize("override", [None, "", "   "])
def test_ticking_state_matches_does_not_confirm_a_differing_state(override: str | None) -> None:
    with pytest.raises(InvalidInput, match="state differs"):
        _hit(StateAgreement.DIFFERS).confirmed("olivia", AT, state_override=override, **ALL_CHECKED)


def test_an_override_needs_the_state_ticked_too_and_is_kept_on_the_hit() -> None:
    differing = _hit(StateAgreement.DIFFERS)
    with pytest.raises(InvalidInput, match="state matches"):
        differing.confirmed(
            "olivia",
            AT,
            characters_match=True,
            state_matches=False,
            active_at_source=True,
            state_override="plate shows CA",
        )
    hit = differing.confirmed("olivia", AT, state_override="plate shows CA", **ALL_CHECKED)
    assert hit.verification_note == "state override: plate shows CA"


@pytest.mark.parametrize("agreement", [StateAgreement.AGREES, StateAgreement.UNKNOWN])
def test_an_override_without_a_difference_is_refused(agreement: StateAgreement) -> None:
    with pytest.raises(InvalidInput, match="nothing to override"):
        _hit(agreement).confirmed("olivia", AT, state_override="because", **ALL_CHECKED)


@pytest.mark.parametrize("reason", list(RejectionReason))
def test_a_rejected_hit_only_ever_led_to_nothing(reason: RejectionReason) -> None:
    rejected = _hit(StateAgreement.AGREES).rejected("olivia", AT, reason, note="checked")
    assert set(rejected.open_outcomes) == {HitOutcome.NO_STOP, HitOutcome.FALSE_HIT}
    for outcome in (HitOutcome.STOP, HitOutcome.ARREST):
        with pytest.raises(InvalidInput, match="rejected hit"):
            rejected.with_outcome(outcome, "olivia", AT)
    done = rejected.with_outcome(HitOutcome.FALSE_HIT, "olivia", AT)
    assert done.open_outcomes == ()
    assert _hit(StateAgreement.AGREES).open_outcomes == ()  # pending: a verdict first


@pytest.fixture
def officer(live_app: LiveApp) -> Person:
    listed(live_app)  # 7ABC123, listed in CA
    return staff(live_app.services)[Role.OFFICER]


def _only_hit(live_app: LiveApp, officer: Person) -> dict[str, Any]:
    [hit] = hits_seen_by(live_app, officer)
    return hit


def test_a_hit_from_another_state_is_confirmed_only_with_an_override_and_its_reason(
    live_app: LiveApp, officer: Person
) -> None:
    send(live_app, 1, "7ABC123", "us-co")
    hit_id = _only_hit(live_app, officer)["hit"]["id"]
    with live_app.client(officer.token) as client:
        ticked = client.post(f"/api/v1/hits/{hit_id}/confirm", json=ALL_CHECKED)
        assert ticked.status_code == 422
        assert "state differs" in ticked.json()["detail"]
        pending = live_app.services.store.hits.get(hit_id)
        assert pending is not None
        assert pending.status is HitStatus.PENDING
        blank = client.post(
            f"/api/v1/hits/{hit_id}/confirm", json={**ALL_CHECKED, "state_override": " "}
        )
        assert blank.status_code == 422
        reason = "image shows a California plate; the reader took the state wrongly"
        confirmed = client.post(
            f"/api/v1/hits/{hit_id}/confirm", json={**ALL_CHECKED, "state_override": reason}
        )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["verification_note"] == f"state override: {reason}"
    steps = live_app.services.store.access_log.find(
        AccessFilter(username="olivia", action="alerts:verify")
    )
    outcomes = [(s.event.query.get("state_override"), s.event.outcome.value) for s in steps]
    assert outcomes[0] == (reason, "allowed")
    assert [o for _, o in outcomes].count("denied") == 2


def test_an_agreeing_hit_refuses_an_override(live_app: LiveApp, officer: Person) -> None:
    send(live_app, 2, "7ABC123", "us-ca")
    hit_id = _only_hit(live_app, officer)["hit"]["id"]
    with live_app.client(officer.token) as client:
        refused = client.post(
            f"/api/v1/hits/{hit_id}/confirm", json={**ALL_CHECKED, "state_override": "x"}
        )
    assert refused.status_code == 422
    assert "nothing to override" in refused.json()["detail"]


def test_a_rejected_hit_records_no_stop_or_arrest_on_any_channel(
    live_app: LiveApp, officer: Person
) -> None:
    send(live_app, 3, "7ABC123", "us-co")
    hit_id = _only_hit(live_app, officer)["hit"]["id"]
    desk = live_app.services.hit_desk
    me = Requester(Actor("olivia", "demo-pd"), frozenset({Role.OFFICER}))
    desk.reject(me, hit_id, RejectionReason.WRONG_STATE)
    with live_app.client(officer.token) as client:
        for outcome in ("stop", "arrest"):
            refused = client.post(f"/api/v1/hits/{hit_id}/outcome", json={"outcome": outcome})
            assert refused.status_code == 422
            assert "rejected hit" in refused.json()["detail"]
    with pytest.raises(InvalidInput):
        desk.record_outcome(me, hit_id, HitOutcome.ARREST)
    page, csrf = sign_in(live_app, "olivia")
    with page:
        card = _card(page, hit_id)
        forged = page.post(
            f"/alerts/{hit_id}/outcome",
            data={**BASIS, "outcome": "arrest", "csrf_token": csrf},
            headers={"HX-Request": "true"},
        )
    assert 'value="stop"' not in card
    assert 'value="arrest"' not in card
    assert 'value="false-hit"' in card
    assert forged.status_code == 422
    still = live_app.services.store.hits.get(hit_id)
    assert still is not None
    assert still.outcome is None


def test_the_page_asks_for_the_override_only_when_the_state_differs(
    live_app: LiveApp, officer: Person
) -> None:
    send(live_app, 4, "7ABC123", "us-co")
    send(live_app, 5, "7ABC123", "us-ca")
    hits = {h["read"]["region"]: h["hit"]["id"] for h in hits_seen_by(live_app, officer)}
    page, _ = sign_in(live_app, "olivia")
    with page:
        assert 'name="state_override"' in _card(page, hits["us-co"])
        assert 'name="state_override"' not in _card(page, hits["us-ca"])


def _card(page: httpx.Client, hit_id: str) -> str:
    shown = page.get(f"/alerts/{hit_id}", params=BASIS)
    assert shown.status_code == 200, shown.text
    return shown.text
