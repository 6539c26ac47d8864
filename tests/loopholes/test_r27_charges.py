"""R27: criminal charges and CLETS/CJI data are blocked from hot-list notes and every free text.

On the starting commit only names, dates of birth, addresses, phone numbers and SSNs were found:
"arrested for PC 245(a)(1), rap sheet attached" was stored as a hot-list note. Each shape is
tried in several spellings, on every path in, and the reasons a hot list legitimately gives
("stolen vehicle", "AMBER alert", "felony warrant vehicle") must still pass.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from platekeeper.access import Basis
from platekeeper.domain.holds import PlateSpan
from platekeeper.domain.people import Role
from platekeeper.domain.personal_data import (
    PersonalDataKind,
    find_personal_data,
    refuse_personal_data,
)
from platekeeper.errors import InvalidInput
from platekeeper.hotlists.entries import EntryDraft
from platekeeper.hotlists.service import HotlistService
from platekeeper.services import Services
from platekeeper.sharing.service import ShareOrder
from tests.api.conftest import LiveApp
from tests.api.people import staff
from tests.conftest import NOW
from tests.loopholes.test_hotlists import (
    ANALYST,
    CUSTODIAN,
    LISTS,
    backend_settings,
    both_app,
    csv_import,
    hotlists,
    services,
)

__all__ = ["backend_settings", "both_app", "hotlists", "services"]  # fixtures, both databases

CITATIONS = [
    "PC 245(a)(1)",
    "pc245",
    "P.C. 211",
    "wanted under PC 245.",
    "VC 23152",
    "V.C. 10851(a)",
    "HS 11350",
    "H&S 11378",
    "23152(a) VC",
    "245 PC",
    "11350 H&S",
    "Penal Code § 187",
    "Penal Code section 459",
    "section 496 of the Penal Code",
    "18 U.S.C. § 922(g)",
    "18 USC 922",
    "21 U.S.C. 841(a)(1)",
    "8 USC 1326",
    "720 ILCS 5/12-3",
    "§ 273.5",
    "W&I 5150",
]
CHARGES_OF_A_PERSON = [
    "arrested for robbery",
    "ARRESTED ON warrant",
    "charged with assault",
    "convicted of DUI",
    "prior convictions for burglary",
    "booked for theft",
    "booked into county jail",
    "on probation for burglary",
    "on parole",
    "felony probation",
    "parolee at large",
    "known probationer",
    "pled guilty to grand theft",
    "registered sex offender",
]
CRIMINAL_HISTORY = [
    "rap sheet attached",
    "RAPSHEET",
    "CII number A12345678",
    "CII# 12345678",
    "FBI number 123456AB1",
    "FBI #: 12345XY",
    "NCIC hit on driver",
    "NCIC III record",
    "per CLETS",
    "clets return",
    "CJI attached",
    "criminal justice information",
    "wants/warrants returned",
    "wants and warrants",
    "warrants returned for the driver",
    "criminal history: 3 priors",
    "criminal record",
]
FINDINGS = CITATIONS + CHARGES_OF_A_PERSON + CRIMINAL_HISTORY
LEGITIMATE_REASONS = [
    "stolen vehicle",
    "Stolen Vehicle - recovered plates",
    "AMBER alert",
    "AMBER ALERT - child abduction",
    "felony warrant vehicle",
    "Felony warrant",
    "NCIC stolen vehicle",
    "NCIC stolen plate",
    "NCIC record V123456789",
    "wanted person warrant",
    "parole violation warrant",
    "vehicle used in robbery",
    "burglary suspect vehicle, grey Toyota Camry",
    "criminal investigation",
    "armed and dangerous",
    "hit and run, white 2019 Honda Civic",
    "seen on Hwy 101 near exit 45",
    "Silver Alert, elderly driver",
    "stolen plates, 2 of 2",
    "police pursuit",
    "missing person, endangered",
]


@pytest.mark.parametrize("text", FINDINGS)
def test_charges_and_criminal_history_are_found(text: str) -> None:
    kinds = {finding.kind for finding in find_personal_data(f"note: {text}")}
    wanted = {PersonalDataKind.CRIMINAL_CHARGE, PersonalDataKind.CRIMINAL_HISTORY}
    assert kinds, text
    assert kinds <= wanted, text


@pytest.mark.parametrize("text", LEGITIMATE_REASONS)
def test_what_a_car_is_wanted_for_is_no_charge(hotlists: HotlistService, text: str) -> None:
    assert find_personal_data(text) == [], text
    hotlists.add_entry(ANALYST, "agency", EntryDraft("7ABC123", text, None, "2026-000123"))


def test_a_finding_does_not_repeat_the_charge() -> None:
    with pytest.raises(InvalidInput) as refused:
        refuse_personal_data("arrested for PC 245(a)(1)", "note")
    assert "criminal charge" in str(refused.value)
    assert "245" not in str(refused.value)
    assert "criminal history" in (refused.value.hint or "")


@pytest.mark.parametrize("text", ["PC 245(a)(1)", "arrested for robbery", "rap sheet attached"])
def test_a_charge_is_refused_in_every_hotlist_field_and_path(
    hotlists: HotlistService, text: str
) -> None:
    for list_id in LISTS:
        with pytest.raises(InvalidInput, match="personal data"):
            hotlists.add_entry(ANALYST, list_id, EntryDraft("7ABC123", f"stolen, {text}", None,
                                                            "2026-1"))  # fmt: skip
        with pytest.raises(InvalidInput, match="personal data"):
            hotlists.add_entry(
                ANALYST, list_id, EntryDraft("7ABC123", "stolen", None, "2026-1", note=text)
            )
    report = csv_import(
        hotlists, "feed", f'7ABC123,stolen,"{text}"\n8XYZ999,stolen,\n', "plate=1,reason=2,note=3"
    )
    assert report.imported == 1  # type: ignore[attr-defined]
    assert "criminal" in report.rejected[0].reason  # type: ignore[attr-defined]


def test_a_charge_is_refused_in_holds_justifications_and_share_purposes(
    services: Services,
) -> None:
    with pytest.raises(InvalidInput, match="criminal charge"):
        services.holds.request(
            ANALYST,
            case_number="2026-000123",
            reason="Evidence for the DA, driver charged with PC 187",
            expires_at=NOW + timedelta(days=30),
            plates=PlateSpan("7ABC123", NOW - timedelta(days=3), NOW),
        )
    with pytest.raises(InvalidInput, match="criminal"):
        services.approvals.request(
            ANALYST,
            Basis("stolen-vehicle", "2026-000123"),
            NOW - timedelta(days=300),
            NOW - timedelta(days=200),
            "Pattern of thefts; CLETS shows wants/warrants returned",
        )
    with pytest.raises(InvalidInput, match="criminal"):
        services.sharing.submit(
            CUSTODIAN,
            ShareOrder("no-such-recipient", "arrested-for-robbery", "2026-000123", plate="7ABC1"),
        )


def test_the_api_refuses_a_charge_in_a_note(both_app: LiveApp) -> None:
    people = staff(both_app.services)
    with httpx.Client(
        base_url=both_app.base_url, headers=people[Role.ANALYST].headers, timeout=30
    ) as analyst:
        body = {"id": "mine", "name": "Mine", "source": "agency", "priority": 1,
                "alert_level": "critical"}  # fmt: skip
        assert analyst.post("/api/v1/hotlists", json=body).status_code == 201
        entry = {"plate": "7ABC123", "reason": "stolen vehicle", "case_number": "2026-000123"}
        refused = analyst.post(
            "/api/v1/hotlists/mine/entries", json={**entry, "note": "parolee, 18 USC 922(g)"}
        )
        assert refused.status_code == 422, refused.text
        assert "criminal charge" in refused.text
        assert "922" not in refused.text.replace("characters", "")
        stored = analyst.post("/api/v1/hotlists/mine/entries", json=entry)
        assert stored.status_code == 201, stored.text
