"""Attack 10: plate text typed in another script. Look-alike letters used to be dropped, so a
hot-list entry typed with the Cyrillic capitals A, VE, ES and 123 was keyed ``123``: it never
alerted on ABC123 and matched a read of ``123``. One normalisation now serves reads, entries
and searches: a look-alike becomes the Latin letter it looks like, anything else is refused by
name."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from platekeeper.domain.people import Role
from platekeeper.domain.plates import normalise_plate_key, plate_pattern_to_like
from platekeeper.errors import InvalidInput
from tests.api import conftest as api
from tests.api.conftest import LiveApp
from tests.api.people import Person, staff
from tests.conftest import NOW

CYRILLIC_ABC = "\u0410\u0412\u0421123"  # Cyrillic capital A, VE, ES, then 123
WATCH_LIST = {
    "id": "stolen",
    "name": "Stolen vehicles",
    "source": "manual",
    "priority": 1,
    "alert_level": "critical",
    "covert": False,
}
VERIFY = {"purpose": "alert-verification", "case_number": "2026-004242"}
SEARCH = {"purpose": "stolen-vehicle", "case_number": "2026-000123"}

# The live app on both databases, as the API tests have it.
backend_settings, services, live_app = api.backend_settings, api.services, api.live_app


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (CYRILLIC_ABC, "ABC123"),
        ("\u0430\u0432\u0441 123", "ABC123"),  # Cyrillic small a, ve, es
        ("\u0391\u0392\u0395-123", "ABE123"),  # Greek capital Alpha, Beta, Epsilon
        ("\u041c\u041d\u041e\u0420\u0422\u0425", "MHOPTX"),  # Cyrillic M, EN, O, ER, TE, HA
        ("\u0406\u0405 9", "IS9"),  # Ukrainian I and DZE: the I is a capital I, not an l
        ("\U0001d400\U0001d401\U0001d402\U0001d7cf", "ABC1"),  # mathematical bold
        ("\u00c9\u0301X 1", "EX1"),  # accents belong to their letter
    ],
)
def test_look_alikes_from_other_scripts_key_as_the_latin_plate(text: str, key: str) -> None:
    assert normalise_plate_key(text) == key


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("\u0416AB123", 1),  # Cyrillic ZHE looks like no Latin letter
        ("AB\u0393123", 3),  # Greek GAMMA neither
        ("ABC123\U0001f600", 7),  # an emoji
        ("A\u200bBC123", 2),  # a zero-width space, invisible on screen
        ("ABC/123", 4),  # punctuation that is no plate separator
        ("ABC_123", 4),
        ("ABC\u0661\u0662\u0663", 4),  # Arabic-Indic digits: looks and value disagree
        ("\u0301ABC", 1),  # an accent with no letter under it
    ],
)
def test_anything_else_is_refused_naming_the_character_and_its_position(
    text: str, position: int
) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalise_plate_key(text)
    assert f"at position {position}" in str(refused.value)
    assert repr(text[position - 1]) in str(refused.value)
    with pytest.raises(InvalidInput):
        plate_pattern_to_like(text)


def test_a_pattern_is_normalised_as_a_plate_is() -> None:
    assert plate_pattern_to_like("\u0410\u0412\u0421*") == "ABC%"


def _client(live_app: LiveApp, person: Person) -> httpx.Client:
    client = live_app.client()
    client.headers.update(person.headers)
    return client


def _send(live_app: LiveApp, index: int, plate: str) -> httpx.Response:
    read = {
        "client_read_id": f"plate-text-{index}",
        "plate_text": plate,
        "confidence": 0.9,
        "captured_at": (NOW - timedelta(minutes=index)).isoformat(),
        "region": "us-ca",
    }
    with live_app.client(live_app.camera_key) as camera:
        return camera.post("/api/v1/reads", json=read)


def _hit_plates(live_app: LiveApp, officer: Person) -> list[str]:
    with _client(live_app, officer) as client:
        response = client.get("/api/v1/hits", params=VERIFY)
    assert response.status_code == 200, response.text
    hits: list[dict[str, Any]] = response.json()["hits"]
    return [hit["read"]["plate_text"] for hit in hits]


@pytest.fixture
def people(live_app: LiveApp) -> dict[Role, Person]:
    return staff(live_app.services)


def test_a_cyrillic_entry_alerts_on_the_latin_plate_and_not_on_its_digits(
    live_app: LiveApp, people: dict[Role, Person]
) -> None:
    entry = {"plate": CYRILLIC_ABC, "state": "CA", "reason": "stolen", "case_number": "2026-1"}
    with _client(live_app, people[Role.ANALYST]) as analyst:
        assert analyst.post("/api/v1/hotlists", json=WATCH_LIST).status_code == 201
        added = analyst.post("/api/v1/hotlists/stolen/entries", json=entry)
    assert added.status_code == 201, added.text
    [stored] = live_app.services.store.hotlist_entries.list("stolen", 10, 0)
    assert stored.plate_key == "ABC123"
    assert _send(live_app, 1, "123").status_code == 201
    assert _send(live_app, 2, "ABC123").status_code == 201
    assert _hit_plates(live_app, people[Role.OFFICER]) == ["ABC123"]


def test_an_entry_or_import_row_with_a_foreign_letter_is_refused_not_shortened(
    live_app: LiveApp, people: dict[Role, Person]
) -> None:
    entry = {"plate": "\u0416AB123", "state": "CA", "reason": "stolen", "case_number": "2026-1"}
    rows = "".join(
        f"{line}\n"
        for line in (
            "PLATE;ST;OFFENSE;CASE",
            f"{CYRILLIC_ABC};CA;stolen;1",
            "AB\U0001f697123;CA;x;1",
        )
    )
    with _client(live_app, people[Role.ANALYST]) as analyst:
        analyst.post("/api/v1/hotlists", json=WATCH_LIST)
        refused = analyst.post("/api/v1/hotlists/stolen/entries", json=entry)
        imported = analyst.post(
            "/api/v1/hotlists/stolen/import",
            params={
                "mapping": "plate=PLATE,state=ST,reason=OFFENSE,case_number=CASE",
                "format": "semicolon",
            },
            content=rows.encode(),
            headers={"Content-Type": "text/csv"},
        )
    assert refused.status_code == 422
    assert "CYRILLIC CAPITAL LETTER ZHE" in refused.text
    assert "position 1" in refused.text
    assert imported.status_code == 200, imported.text
    assert imported.json()["imported"] == 1, imported.text
    [rejected] = imported.json()["rejected"]
    assert rejected["line"] == 3
    assert "position 3" in rejected["reason"]
    keys = [e.plate_key for e in live_app.services.store.hotlist_entries.list("stolen", 10, 0)]
    assert keys == ["ABC123"]


def test_a_read_is_keyed_by_the_same_rule_and_found_by_a_search_in_either_script(
    live_app: LiveApp, people: dict[Role, Person]
) -> None:
    assert _send(live_app, 1, "\u0430\u0432\u0441 123").status_code == 201
    refused = _send(live_app, 2, "AB\u200bC123")
    assert refused.status_code == 422
    assert "ZERO WIDTH SPACE" in refused.text
    with _client(live_app, people[Role.ANALYST]) as analyst:
        by_plate = analyst.get("/api/v1/reads", params={"plate": CYRILLIC_ABC, **SEARCH})
        by_pattern = analyst.get(
            "/api/v1/reads", params={"plate_pattern": "\u0410\u0412\u0421*", **SEARCH}
        )
        digits_only = analyst.get("/api/v1/reads", params={"plate": "123", **SEARCH})
        emoji = analyst.get("/api/v1/reads", params={"plate": "ABC\U0001f600", **SEARCH})
    assert by_plate.status_code == 200, by_plate.text
    assert [r["plate_key"] for r in by_plate.json()["reads"]] == ["ABC123"]
    assert by_pattern.status_code == 200, by_pattern.text
    assert [r["plate_key"] for r in by_pattern.json()["reads"]] == ["ABC123"]
    assert digits_only.json()["reads"] == []
    assert emoji.status_code == 422
    assert "GRINNING FACE" in emoji.text
