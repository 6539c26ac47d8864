"""A refused look-up as a form shows it: in people's words, each problem under its field's label.

The services name fields as the API does (``case_number is missing``), which is right for a
client and wrong for a person at a form. Here each problem gets the label the form shows and a
sentence that says what to do ("Case number: enter the case number this search is for"), and
keeps the field's name so that the page can mark the field itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from platekeeper.errors import FieldError, InvalidInput, PlateKeeperError

LABELS: Mapping[str, str] = {
    "purpose": "Purpose",
    "case_number": "Case number",
    "approval_id": "Supervisor's approval",
    "plate": "Plate (exact)",
    "plate_pattern": "Partial plate",
    "captured_from": "From",
    "captured_before": "Before",
    "camera_id": "Camera",
    "south": "South",
    "west": "West",
    "north": "North",
    "east": "East",
    "latitude": "Centre latitude",
    "longitude": "Centre longitude",
    "radius_m": "Radius (metres)",
    "area": "Area",
    "after": "Page",
}
"""Each field's label as the search, history and read forms show it."""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    name: str
    """The input's name; the page marks the input ``field-<name>``."""
    label: str
    message: str


@dataclass(frozen=True, slots=True)
class FormProblem:
    """A refusal for a form: what happened, what to do, and the fields to correct."""

    title: str
    hint: str | None
    fields: tuple[FieldProblem, ...]
    code: str
    status: int

    @property
    def by_field(self) -> dict[str, str]:
        """The message of each field at fault, by the input's name, for the marks beside it."""
        return {problem.name: problem.message for problem in self.fields}


Rewording = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _rule(pattern: str, say: Callable[[re.Match[str]], str]) -> Rewording:
    return re.compile(pattern), say


_REWORDINGS: Mapping[str, tuple[Rewording, ...]] = {
    "purpose": (
        _rule(r"^is missing$", lambda _: "choose the authorised purpose from the list"),
        _rule(
            r"^'(.*)' is not authorised$",
            lambda m: (
                f"“{m[1]}” is not one of the agency's authorised purposes; choose one from the list"
            ),
        ),
    ),
    "case_number": (
        _rule(r"^is missing$", lambda _: "enter the case number this {doing} is for"),
        _rule(
            r"^'(.*)' is not in the format of (.*)$",
            lambda m: (
                f"“{m[1]}” is not a case number in the agency's format, which looks like {m[2]}"
            ),
        ),
    ),
    "after": (
        _rule(
            r"is not a page of these results$",
            lambda _: (
                "the link to this page of results is damaged; search again from the first page"
            ),
        ),
    ),
    "captured_from": (
        _rule(r"is not a date and time$", lambda _: "enter a date and time, or leave it empty"),
    ),
    "captured_before": (
        _rule(r"is not a date and time$", lambda _: "enter a date and time, or leave it empty"),
    ),
    "*": (
        _rule(r"^is too long$", lambda _: "this is longer than any real value; shorten it"),
        _rule(
            r"^is not a number of degrees$",
            lambda _: "enter degrees as a decimal number, for example 38.5816",
        ),
        _rule(r"^is missing$", lambda _: "fill this in too, or leave all four edges empty"),
    ),
}


def reworded(problem: FieldError, doing: str) -> FieldProblem:
    """``problem`` under its field's label, in people's words; ``doing`` names the look-up
    ("search", "history") where a sentence needs it."""
    rules = (*_REWORDINGS.get(problem.location, ()), *_REWORDINGS["*"])
    message = problem.message
    for pattern, say in rules:
        match = pattern.search(problem.message)
        if match is not None:
            message = say(match).replace("{doing}", doing)
            break
    label = LABELS.get(problem.location, problem.location.replace("_", " ").capitalize())
    return FieldProblem(problem.location, label, message)


def form_problem(
    refusal: PlateKeeperError, doing: str, more: Iterable[FieldProblem] = ()
) -> FormProblem:
    """``refusal`` as the form shows it, with ``more`` problems the page found in the form
    itself (a field the service's message did not name). A field is named once."""
    fields: dict[str, FieldProblem] = {}
    for problem in (*(reworded(field, doing) for field in refusal.fields), *more):
        fields.setdefault(problem.name, problem)
    if isinstance(refusal, InvalidInput) and fields:
        # The service's hint names the API's parameters; the fields say it for a person.
        return FormProblem(
            f"The {doing} was not run: correct what is marked and try again.",
            None,
            tuple(fields.values()),
            refusal.code,
            refusal.status,
        )
    return FormProblem(
        _sentence(refusal.message), refusal.hint, tuple(fields.values()), refusal.code,
        refusal.status,
    )  # fmt: skip


def _sentence(message: str) -> str:
    text = message[:1].upper() + message[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."
