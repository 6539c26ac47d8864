"""Hot-list files: delimited (comma, semicolon, tab) or fixed-width, read by a declared mapping.

Each record is one line. A file whose header names its columns by NCIC field (LIC, LIS, VMA...)
or in common words needs no mapping: an empty mapping reads the columns by the header's names
(``ncic.field_of``). Entries of a source file or message key the policy excludes
(``domain/hotlist_exclusions.py``) are counted by file and rule and never become entries.

Each record is one line. Every line is accounted for: it is the header, blank, stored as an
entry, or rejected with its line number and the reason, and the report's counts add up to the
lines read, so that nothing is lost silently. Whether line 1 is a header is said, never assumed:
``header`` True or False, or None to detect it (a mapping by column names needs a header; by
numbers, line 1 is the header when its plate column holds no plate while a later line's does),
and the report says which it was and why. A mapping that does not fit the file (a named column
missing from the header) refuses the whole file instead: every row would fail.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from platekeeper.domain.hotlist_exclusions import NO_EXCLUSIONS, ExclusionRules
from platekeeper.domain.hotlists import Hotlist, HotlistEntry
from platekeeper.domain.plates import normalise_plate_key
from platekeeper.errors import InvalidInput
from platekeeper.hotlists.entries import (
    MIN_PLATE_KEY_LENGTH,
    EntryDraft,
    EntryRules,
    make_entry,
)
from platekeeper.hotlists.ncic import RECORD_FIELDS, columns_by_name, field_of, record_of

FIELDS = (
    *("plate", "state", "reason", "source_record_id", "expires_at", "case_number", "note"),
    *RECORD_FIELDS,
)
"""What a column can hold; ``plate`` is required, and a reason: its column, a default for the
file, or the record's message key or source file."""


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
    header: bool | None = None
    """Whether line 1 names the columns; None: detect it, and say so in the report."""
    encoding: str = "utf-8"
    default_reason: str | None = None
    """The reason of rows without one, e.g. 'stolen vehicle' for a stolen-vehicle feed."""
    source_file: str | None = None
    """The source file of rows that name none, e.g. 'NCIC Stolen Vehicle File'."""

    @property
    def by_header(self) -> bool:
        """Whether the columns are found by the header's names (an empty mapping)."""
        return not self.columns

    def __post_init__(self) -> None:
        if self.by_header:
            self._check_by_header()
        else:
            self._check_mapping()
        try:
            "".encode(self.encoding)
        except LookupError:
            raise InvalidInput(f"unknown encoding {self.encoding!r}") from None

    def _check_by_header(self) -> None:
        if self.format is FileFormat.FIXED or self.header is False:
            raise InvalidInput(
                "without a mapping the columns are found by the header's names, and this "
                "file has none",
                hint="Give a mapping, e.g. 'plate=1,reason=2' or 'plate=1-8'.",
            )

    def _check_mapping(self) -> None:
        unknown = sorted(set(self.columns) - set(FIELDS))
        if unknown:
            raise InvalidInput(
                f"the mapping names unknown fields {', '.join(unknown)}",
                hint=f"Map some of: {', '.join(FIELDS)}.",
            )
        if "plate" not in self.columns:
            raise InvalidInput("the mapping says no column holds the plate")
        reasons = {"reason", "message_key", "source_file"}
        if not reasons & set(self.columns) and not (
            (self.default_reason or "").strip() or (self.source_file or "").strip()
        ):
            raise InvalidInput(
                "the mapping maps no reason column and gives no default reason",
                hint="Map 'reason' (or the record's MKE), or give a default reason for the "
                "whole file.",
            )
        fixed = self.format is FileFormat.FIXED
        for name, column in self.columns.items():
            if fixed != isinstance(column, tuple):
                raise InvalidInput(
                    f"column of {name!r} must be "
                    + ("a range like 1-8" if fixed else "a header name or a column number"),
                )

    def to_json(self) -> str:
        columns = {k: list(v) if isinstance(v, tuple) else v for k, v in self.columns.items()}
        return json.dumps(
            {
                "format": self.format.value,
                "columns": columns,
                "header": self.header,
                "encoding": self.encoding,
                "default_reason": self.default_reason,
                "source_file": self.source_file,
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
            header=_optional_bool(document.get("header", True)),
            encoding=document.get("encoding", "utf-8"),
            default_reason=document.get("default_reason"),
            source_file=document.get("source_file"),
        )


def _optional_bool(value: object) -> bool | None:
    return None if value is None else bool(value)


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
        columns[field_of(name) or name.strip()] = _column(value.strip())
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
class Header:
    """Whether the file's first line was taken as its header, and why."""

    line: int | None
    """The header's line number; None when every line is data."""
    why: str

    @property
    def said(self) -> str:
        taken = f"line {self.line} taken as the header" if self.line else "no header line"
        return f"{taken} ({self.why})"


NO_HEADER = Header(None, "none declared")


@dataclass(frozen=True, slots=True)
class Excluded:
    """How many of a file's rows of one source file and message key one rule kept out."""

    source_file: str | None
    message_key: str | None
    rule: str
    entries: int

    @property
    def said(self) -> str:
        where = self.source_file or (f"message key {self.message_key}" if self.message_key else "")
        return f"{self.entries} from {where or 'the file'} ({self.rule})"


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: how many entries it stored, each rejected row with its reason, and
    how many rows the policy excluded, by source file and rule.

    Every line read is one of: the header, blank, stored (``imported``), ``rejected`` or
    ``excluded``."""

    imported: int
    rejected: tuple[RowProblem, ...] = ()
    entries: tuple[HotlistEntry, ...] = field(default=(), repr=False)
    lines_read: int = 0
    blank_lines: int = 0
    header: Header = NO_HEADER
    excluded: tuple[Excluded, ...] = ()

    @property
    def excluded_count(self) -> int:
        return sum(group.entries for group in self.excluded)

    @property
    def summary(self) -> str:
        """One line for people: the counts, which add up to the lines read, and the header."""
        header = 1 if self.header.line else 0
        blank = f", {self.blank_lines} blank" if self.blank_lines else ""
        excluded = (
            f", {self.excluded_count} excluded by policy: "
            + "; ".join(group.said for group in self.excluded)
            if self.excluded
            else ""
        )
        return (
            f"{self.lines_read} lines read: {header} header{blank}, {self.imported} entries "
            f"stored, {len(self.rejected)} rows rejected{excluded}; {self.header.said}."
        )


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Read:
    """A file split into rows: the records, the lines that could not be read, and the count."""

    rows: list[_Row]
    problems: list[RowProblem]
    lines_read: int
    blank_lines: int
    header: Header


def read_rows(data: bytes, spec: ImportSpec) -> _Read:
    """The file's records as field values, the lines that could not be read, and its header."""
    problems: list[RowProblem] = []
    lines_read, blank, lines = _decoded_lines(data, spec.encoding, problems)
    if spec.format is FileFormat.FIXED:
        split = _fixed_splitter(spec)
    else:
        split = _delimited_splitter(spec, lines)
    header = _header(spec, lines, split)
    rows: list[_Row] = []
    locate = _locator(spec, lines, split, header.line)
    for number, text in lines:
        if number == header.line:
            continue
        cells = split(text)
        try:
            rows.append(_Row(number, locate.values(cells)))
        except InvalidInput as exc:
            problems.append(RowProblem(number, exc.message))
    return _Read(rows, problems, lines_read, blank, header)


def _decoded_lines(
    data: bytes, encoding: str, problems: list[RowProblem]
) -> tuple[int, int, list[tuple[int, str]]]:
    """How many lines the file has, how many are blank, and the others with their 1-based
    numbers; a line that does not decode is a problem."""
    if data.startswith(b"\xef\xbb\xbf") and encoding.replace("-", "").lower() == "utf8":
        data = data[3:]
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()  # the newline that ends the last line starts no line of its own
    lines: list[tuple[int, str]] = []
    blank = 0
    for number, raw in enumerate(raw_lines, start=1):
        try:
            text = raw.decode(encoding).rstrip("\r")
        except UnicodeDecodeError:
            problems.append(RowProblem(number, f"the line is not valid {encoding}"))
            continue
        if text.strip():
            lines.append((number, text))
        else:
            blank += 1
    return len(raw_lines), blank, lines


HEADER_WORDS = frozenset(
    {
        *("plate", "plates", "plate number", "plate_number", "platenumber", "plate no", "lp"),
        *("license", "licence", "license plate", "licence plate", "license_plate", "tag"),
        *("plate_text", "lpn", "vrm", "registration", "reg", "lic", "lic no", "vehicle plate"),
    }
)
"""What a header calls the plate column, compared in lower case."""


def _header(
    spec: ImportSpec, lines: list[tuple[int, str]], split: Callable[[str], list[str]]
) -> Header:
    """Whether the first line is the header: as declared, or detected and said why."""
    if not lines:
        return NO_HEADER
    first = lines[0][0]
    if spec.header is not None:
        return Header(first, "as declared") if spec.header else NO_HEADER
    if spec.by_header or any(isinstance(column, str) for column in spec.columns.values()):
        return Header(first, "detected: the columns are named, which only a header does")
    plates = [_plate_cell(spec, split(text)) for _, text in lines]
    if plates[0].strip().lower() in HEADER_WORDS:
        return Header(first, f"detected: its plate column says {plates[0].strip()!r}")
    if not _is_plate(plates[0]) and any(_is_plate(plate) for plate in plates[1:]):
        return Header(first, "detected: its plate column holds no plate and later lines' do")
    return Header(None, "detected: line 1's plate column holds a plate")


def _plate_cell(spec: ImportSpec, cells: list[str]) -> str:
    column = spec.columns["plate"]
    # Fixed-width: the splitter yields the fields in the mapping's order.
    index = list(spec.columns).index("plate") if isinstance(column, tuple) else int(column) - 1
    return cells[index] if index < len(cells) else ""


def _is_plate(text: str) -> bool:
    try:
        return len(normalise_plate_key(text.strip())) >= MIN_PLATE_KEY_LENGTH
    except InvalidInput:
        return False


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
    spec: ImportSpec,
    lines: list[tuple[int, str]],
    split: Callable[[str], list[str]],
    header_line: int | None,
) -> _Locator:
    if spec.format is FileFormat.FIXED:
        positions = {name: index for index, name in enumerate(spec.columns)}
        return _Locator(positions, len(positions), header_line)
    names: dict[str, int] = {}
    if header_line is not None and lines:
        header = split(lines[0][1])
        if spec.by_header:
            positions = columns_by_name(header)
            return _Locator(positions, max(positions.values()) + 1, header_line)
        names = {cell.strip().lower(): i for i, cell in enumerate(header)}
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
    exclusions: ExclusionRules = NO_EXCLUSIONS,
) -> ImportReport:
    """The entries the file makes on ``hotlist`` (not stored yet), its rejected rows, and the
    rows ``exclusions`` keep out, counted."""
    read = read_rows(data, spec)
    problems = read.problems
    entries: list[HotlistEntry] = []
    excluded: Counter[tuple[str | None, str | None, str]] = Counter()
    for row in read.rows:
        try:
            draft = _draft(row.values, spec, now)
            entry = make_entry(
                hotlist, draft, rules, entry_id=str(uuid.uuid4()), entered_by=entered_by, now=now
            )
        except InvalidInput as exc:
            problems.append(RowProblem(row.line, exc.message))
            continue
        rule = exclusions.why_excluded(entry.record)
        if rule is None:
            entries.append(entry)
        else:
            excluded[(entry.record.source_file, entry.record.message_key, rule)] += 1
    problems.sort(key=lambda problem: problem.line)
    return ImportReport(
        len(entries),
        tuple(problems),
        tuple(entries),
        lines_read=read.lines_read,
        blank_lines=read.blank_lines,
        header=read.header,
        excluded=tuple(Excluded(*key, count) for key, count in sorted(excluded.items(), key=str)),
    )


def _draft(values: dict[str, str], spec: ImportSpec, now: datetime) -> EntryDraft:
    if not values.get("plate"):
        raise InvalidInput("the row has no plate")
    record = record_of(values, now.date(), spec.source_file)
    reason = (
        values.get("reason")
        or spec.default_reason
        or record.message_key
        or record.source_file
        or ""
    )
    if not reason.strip():
        raise InvalidInput("the row gives no reason")
    return EntryDraft(
        record=record,
        plate=values["plate"],
        reason=reason,
        state=values.get("state") or None,
        case_number=values.get("case_number") or None,
        source_record_id=values.get("source_record_id") or None,
        expires_at=parse_expiry(values.get("expires_at", "")),
        note=values.get("note") or None,
    )
