"""Why a person looks at ALPR data: an authorised purpose and the case it serves.

Civil Code 1798.90.52 asks for the purpose of every access. Free text alone is never enough: a
purpose is a code from the agency's configured list, and it comes with a case or incident number
in the agency's format, so that an auditor can tie each look-up to a matter on record.

Every purpose also belongs to a ``PurposeCategory`` from a closed list. A jurisdiction forbids
categories, never codes: a purpose filed under a forbidden category is refused whatever its
code or label says, and ``purpose_words`` catches one filed under another category by its words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from platekeeper.domain.purpose_words import points_at
from platekeeper.errors import FieldError, InvalidInput

_CODE = re.compile(r"[a-z][a-z0-9-]{1,39}")


class PurposeCategory(StrEnum):
    """The kind of matter a purpose serves. Closed: a new kind of matter is a code change, so
    that no agency can invent a category a profile does not know to forbid."""

    CRIMINAL_INVESTIGATION = "criminal-investigation"
    """Investigation of a specific crime under a case or incident number."""
    STOLEN_VEHICLE = "stolen-vehicle"
    """Recovery of a vehicle reported stolen."""
    STOLEN_PLATE = "stolen-plate"
    """Recovery of a licence plate reported stolen or lost."""
    MISSING_PERSON = "missing-person"
    """Locating a person reported missing."""
    AMBER_ALERT = "amber-alert"
    """A child abduction under an AMBER alert."""
    ENDANGERED_PERSON_ALERT = "endangered-person-alert"
    """An endangered adult under a Silver, Feather or similar alert."""
    WANTED_PERSON = "wanted-person"
    """Locating a person with an outstanding criminal warrant."""
    PROTECTION_ORDER = "protection-order"
    """Enforcing a court's protective or restraining order."""
    HUMAN_TRAFFICKING = "human-trafficking"
    """Investigation of human trafficking or the rescue of its victims."""
    TERRORISM = "terrorism"
    """A specific threat of terrorism, under a case number."""
    ALERT_VERIFICATION = "alert-verification"
    """Verifying a hot-list alert before anyone acts on it."""
    TRAFFIC_ENFORCEMENT = "traffic-enforcement"
    """Traffic, parking or toll enforcement."""
    CIVIL_ADMINISTRATIVE = "civil-administrative"
    """A civil or administrative matter: code enforcement, repossession, civil litigation."""
    AUDIT = "audit"
    """Review of the system's own use: compliance audits, misuse investigations."""
    IMMIGRATION_ENFORCEMENT = "immigration-enforcement"
    """Enforcement of immigration law or investigation of a person's immigration status."""
    REPRODUCTIVE_HEALTH_CARE = "reproductive-health-care"
    """Investigating or enforcing a law against obtaining or providing reproductive health
    care, abortion included."""


@dataclass(frozen=True, slots=True)
class SearchPurpose:
    """One authorised purpose, as the agency's usage policy lists it."""

    code: str
    label: str
    category: PurposeCategory

    def __post_init__(self) -> None:
        if not _CODE.fullmatch(self.code):
            raise InvalidInput(
                f"purpose code {self.code!r} is not valid",
                hint="Use 2 to 40 lower-case letters, digits and hyphens, e.g. 'stolen-vehicle'.",
            )
        if not self.label.strip():
            raise InvalidInput(f"purpose {self.code!r} has no label")


@dataclass(frozen=True, slots=True)
class CaseNumberFormat:
    """The shape of the agency's case or incident numbers, e.g. ``2026-000123``."""

    pattern: str
    example: str

    def __post_init__(self) -> None:
        try:
            compiled = re.compile(self.pattern)
        except re.error as exc:
            raise InvalidInput(f"case number pattern is not a valid expression: {exc}") from None
        if not compiled.fullmatch(self.example):
            raise InvalidInput(
                f"the example case number {self.example!r} does not match the pattern",
                hint="Give an example that the pattern accepts.",
            )

    def accepts(self, case_number: str) -> bool:
        return re.fullmatch(self.pattern, case_number) is not None


@dataclass(frozen=True, slots=True)
class StatedPurpose:
    """What a person gave for one access: a known purpose and a well-formed case number."""

    purpose: SearchPurpose
    case_number: str


class PurposeCatalogue:
    """The configured purposes and case number format, and the check every access goes through.

    ``forbidden`` maps each category the applicable law forbids to the law that forbids it: a
    purpose of that category is refused whatever its code, and so is a case number that points
    at the matter (a lax case pattern must not let 'ICE-ERO-17' through).
    """

    def __init__(
        self,
        purposes: Iterable[SearchPurpose],
        case_format: CaseNumberFormat,
        forbidden: Mapping[PurposeCategory, str] | None = None,
    ) -> None:
        self.forbidden: Mapping[PurposeCategory, str] = dict(forbidden or {})
        listed = list(purposes)
        self._purposes: Mapping[str, SearchPurpose] = {
            p.code: p for p in listed if p.category not in self.forbidden
        }
        self._refused = {p.code: p.category for p in listed if p.category in self.forbidden}
        if not self._purposes:
            raise InvalidInput("no authorised purposes are configured")
        self.case_format = case_format

    @property
    def purposes(self) -> list[SearchPurpose]:
        return list(self._purposes.values())

    def state(self, purpose_code: str | None, case_number: str | None) -> StatedPurpose:
        """The stated purpose, or ``InvalidInput`` naming each missing or invalid part."""
        problems: list[FieldError] = []
        code = (purpose_code or "").strip()
        purpose = self._purposes.get(code)
        if code in self._refused:
            category = self._refused[code]
            problem = f"{code!r} is {category.value}, forbidden by {self.forbidden[category]}"
            problems.append(FieldError("purpose", problem))
        elif purpose is None:
            problem = "is missing" if not purpose_code else f"{purpose_code!r} is not authorised"
            problems.append(FieldError("purpose", problem))
        case = (case_number or "").strip()
        if not case:
            problems.append(FieldError("case_number", "is missing"))
        elif not self.case_format.accepts(case):
            problems.append(
                FieldError("case_number", f"{case!r} is not in the format of {self.example}")
            )
        else:
            problems.extend(self._forbidden_matter("case_number", case))
        if problems or purpose is None:
            raise InvalidInput(
                "access to ALPR data needs an authorised purpose and a case number: "
                + "; ".join(f"{p.location} {p.message}" for p in problems),
                hint=f"Give purpose (one of {self.codes}) and case_number (like {self.example}).",
                fields=problems,
            )
        return StatedPurpose(purpose, case)

    def _forbidden_matter(self, location: str, text: str) -> list[FieldError]:
        found = points_at(text, self.forbidden)
        if found is None:
            return []
        category, word = found
        why = self.forbidden[PurposeCategory(category)]
        return [FieldError(location, f"{word!r} points at {category}, forbidden by {why}")]

    @property
    def codes(self) -> str:
        return ", ".join(self._purposes)

    @property
    def example(self) -> str:
        return self.case_format.example
