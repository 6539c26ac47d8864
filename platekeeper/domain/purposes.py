"""Why a person looks at ALPR data: an authorised purpose and the case it serves.

Civil Code 1798.90.52 asks for the purpose of every access. Free text alone is never enough: a
purpose is a code from the agency's configured list, and it comes with a case or incident number
in the agency's format, so that an auditor can tie each look-up to a matter on record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from platekeeper.errors import FieldError, InvalidInput

_CODE = re.compile(r"[a-z][a-z0-9-]{1,39}")


@dataclass(frozen=True, slots=True)
class SearchPurpose:
    """One authorised purpose, as the agency's usage policy lists it."""

    code: str
    label: str

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
    """The configured purposes and case number format, and the check every access goes through."""

    def __init__(self, purposes: Iterable[SearchPurpose], case_format: CaseNumberFormat) -> None:
        self._purposes: Mapping[str, SearchPurpose] = {p.code: p for p in purposes}
        if not self._purposes:
            raise InvalidInput("no authorised purposes are configured")
        self.case_format = case_format

    @property
    def purposes(self) -> list[SearchPurpose]:
        return list(self._purposes.values())

    def state(self, purpose_code: str | None, case_number: str | None) -> StatedPurpose:
        """The stated purpose, or ``InvalidInput`` naming each missing or invalid part."""
        problems: list[FieldError] = []
        purpose = self._purposes.get((purpose_code or "").strip())
        if purpose is None:
            problem = "is missing" if not purpose_code else f"{purpose_code!r} is not authorised"
            problems.append(FieldError("purpose", problem))
        case = (case_number or "").strip()
        if not case:
            problems.append(FieldError("case_number", "is missing"))
        elif not self.case_format.accepts(case):
            problems.append(
                FieldError("case_number", f"{case!r} is not in the format of {self.example}")
            )
        if problems or purpose is None:
            raise InvalidInput(
                "access to ALPR data needs an authorised purpose and a case number: "
                + "; ".join(f"{p.location} {p.message}" for p in problems),
                hint=f"Give purpose (one of {self.codes}) and case_number (like {self.example}).",
                fields=problems,
            )
        return StatedPurpose(purpose, case)

    @property
    def codes(self) -> str:
        return ", ".join(self._purposes)

    @property
    def example(self) -> str:
        return self.case_format.example
