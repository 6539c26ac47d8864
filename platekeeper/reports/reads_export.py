"""A page of reads as it leaves PlateKeeper: CSV for a spreadsheet, PDF for a case file.

Both hold what the person had on screen, no more: the same search, the same page. The PDF says
for which case, purpose and person it was made, and when; each export is itself an access,
logged by ``access.ReadAccess`` before it gets here.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from platekeeper import __version__
from platekeeper.access.thumbnails import data_uri
from platekeeper.domain import PlateRead
from platekeeper.domain.zones import local_iso, local_time
from platekeeper.reports.policy_document import html_to_pdf

_CSV_COLUMNS = (
    "read_id", "captured_at", "camera_id", "plate_text", "confidence", "region", "latitude",
    "longitude",
)  # fmt: skip


def reads_csv(
    reads: Iterable[PlateRead],
    camera_names: Mapping[str, str] | None = None,
    zone: str | None = None,
) -> str:
    """``reads`` as CSV, one row each; with ``camera_names`` a ``camera_name`` column too, and
    with ``zone`` a ``captured_at_local`` column: the time on the agency's clock (``captured_at``
    stays UTC, as the API gives it, so that files from anywhere compare)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    named = camera_names is not None
    header = (*_CSV_COLUMNS, "camera_name") if named else _CSV_COLUMNS
    writer.writerow(header if zone is None else (*header, "captured_at_local"))
    for read in reads:
        location = read.location
        row: tuple[object, ...] = (
            read.id,
            read.captured_at.isoformat(),
            read.camera_id,
            csv_safe(read.plate_text),
            f"{read.confidence:.3f}",
            read.region or "",
            "" if location is None else location.latitude,
            "" if location is None else location.longitude,
        )
        if camera_names is not None:
            row = (*row, csv_safe(camera_names.get(read.camera_id, read.camera_id)))
        if zone is not None:
            row = (*row, local_iso(read.captured_at, zone))
        writer.writerow(row)
    return buffer.getvalue()


def csv_safe(text: str) -> str:
    """``text`` that a spreadsheet shows rather than runs: a cell starting with = + - @ runs as a
    formula, and plate text and camera names come from outside."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


@dataclass(frozen=True, slots=True)
class ExportedRead:
    read: PlateRead
    camera_name: str
    thumbnail: bytes | None

    @property
    def thumbnail_src(self) -> str | None:
        return None if self.thumbnail is None else data_uri(self.thumbnail)


@dataclass(frozen=True, slots=True)
class ReadsDocument:
    """A page of reads with what it answers: which search, for which case, by whom."""

    title: str
    purpose: str
    case_number: str
    criteria: Sequence[tuple[str, str]]
    """The search as the form labels it: (label, value) pairs."""
    exported_by: str
    exported_at: datetime
    page_note: str
    """Which part of the results this is, e.g. 'Reads 51 to 100; more matched.'"""
    reads: Sequence[ExportedRead]
    time_zone: str = "UTC"


def reads_html(document: ReadsDocument) -> str:
    template = _environment().get_template("reads_export.html")
    return template.render(document=document, generator=f"PlateKeeper {__version__}")


def reads_pdf(document: ReadsDocument) -> bytes:
    """The document printed by WeasyPrint; ``PdfUnavailable`` when it cannot run here."""
    return html_to_pdf(reads_html(document))


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("platekeeper.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["local"] = functools.partial(local_time, spec="%Y-%m-%d %H:%M:%S")
    return environment
