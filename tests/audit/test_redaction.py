"""What an auditor's screen shows of an entry: everything but a plate."""

from __future__ import annotations

import dataclasses

from platekeeper.audit.redaction import WITHHELD, holds_plate, without_plates
from platekeeper.domain.access import AccessOutcome, seal
from tests.audit.conftest import make_event


def test_plate_elements_are_withheld_and_the_rest_kept() -> None:
    event = dataclasses.replace(
        make_event(1, plate="7ABC123"),
        query={"plate": "7ABC123", "plate_pattern": "7AB*", "camera_id": "main-st"},
    )
    shown = without_plates(event)
    assert dict(shown.query) == {
        "plate": WITHHELD,
        "plate_pattern": WITHHELD,
        "camera_id": "main-st",
    }
    assert (shown.actor, shown.action, shown.case_number) == (
        event.actor,
        event.action,
        event.case_number,
    )
    assert shown.read_ids == event.read_ids


def test_a_reason_quoting_the_plate_withholds_it_too() -> None:
    event = dataclasses.replace(
        make_event(1, outcome=AccessOutcome.DENIED),
        query={"plate_pattern": "7a*c"},
        reason="plate pattern '7A*C' has 3 known characters; allowed after 7A*Cx",
    )
    shown = without_plates(event)
    assert shown.reason == f"plate pattern '{WITHHELD}' has 3 known characters; allowed after 7A*Cx"
    assert "7A*C'" not in shown.reason


def test_a_short_plate_leaves_the_words_around_it() -> None:
    event = dataclasses.replace(make_event(1), query={"plate": "ALL"}, reason="allowed for ALL")
    assert without_plates(event).reason == f"allowed for {WITHHELD}"


def test_the_entry_itself_is_untouched() -> None:
    record = seal(1, make_event(1), "0" * 64)
    without_plates(record.event)
    assert record.intact
    assert record.event.query["plate"] == "7ABC123"


def test_which_elements_hold_plates() -> None:
    assert holds_plate("plate")
    assert holds_plate("plate_pattern")
    assert holds_plate("Plate_Key")
    assert not holds_plate("case_number")
    assert not holds_plate("read_ids")
