"""The fields of an NCIC-style record as hot-list files write them, and their checks.

A feed's header may name its columns by NCIC field (LIC, LIS, LIT, LIY, VIN, VMA, VMO, VYR, VCO,
NIC, ORI, OCA, MKE) or in words ('Plate', 'Make', 'Color'); ``field_of`` gives the import field
of either, so such a file imports without a mapping. Each value is checked as NCIC writes it,
and a value that is not is refused naming its field, so that the row is rejected whole rather
than stored with a field dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from platekeeper.domain.hotlists import EntryRecord
from platekeeper.errors import InvalidInput

RECORD_FIELDS = (
    "plate_type",
    "plate_year",
    "vin",
    "make",
    "model",
    "vehicle_year",
    "colour",
    "ncic_number",
    "ori",
    "oca",
    "message_key",
    "source_file",
)
"""The import fields an ``EntryRecord`` holds, in its order."""

NCIC_CODES: Mapping[str, str] = {
    "plate": "LIC",
    "state": "LIS",
    "plate_type": "LIT",
    "plate_year": "LIY",
    "vin": "VIN",
    "make": "VMA",
    "model": "VMO",
    "vehicle_year": "VYR",
    "colour": "VCO",
    "ncic_number": "NIC",
    "ori": "ORI",
    "oca": "OCA",
    "message_key": "MKE",
}
"""Each import field's NCIC field code."""

_WORDS: Mapping[str, tuple[str, ...]] = {
    "plate": (
        *("plate", "plates", "plate number", "plate no", "license", "licence", "lp", "tag"),
        *("license plate", "licence plate", "license number", "plate text", "lpn", "vrm", "reg"),
        *("registration", "lic no", "vehicle plate"),
    ),
    "state": ("state", "st", "plate state", "license state", "licence state", "region"),
    "plate_type": ("plate type", "license type", "licence type"),
    "plate_year": ("plate year", "license year", "licence year", "registration year"),
    "vin": ("vehicle identification number",),
    "make": ("make", "vehicle make"),
    "model": ("model", "vehicle model"),
    "vehicle_year": ("year", "vehicle year", "model year"),
    "colour": ("color", "colour", "vehicle color", "vehicle colour"),
    "ncic_number": ("ncic", "ncic number", "ncic no"),
    "ori": ("originating agency", "originating agency identifier"),
    "oca": ("originating case", "originating case number", "agency case number"),
    "message_key": ("message key", "record type"),
    "source_file": ("source file", "file", "source"),
    "reason": ("reason", "offense", "offence", "alert", "alert type"),
    "case_number": ("case", "case number", "case no", "incident number"),
    "source_record_id": ("record id", "source record id"),
    "expires_at": ("expires", "expires at", "expiry", "expiration", "expiration date"),
    "note": ("note", "notes", "remarks"),
}


FIELD_LABELS: Mapping[str, str] = {
    "plate": "Plate (required)",
    "state": "State",
    "reason": "Reason",
    "source_record_id": "Source record id",
    "expires_at": "Expires",
    "case_number": "Case number",
    "note": "Note",
    "plate_type": "Plate type",
    "plate_year": "Plate expiry year",
    "vin": "VIN",
    "make": "Make",
    "model": "Model",
    "vehicle_year": "Vehicle year",
    "colour": "Colour",
    "ncic_number": "NCIC number",
    "ori": "Originating agency",
    "oca": "Originating agency's case",
    "message_key": "Message key",
    "source_file": "Source file",
}
"""How the pages name each import field."""


def _spelling(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


_ALIASES: dict[str, str] = {
    _spelling(spelling): name
    for name, spellings in _WORDS.items()
    for spelling in (*spellings, name, NCIC_CODES.get(name, name))
}


def field_of(name: str) -> str | None:
    """The import field a header or a mapping names (``LIC``, ``Plate``, ``vehicle_year``), or
    None when it names none."""
    return _ALIASES.get(_spelling(name))


def columns_by_name(header: list[str]) -> dict[str, int]:
    """Each field's column by the header's names (NCIC codes or words); a column named twice, or
    no plate column, refuses the file, as every row would fail."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = field_of(cell)
        if name is None:
            continue  # a column the import does not keep, e.g. a feed's own sequence number
        if name in positions:
            raise InvalidInput(
                f"the header names {named(name)} twice, in columns {positions[name] + 1} and "
                f"{index + 1}",
                hint="Give a mapping that says which column to read.",
            )
        positions[name] = index
    if "plate" not in positions:
        raise InvalidInput(
            "the header names no plate column",
            hint=f"Name the columns by NCIC field ({describe_fields()}) or give a mapping.",
        )
    return positions


def named(field: str) -> str:
    """How an error names ``field``: with its NCIC code where it has one."""
    code = NCIC_CODES.get(field)
    return f"{field} ({code})" if code else field


@dataclass(frozen=True, slots=True)
class _Check:
    pattern: re.Pattern[str]
    says: str
    """What the value must be, for the error."""


def _check(pattern: str, says: str) -> _Check:
    return _Check(re.compile(pattern), says)


_CHECKS: Mapping[str, _Check] = {
    "plate_type": _check(r"[A-Z0-9]{2}", "a two-character plate type code, e.g. PC"),
    "plate_year": _check(r"(19|20)\d\d|NX", "a four-digit year, or NX for a non-expiring plate"),
    "vin": _check(r"[A-Z0-9]{1,20}", "up to 20 letters and digits"),
    "make": _check(r"[A-Z0-9][A-Z0-9 &.-]{0,23}", "a make code or name, e.g. TOYT"),
    "model": _check(r"[A-Z0-9][A-Z0-9 &./-]{0,23}", "a model code or name, e.g. CAM"),
    "colour": _check(r"[A-Z]{2,12}(/[A-Z]{2,12})?", "a colour code, e.g. BLK or BLK/WHI"),
    "ncic_number": _check(r"[A-Z]\d{9}", "a letter and nine digits, e.g. V123456789"),
    "ori": _check(r"[A-Z]{2}[A-Z0-9]{7}", "nine characters led by the state, e.g. CA0194200"),
    "oca": _check(r"[A-Z0-9][A-Z0-9 #/.-]{0,19}", "up to 20 letters, digits and - / . #"),
    "message_key": _check(r"[A-Z0-9][A-Z0-9 /&-]{0,39}", "a message key, e.g. EV or FELONY"),
}
_VIN_LETTERS_NEVER_USED = frozenset("IOQ")
_SOURCE_FILE_MAX = 120


def record_of(values: Mapping[str, str], today: date, source_file: str | None) -> EntryRecord:
    """The record of a row's ``values``; ``source_file`` for a row that names none.
    ``InvalidInput`` naming the first field that is not as NCIC writes it."""
    given = {name: values.get(name, "").strip() for name in RECORD_FIELDS}
    fields: dict[str, object] = {
        name: _checked(name, value.upper()) if value else None
        for name, value in given.items()
        if name in _CHECKS
    }
    fields["vehicle_year"] = _year(given["vehicle_year"], today)
    fields["source_file"] = _source_file(given["source_file"] or (source_file or ""))
    _vin(fields.get("vin"))
    return EntryRecord(**fields)  # type: ignore[arg-type]


def _checked(field: str, value: str) -> str:
    check = _CHECKS[field]
    if not check.pattern.fullmatch(value):
        raise InvalidInput(
            f"{named(field)} {value!r} is not {check.says}",
            hint=f"Correct the row's {named(field)} or leave it empty.",
        )
    return value


def _year(text: str, today: date) -> int | None:
    if not text:
        return None
    latest = today.year + 2  # next year's models are sold this year
    if not (text.isdigit() and len(text) == 4 and 1900 <= int(text) <= latest):
        raise InvalidInput(
            f"{named('vehicle_year')} {text!r} is not a model year from 1900 to {latest}",
            hint="Give the four-digit year, e.g. 2019, or leave it empty.",
        )
    return int(text)


def _vin(vin: object) -> None:
    # A 17-character VIN (every car since 1981) never holds I, O or Q: a misread of 1 or 0.
    if isinstance(vin, str) and len(vin) == 17 and _VIN_LETTERS_NEVER_USED & set(vin):
        raise InvalidInput(
            f"{named('vin')} {vin!r} holds I, O or Q, which a 17-character VIN never does",
            hint="Check the digits 1 and 0 in the VIN.",
        )


def _source_file(text: str) -> str | None:
    name = " ".join(text.split())
    if not name:
        return None
    if len(name) > _SOURCE_FILE_MAX or not name.isprintable():
        raise InvalidInput(
            f"source_file {name[:40]!r} is not a file name of at most {_SOURCE_FILE_MAX} "
            "printable characters",
            hint="Name the file the record came from, e.g. 'NCIC Stolen Vehicle File'.",
        )
    return name


def describe_fields() -> str:
    """The fields a header may name, for hints."""
    return ", ".join(f"{code} ({field})" for field, code in NCIC_CODES.items())
