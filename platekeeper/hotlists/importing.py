"""Hot-list files: delimited (comma, semicolon, tab) or fixed-width, read by a declared mapping.

Each record is one line. Good rows become entries; every bad row is reported with its line
number and the reason, so that nothing is lost silently. A mapping that does not fit the file
(a named column missing from the header) refuses the whole file instead: every row would fail.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from platekeeper.domain.hotlists import Hotlist, HotlistEntry
from platekeeper.errors import InvalidInput
from platekeeper.hotlists.entries import EntryDraft, EntryRules, make_entry

FIELDS = ("plate", "state", "reason", "source_record_id", "expires_at", "case_number", "note")
"""What a column can hold; ``plate`` is required, and ``reason`` unless a default is given."""


class FileFormat(StrEnum):
    CSV = "csv"
    TSV = "tsv"
    SEMICOLON = "semicolon"
    FIXED = "fixed"
    DETECT = "detect"
    """Delimited, by whichever of comma, semicolon and tab the first line holds most of."""


_DELIMITERS = {FileFormat.CSV: ",", FileFormat.TSV: "\t", FileFormat.SEMICOLON: ";"}

Column = str | int | tuple[int, int]
"""A header name, a 1-based column number, or a fixed-width field's 1-based first and last
character."""


@dataclass(frozen=True, slots=True)
class ImportSpec:
    """How to read one file: its format and which column holds which field."""

    format: FileFormat
    columns: Mapping[str, Column]
    header: bool = True
    encoding: str = "utf-8"
    default_reason: str | None = None
    """The reason of rows without one, e.g. 'stolen vehicle' for a stolen-vehicle feed."""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(FIELDS))
        if unknown:
            raise InvalidInput(
                f"the mapping names unknown fields {', '.join(unknown)}",
                hint=f"Map some of: {', '.join(FIELDS)}.",
            )
        if "plate" not in self.columns:
            raise InvalidInput("the mapping says no column holds the plate")
        if "reason" not in self.columns and not (self.default_reason or "").strip():
            raise InvalidInput(
                "the mapping maps no reason column and gives no default reason",
                hint="Map 'reason', or give a default reason for the whole file.",
            )
        fixed = self.format is FileFormat.FIXED
        for name, column in self.columns.items():
            if fixed != isinstance(column, tuple):
                raise InvalidInput(
                    f"column of {name!r} must be "
                    + ("a range like 1-8" if fixed else "a header name or a column number"),
                )
        try:
            "".encode(self.encoding)
        except LookupError:
            raise InvalidInput(f"unknown encoding {self.encoding!r}") from None

    def to_json(self) -> str:
        columns = {k: list(v) if isinstance(v, tuple) else v for k, v in self.columns.items()}
        return json.dumps(
            {
                "format": self.format.value,
                "columns": columns,
                "header": self.header,
                "encoding": self.encoding,
                "default_reason": self.default_reason,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ImportSpec:
        document = json.loads(text)
        columns = {
            k: tuple(v) if isinstance(v, list) else v for k, v in document["columns"].items()
        }
        return cls(
            format=FileFormat(document["format"]),
            columns=columns,
            header=bool(document.get("header", True)),
            encoding=document.get("encoding", "utf-8"),
            default_reason=document.get("default_reason"),
        )


def parse_mapping(text: str) -> dict[str, Column]:
    """``plate=PLATE,state=ST`` (names), ``plate=1,state=2`` (numbers) or ``plate=1-8``
    (fixed-width ranges) as a column mapping."""
    columns: dict[str, Column] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep or not value.strip():
            raise InvalidInput(
                f"mapping item {part!r} is not field=column",
                hint="Write e.g. 'plate=PLATE,state=ST,reason=OFFENSE' or 'plate=1-8,state=9-10'.",
            )
        columns[name.strip()] = _column(value.strip())
    return columns


def _column(value: str) -> Column:
    first, dash, last = value.partition("-")
    if dash and first.isdigit() and last.isdigit():
        if not 1 <= int(first) <= int(last):
            raise InvalidInput(f"range {value!r} is empty", hint="Write first-last, e.g. 1-8.")
        return (int(first), int(last))
    if value.isdigit():
        if int(value) < 1:
            raise InvalidInput("columns are numbered from 1")
        return int(value)
    return value


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: how many entries it stored, and each rejected row with its reason."""

    imported: int
    rejected: tuple[RowProblem, ...] = ()
    entries: tuple[HotlistEntry, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    values: dict[str, str]


def read_rows(data: bytes, spec: ImportSpec) -> tuple[list[_Row], list[RowProblem]]:
    """The file's records as field values, and the lines that could not be read."""
    problems: list[RowProblem] = []
    lines = list(_decoded_lines(data, spec.encoding, problems))
    if spec.format is FileFormat.FIXED:
        split = _fixed_splitter(spec)
    else:
        split = _delimited_splitter(spec, lines)
    rows: list[_Row] = []
    locate = _locator(spec, lines, split)
    for number, text in lines:
        if spec.header and number == locate.header_line:
            continue
        cells = split(text)
        try:
            rows.append(_Row(number, locate.values(cells)))
        except InvalidInput as exc:
            problems.append(RowProblem(number, exc.message))
    return rows, problems


def _decoded_lines(
    data: bytes, encoding: str, problems: list[RowProblem]
) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers; a line that does not decode is a problem."""
    if data.startswith(b"\xef\xbb\xbf") and encoding.replace("-", "").lower() == "utf8":
        data = data[3:]
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            text = raw.decode(encoding).rstrip("\r")
        except UnicodeDecodeError:
            problems.append(RowProblem(number, f"the line is not valid {encoding}"))
            continue
        if text.strip():
            yield number, text


def _delimited_splitter(
    spec: ImportSpec, lines: list[tuple[int, str]]
) -> Callable[[str], list[str]]:
    delimiter = _DELIMITERS.get(spec.format)
    if delimiter is None:  # detect, from the first line
        first = lines[0][1] if lines else ""
        delimiter = max((",", ";", "\t"), key=first.count)

    def split(text: str) -> list[str]:
        return next(csv.reader([text], delimiter=delimiter))

    return split


def _fixed_splitter(spec: ImportSpec) -> Callable[[str], list[str]]:
    ranges = [column for column in spec.columns.values() if isinstance(column, tuple)]

    def split(text: str) -> list[str]:
        return [text[first - 1 : last] for first, last in ranges]

    return split


@dataclass(frozen=True, slots=True)
class _Locator:
    """Where each field sits in a split line."""

    positions: dict[str, int]
    width: int
    header_line: int | None

    def values(self, cells: list[str]) -> dict[str, str]:
        if len(cells) < self.width:
            raise InvalidInput(f"the line has {len(cells)} fields where {self.width} are needed")
        return {name: cells[index].strip() for name, index in self.positions.items()}


def _locator(
    spec: ImportSpec, lines: list[tuple[int, str]], split: Callable[[str], list[str]]
) -> _Locator:
    header_line = lines[0][0] if spec.header and lines else None
    if spec.format is FileFormat.FIXED:
        positions = {name: index for index, name in enumerate(spec.columns)}
        return _Locator(positions, len(positions), header_line)
    names: dict[str, int] = {}
    if spec.header and lines:
        names = {cell.strip().lower(): i for i, cell in enumerate(split(lines[0][1]))}
    positions = {}
    for field_name, column in spec.columns.items():
        if isinstance(column, int):
            positions[field_name] = column - 1
        elif isinstance(column, str) and column.lower() in names:
            positions[field_name] = names[column.lower()]
        else:
            raise InvalidInput(
                f"the file has no column {column!r} for {field_name}",
                hint="Map the header's names, or column numbers for a file without a header.",
            )
    return _Locator(positions, max(positions.values()) + 1, header_line)


def parse_expiry(value: str) -> datetime | None:
    """An expiry as files write it: ISO date or date and time, or MM/DD/YYYY; a bare date
    means the end of that day, UTC."""
    if not value:
        return None
    try:
        if "/" in value:
            return _end_of(datetime.strptime(value, "%m/%d/%Y").date())
        if len(value) == 10:
            return _end_of(date.fromisoformat(value))
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"expiry {value!r} is not a date", hint="Write YYYY-MM-DD or MM/DD/YYYY."
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def entries_from_file(
    data: bytes,
    spec: ImportSpec,
    hotlist: Hotlist,
    rules: EntryRules,
    *,
    entered_by: str,
    now: datetime,
) -> ImportReport:
    """The entries the file makes on ``hotlist`` (not stored yet) and its rejected rows."""
    rows, problems = read_rows(data, spec)
    entries: list[HotlistEntry] = []
    for row in rows:
        try:
            draft = _draft(row.values, spec)
            entries.append(
                make_entry(
                    hotlist,
                    draft,
                    rules,
                    entry_id=str(uuid.uuid4()),
                    entered_by=entered_by,
                    now=now,
                )
            )
        except InvalidInput as exc:
            problems.append(RowProblem(row.line, exc.message))
    problems.sort(key=lambda problem: problem.line)
    return ImportReport(len(entries), tuple(problems), tuple(entries))


def _draft(values: dict[str, str], spec: ImportSpec) -> EntryDraft:
    if not values.get("plate"):
        raise InvalidInput("the row has no plate")
    reason = values.get("reason") or spec.default_reason or ""
    if not reason.strip():
        raise InvalidInput("the row gives no reason")
    return EntryDraft(
        plate=values["plate"],
        reason=reason,
        state=values.get("state") or None,
        case_number=values.get("case_number") or None,
        source_record_id=values.get("source_record_id") or None,
        expires_at=parse_expiry(values.get("expires_at", "")),
        note=values.get("note") or None,
    )
