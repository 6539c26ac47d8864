"""Personal data in notes is found and described without being repeated; plates, case numbers
and record ids are not mistaken for it."""

from __future__ import annotations

from datetime import date

import pytest

from platekeeper.domain.personal_data import (
    PersonalDataKind,
    compile_name_patterns,
    find_personal_data,
    refuse_personal_data,
)
from platekeeper.errors import InvalidInput

TODAY = date(2026, 11, 28)
NAMES = compile_name_patterns([r"\bjohn\s+smith\b", r"\bdoe,\s*jane\b"])


def kinds(text: str) -> list[PersonalDataKind]:
    return [finding.kind for finding in find_personal_data(text, NAMES, today=TODAY)]


@pytest.mark.parametrize(
    "text",
    [
        "DOB 04/12/1985",
        "dob: 1985-04-12",
        "D.O.B. 12.04.1985",
        "born on Jan 5, 1980",
        "date of birth 5 January 1980",
        "DOB 19850412",
        "driver 04/12/1985",
    ],
)
def test_dates_of_birth_are_found(text: str) -> None:
    assert kinds(text) == [PersonalDataKind.DATE_OF_BIRTH]


@pytest.mark.parametrize(
    "text", ["SSN 123-45-6789", "ss 123 45 6789", "123456789", "owner ssn:123-45-6789."]
)
def test_social_security_numbers_are_found(text: str) -> None:
    assert kinds(text) == [PersonalDataKind.SOCIAL_SECURITY_NUMBER]


@pytest.mark.parametrize("text", ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567"])
def test_numbers_the_ssa_never_issues_are_not_ssns(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    "text",
    ["lives at 123 Main Street", "1600 Pennsylvania Ave", "45 N Elm Ave.", "PO Box 1234"],
)
def test_addresses_are_found(text: str) -> None:
    assert kinds(text) == [PersonalDataKind.ADDRESS]


def test_names_come_from_the_configured_patterns_and_the_census_lists() -> None:
    assert kinds("registered to John  Smith") == [PersonalDataKind.NAME]
    assert kinds("DOE, JANE") == [PersonalDataKind.NAME]
    # Built in since issue 15: the census lists find the name with no pattern configured;
    # the agency's patterns still add names the lists do not hold.
    assert [f.kind for f in find_personal_data("registered to John Smith")] == [
        PersonalDataKind.NAME
    ]
    assert find_personal_data("seen with Zxqv") == []
    assert kinds_with(r"\bzxqv\b", "seen with Zxqv") == [PersonalDataKind.NAME]


def kinds_with(pattern: str, text: str) -> list[PersonalDataKind]:
    found = find_personal_data(text, compile_name_patterns([pattern]), today=TODAY)
    return [finding.kind for finding in found]


@pytest.mark.parametrize(
    "text",
    [
        "plate 7ABC123",
        "case 2026-000123",
        "NCIC record V123456789",
        "stolen 2026-11-01 from a parking lot",
        "seen 11/20/2026 near the mall",
        "seen 3 times on Main St",
        "2 CA plates, 1998 Honda Civic",
        "phone tip 9165551234",
        "13/45/1980",
    ],
)
def test_case_numbers_plates_and_recent_dates_are_not_personal_data(text: str) -> None:
    assert kinds(text) == []


def test_a_bare_old_date_counts_only_when_today_is_known() -> None:
    assert find_personal_data("12/31/1979") == []
    assert kinds("12/31/1979") == [PersonalDataKind.DATE_OF_BIRTH]


def test_the_refusal_explains_without_repeating_the_data() -> None:
    with pytest.raises(InvalidInput) as refused:
        refuse_personal_data("DOB 04/12/1985, 123 Main St", "note", NAMES, today=TODAY)
    error = refused.value
    assert "date of birth (characters 5-14)" in error.message
    assert "street address (characters 17-27)" in error.message
    assert "04/12/1985" not in str(error)
    assert "Main" not in str(error)
    assert error.hint is not None
    assert "audit" in error.hint
    assert "case number" in error.hint
    assert [field.location for field in error.fields] == ["note"]


def test_a_broken_name_pattern_is_named() -> None:
    with pytest.raises(InvalidInput, match="smith\\("):
        compile_name_patterns(["smith("])
