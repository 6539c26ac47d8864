"""A page of reads as CSV and as the document its PDF prints: what was on screen, for which
case, by whom; cells a spreadsheet would run as formulas are defused."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from platekeeper.reports.reads_export import ExportedRead, ReadsDocument, reads_csv, reads_html
from tests.conftest import NOW, make_read


def test_the_csv_names_each_camera_and_defuses_formulas() -> None:
    reads = [make_read(0, plate_text="7ABC123"), replace(make_read(1), plate_text="=1+2")]
    rows = list(csv.DictReader(io.StringIO(reads_csv(reads, {"main-st-north": "@Main St"}))))
    assert [(row["plate_text"], row["camera_name"]) for row in rows] == [
        ("7ABC123", "'@Main St"),
        ("'=1+2", "'@Main St"),
    ]
    assert "camera_name" not in next(csv.reader(io.StringIO(reads_csv(reads))))


def test_the_document_holds_the_case_the_search_and_each_read_with_its_thumbnail() -> None:
    with_crop, without = make_read(0, plate_text="7ABC123"), make_read(1, plate_text="8XYZ999")
    document = ReadsDocument(
        title="Search of reads",
        purpose="Stolen vehicle",
        case_number="2026-000123",
        criteria=[("Partial plate", "7AB*"), ("Camera", "Main St <north>")],
        exported_by="avery",
        exported_at=NOW,
        page_note="Reads 51 to 52, newest first; the last of them.",
        reads=[
            ExportedRead(with_crop, "Main St", b"\xff\xd8jpeg"),
            ExportedRead(without, "Main St", None),
        ],
    )
    html = reads_html(document)
    for text in ("2026-000123", "Stolen vehicle", "7AB*", "Reads 51 to 52", "avery"):
        assert text in html
    assert "Main St &lt;north&gt;" in html  # escaped, never markup
    assert html.index("7ABC123") < html.index("8XYZ999")  # newest first, as on screen
    assert html.count('src="data:image/jpeg;base64,') == 1
    assert "no image" in html
    assert with_crop.id in html
    assert without.id in html
