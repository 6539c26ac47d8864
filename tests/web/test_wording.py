"""Refusals in people's words: each field under the label the form shows, never the API's name."""

from __future__ import annotations

import pytest

from platekeeper.errors import FieldError, InvalidInput, PermissionDenied
from platekeeper.web.pages.wording import FieldProblem, form_problem, reworded


@pytest.mark.parametrize(
    ("field", "said"),
    [
        (
            FieldError("purpose", "is missing"),
            "Purpose: choose the authorised purpose from the list",
        ),
        (
            FieldError("purpose", "'curiosity' is not authorised"),
            "Purpose: “curiosity” is not one of the agency's authorised purposes; choose one "
            "from the list",
        ),
        (
            FieldError("case_number", "is missing"),
            "Case number: enter the case number this search is for",
        ),
        (
            FieldError("case_number", "'see notes' is not in the format of 2026-000123"),
            "Case number: “see notes” is not a case number in the agency's format, which looks "
            "like 2026-000123",
        ),
        (
            FieldError("captured_from", "'soon' is not a date and time"),
            "From: enter a date and time, or leave it empty",
        ),
        (
            FieldError("north", "is missing"),
            "North: fill this in too, or leave all four edges empty",
        ),
        (
            FieldError("plate", "is too long"),
            "Plate (exact): this is longer than any real value; shorten it",
        ),
        # What has no rewording keeps the service's message, under the label still.
        (
            FieldError("case_number", "'ICE-1' points at immigration"),
            "Case number: 'ICE-1' points at immigration",
        ),
    ],
)
def test_a_field_is_named_by_its_label_and_told_what_to_do(field: FieldError, said: str) -> None:
    problem = reworded(field, "search")
    assert f"{problem.label}: {problem.message}" == said
    assert problem.name == field.location


def test_a_refusal_with_fields_names_them_once_and_drops_the_apis_hint() -> None:
    refusal = InvalidInput(
        "access to ALPR data needs an authorised purpose and a case number: case_number is missing",
        hint="Give purpose (one of a, b) and case_number (like 2026-000123).",
        fields=[FieldError("case_number", "is missing")],
    )
    more = FieldProblem("case_number", "Case number", "a second opinion")
    problem = form_problem(refusal, "history", [more])
    assert problem.title == "The history was not run: correct what is marked and try again."
    assert problem.hint is None
    assert problem.by_field == {"case_number": "enter the case number this history is for"}
    assert problem.status == 422


def test_a_refusal_without_fields_is_a_sentence_with_its_hint() -> None:
    refusal = PermissionDenied("searches reaching back need an approval", hint="Request one.")
    problem = form_problem(refusal, "search")
    assert (problem.title, problem.hint, problem.fields) == (
        "Searches reaching back need an approval.",
        "Request one.",
        (),
    )
    assert problem.status == 403
