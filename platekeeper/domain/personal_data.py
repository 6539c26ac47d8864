"""Finding personal data in free text: the one check every free-text field passes.

The audit criticised hot-list and read records tagged with people's names and addresses. An
entry says which car and why; who the person is belongs in the case file, which the entry's case
number points to. So every free-text field (hot-list reasons and notes, hold reasons, approval
justifications, hit notes, share purposes and reasons) is searched for dates of birth, street
addresses, phone numbers, social security numbers, names, criminal charges and criminal-history
(CLETS/CJI) records (``criminal_records.py``), and refused when it holds any.
Names are found by ``person_names.py`` from the census lists shipped with the package; the
agency's own patterns (``hotlists.personal_name_patterns``) add to them.

A finding says what was found and where, never the text itself: the refusal is shown, logged and
sometimes mailed, and must not spread what it refuses to store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from platekeeper.domain.criminal_records import CriminalRecordKind, find_criminal_records
from platekeeper.domain.person_names import find_names
from platekeeper.errors import FieldError, InvalidInput

BARE_DATE_YEARS = 10
"""A date without a 'DOB' label counts as a date of birth when it lies this many years back:
no active hot-list entry is about something that happened that long ago."""


class PersonalDataKind(StrEnum):
    DATE_OF_BIRTH = "date of birth"
    ADDRESS = "street address"
    SOCIAL_SECURITY_NUMBER = "social security number"
    PHONE_NUMBER = "phone number"
    NAME = "name"
    CRIMINAL_CHARGE = "criminal charge"
    CRIMINAL_HISTORY = "criminal-history record"


_CRIMINAL_KINDS = {
    CriminalRecordKind.CHARGE: PersonalDataKind.CRIMINAL_CHARGE,
    CriminalRecordKind.HISTORY: PersonalDataKind.CRIMINAL_HISTORY,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """Personal data at ``text[start:end]``; ``described`` names it without repeating it."""

    kind: PersonalDataKind
    start: int
    end: int

    @property
    def described(self) -> str:
        return f"a {self.kind.value} (characters {self.start + 1}-{self.end})"


_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_ABBREVIATIONS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_SEP = r"[-/.]"
# Each alternative names its parts so that impossible dates (month 13) can be told apart.
_DATE = re.compile(
    rf"""(?<![\w/.-])(?:
        (?P<y1>(?:19|20)\d\d)(?P<s1>{_SEP})(?P<m1>\d\d?)(?P=s1)(?P<d1>\d\d?)
      | (?P<m2>\d\d?)(?P<s2>{_SEP})(?P<d2>\d\d?)(?P=s2)(?P<y2>(?:19|20)?\d\d)
      | (?P<mn3>{_MONTHS})\.?\s+(?P<d3>\d\d?)(?:st|nd|rd|th)?,?\s+(?P<y3>(?:19|20)\d\d)
      | (?P<d4>\d\d?)(?:st|nd|rd|th)?\s+(?P<mn4>{_MONTHS})\.?,?\s+(?P<y4>(?:19|20)\d\d)
    )(?![\w/-]|\.\d)""",
    re.IGNORECASE | re.VERBOSE,
)
_DOB_LABEL = re.compile(
    r"\b(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?|b\.)\s*[:#-]?\s*$",
    re.IGNORECASE,
)
_COMPACT_DOB = re.compile(
    r"\b(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s*date)\s*[:#-]?\s*(?P<date>\d{6}|\d{8})\b",
    re.IGNORECASE,
)
_SSN = re.compile(
    r"(?<![\w-])(?P<area>\d{3})(?P<sep>[- ]?)(?P<group>\d{2})(?P=sep)(?P<serial>\d{4})(?![\w-])"
)
_STREET_WORDS = (
    "st|street|ave|avenue|av|rd|road|blvd|boulevard|ln|lane|dr|drive|ct|court|way|pl|place"
    "|ter|terrace|cir|circle|hwy|highway|pkwy|parkway|sq|square|trl|trail|pike|row|aly|alley"
)
_NOT_NAME_WORDS = frozenset(
    {
        *("on", "at", "in", "near", "by", "from", "to", "the", "and", "of", "or"),
        *("time", "times", "block", "blocks", "mile", "miles", "feet", "ft", "min", "mins"),
        *("minutes", "hours", "car", "cars", "plate", "plates"),
    }
)
_ADDRESS = re.compile(
    rf"(?<![\w-])(?P<number>\d{{1,6}}[a-z]?)\s+(?P<words>(?:[a-z][\w'.-]*\s+){{1,4}}?)"
    rf"(?:{_STREET_WORDS})\b\.?",
    re.IGNORECASE,
)
# A North American number: area code and exchange start with 2-9; a bare run of ten digits
# (a case number, often) counts only after a label.
_PHONE = re.compile(
    r"(?<![\w-])(?:\+?1[-. ]?)?(?:\([2-9]\d\d\)\s?|[2-9]\d\d[-. ])[2-9]\d\d[-. ]\d{4}(?![\w-])"
)
_LABELLED_PHONE = re.compile(
    r"\b(?:phone|ph|tel|telephone|cell|mobile|mob)\b\.?\s*(?:#|no\.?|number)?\s*[:#-]?\s*"
    r"(?P<number>\+?1?[2-9]\d{9})\b",
    re.IGNORECASE,
)
_PO_BOX = re.compile(r"\bp\.?\s*o\.?\s*box\s*#?\s*\d+", re.IGNORECASE)


def compile_name_patterns(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """The agency's name patterns, case-insensitive; ``InvalidInput`` names a broken one."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise InvalidInput(
                f"the name pattern {pattern!r} is not a regular expression: {exc}",
                hint="Write it in Python's regular-expression syntax, e.g. '\\bsmith\\b'.",
            ) from None
    return tuple(compiled)


def find_personal_data(
    text: str, names: Sequence[re.Pattern[str]] = (), *, today: date | None = None
) -> list[Finding]:
    """Every piece of personal data in ``text``, in order of position.

    A date counts as a date of birth when a label ('DOB', 'born', 'date of birth') precedes it,
    or, given ``today``, when it lies ``BARE_DATE_YEARS`` or more back.
    """
    findings = [
        *_dates_of_birth(text, today),
        *_social_security_numbers(text),
        *_addresses(text),
        *_phone_numbers(text),
        *(Finding(_CRIMINAL_KINDS[k], start, end) for k, start, end in find_criminal_records(text)),
        *(Finding(PersonalDataKind.NAME, start, end) for start, end in find_names(text)),
        *(
            Finding(PersonalDataKind.NAME, m.start(), m.end())
            for n in names
            for m in n.finditer(text)
        ),
    ]
    return sorted(_without_overlaps(findings), key=lambda finding: finding.start)


def refuse_personal_data(
    text: str | None,
    field: str,
    names: Sequence[re.Pattern[str]] = (),
    *,
    today: date | None = None,
) -> None:
    """Raise ``InvalidInput`` explaining what ``text`` holds, if it holds personal data."""
    if not text:
        return
    findings = find_personal_data(text, names, today=today)
    if not findings:
        return
    found = ", ".join(finding.described for finding in findings)
    message = f"the {field} holds personal data: {found}"
    raise InvalidInput(
        message,
        hint="PlateKeeper's records must not name people or carry their dates of birth, "
        "addresses, phone numbers or social security numbers, nor their charges, convictions "
        "or criminal history (CLETS/CJI returns): the audit criticised records tagged with "
        "them. Say what the car is wanted for or why the record is needed, and "
        "leave the person to the case file that the case number links to.",
        fields=[FieldError(field, message)],
    )


def _dates_of_birth(text: str, today: date | None) -> Iterator[Finding]:
    for match in _DATE.finditer(text):
        when = _date_of(match)
        if when is None:
            continue
        labelled = _DOB_LABEL.search(text, max(0, match.start() - 24), match.start()) is not None
        if labelled or (today is not None and today.year - when.year >= BARE_DATE_YEARS):
            yield Finding(PersonalDataKind.DATE_OF_BIRTH, match.start(), match.end())
    for match in _COMPACT_DOB.finditer(text):
        yield Finding(PersonalDataKind.DATE_OF_BIRTH, match.start("date"), match.end("date"))


def _date_of(match: re.Match[str]) -> date | None:
    """The date a match spells, or None if no calendar has it (13/45/2020)."""
    parts = match.groupdict()
    for n in "1234":
        if parts[f"y{n}"] is None:
            continue
        year = int(parts[f"y{n}"])
        year += 0 if year >= 100 else (1900 if year >= 30 else 2000)
        month_name = parts.get(f"mn{n}")
        month = _month_number(month_name) if month_name else int(parts[f"m{n}"])
        try:
            return date(year, month, int(parts[f"d{n}"]))
        except ValueError:
            return None
    return None


def _month_number(name: str) -> int:
    return _MONTH_ABBREVIATIONS.index(name[:3].lower()) + 1


def _social_security_numbers(text: str) -> Iterator[Finding]:
    for match in _SSN.finditer(text):
        area, group, serial = match["area"], match["group"], match["serial"]
        # The SSA never issues area 000, 666 or 900-999, group 00 or serial 0000.
        if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
            continue
        yield Finding(PersonalDataKind.SOCIAL_SECURITY_NUMBER, match.start(), match.end())


def _addresses(text: str) -> Iterator[Finding]:
    for match in _ADDRESS.finditer(text):
        words = match["words"].lower().split()
        if any(word.strip(".,") in _NOT_NAME_WORDS for word in words):
            continue
        yield Finding(PersonalDataKind.ADDRESS, match.start(), match.end())
    for match in _PO_BOX.finditer(text):
        yield Finding(PersonalDataKind.ADDRESS, match.start(), match.end())


def _phone_numbers(text: str) -> Iterator[Finding]:
    for match in _PHONE.finditer(text):
        yield Finding(PersonalDataKind.PHONE_NUMBER, match.start(), match.end())
    for match in _LABELLED_PHONE.finditer(text):
        yield Finding(PersonalDataKind.PHONE_NUMBER, match.start("number"), match.end("number"))


def _without_overlaps(findings: list[Finding]) -> Iterator[Finding]:
    """One finding per stretch of text: the first found (dates before numbers) wins."""
    taken: list[Finding] = []
    for finding in findings:
        if all(finding.end <= other.start or finding.start >= other.end for other in taken):
            taken.append(finding)
            yield finding
