"""Files of each format import their good rows and report each bad one by line number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from platekeeper.domain.hotlists import AlertLevel, Hotlist, ListSource
from platekeeper.errors import InvalidInput
from platekeeper.hotlists.entries import FED_ENTRY_LIFETIME, EntryRules
from platekeeper.hotlists.importing import (
    FileFormat,
    ImportReport,
    ImportSpec,
    entries_from_file,
    parse_mapping,
)
from tests.conftest import NOW

RULES = EntryRules(manual_entry_days=30)
FEED = Hotlist(
    "stolen", "demo-pd", "Stolen", ListSource.STATE_FEED, 1, AlertLevel.CRITICAL, False, NOW
)
MANUAL = Hotlist("watch", "demo-pd", "Watch", ListSource.MANUAL, 3, AlertLevel.INFO, False, NOW)
COLUMNS = "plate=PLATE,state=ST,reason=OFFENSE,source_record_id=NCIC,expires_at=EXPIRES"


def run(data: str, spec: ImportSpec, hotlist: Hotlist = FEED) -> ImportReport:
    return entries_from_file(data.encode(), spec, hotlist, RULES, entered_by="feed", now=NOW)


def lines(report: ImportReport) -> list[int]:
    return [problem.line for problem in report.rejected]


@pytest.mark.parametrize(
    ("fmt", "sep"),
    [
        (FileFormat.CSV, ","),
        (FileFormat.SEMICOLON, ";"),
        (FileFormat.TSV, "\t"),
        (FileFormat.DETECT, ";"),
        (FileFormat.DETECT, "\t"),
    ],
)
def test_delimited_files_import_good_rows_and_report_bad_ones(fmt: FileFormat, sep: str) -> None:
    rows = [
        ["PLATE", "ST", "OFFENSE", "NCIC", "EXPIRES"],
        ["7ABC123", "CA", "stolen vehicle", "V000000001", "2027-01-31"],
        ["", "CA", "stolen vehicle", "V000000002", ""],
        ["8XYZ999", "California!", "stolen plate", "V000000003", ""],
        ["9DEF456", "NV", "stolen vehicle", "V000000004", "someday"],
        ["5GHI789", "nv", "felony vehicle", "", ""],
        ["6JKL012", "CA"],
    ]
    data = "\r\n".join(sep.join(row) for row in rows) + "\n\n"
    report = run(data, ImportSpec(fmt, parse_mapping(COLUMNS)))
    assert report.imported == 2
    assert lines(report) == [3, 4, 5, 7]
    assert "no plate" in report.rejected[0].reason
    assert "5 are needed" in report.rejected[3].reason
    first, second = report.entries
    assert (first.plate_key, first.state, first.source_record_id) == (
        "7ABC123",
        "us-ca",
        "V000000001",
    )
    # A fed list's entry expires with its feed (issue 15): its record's own expiry, or the
    # feed's lifetime on, whichever is sooner; never "no expiry".
    assert first.expires_at == min(datetime(2027, 2, 1, tzinfo=UTC), NOW + FED_ENTRY_LIFETIME)
    assert (second.state, second.source_record_id, second.expires_at) == (
        "us-nv",
        None,
        NOW + FED_ENTRY_LIFETIME,
    )


def test_fixed_width_files_read_declared_positions() -> None:
    data = (
        "7ABC123 CASTOLEN VEHICLE   V000000001\n"
        "        CASTOLEN VEHICLE   V000000002\n"
        "8XYZ999 NVSTOLEN PLATE     V000000003\n"
    )
    mapping = parse_mapping("plate=1-8,state=9-10,reason=11-27,source_record_id=28-37")
    report = run(data, ImportSpec(FileFormat.FIXED, mapping, header=False))
    assert report.imported == 2
    assert lines(report) == [2]
    assert [e.reason for e in report.entries] == ["STOLEN VEHICLE", "STOLEN PLATE"]


def test_columns_by_number_and_a_default_reason() -> None:
    spec = ImportSpec(
        FileFormat.CSV,
        parse_mapping("plate=2,state=1"),
        header=False,
        default_reason="stolen vehicle",
    )
    report = run("CA,7ABC123\nNV,8XYZ999\n", spec)
    assert [(e.plate_key, e.reason) for e in report.entries] == [
        ("7ABC123", "stolen vehicle"),
        ("8XYZ999", "stolen vehicle"),
    ]


def test_a_line_in_another_encoding_is_reported_not_dropped() -> None:
    data = b"PLATE,OFFENSE\n7ABC123,stolen\n\xff\xfe,stolen\n8XYZ999,stolen\n"
    spec = ImportSpec(FileFormat.CSV, parse_mapping("plate=PLATE,reason=OFFENSE"))
    report = entries_from_file(data, spec, FEED, RULES, entered_by="feed", now=NOW)
    assert report.imported == 2
    assert [(p.line, p.reason) for p in report.rejected] == [(3, "the line is not valid utf-8")]


def test_latin1_files_decode_as_declared() -> None:
    spec = ImportSpec(
        FileFormat.CSV, parse_mapping("plate=1,reason=2"), header=False, encoding="latin-1"
    )
    report = entries_from_file(
        "7ABC123,robo veh\xedculo\n".encode("latin-1"),
        spec,
        FEED,
        RULES,
        entered_by="feed",
        now=NOW,
    )
    assert report.entries[0].reason == "robo vehículo"


def test_manual_lists_apply_their_rules_to_every_row() -> None:
    spec = ImportSpec(
        FileFormat.CSV, parse_mapping("plate=1,reason=2,case_number=3,note=4"), header=False
    )
    data = (
        "7ABC123,stolen,2026-000123,seen at the mall\n"
        "8XYZ999,stolen,,\n"
        "9DEF456,stolen,2026-000124,owner DOB 04/12/1985\n"
    )
    report = run(data, spec, MANUAL)
    assert report.imported == 1
    assert lines(report) == [2, 3]
    assert "case number" in report.rejected[0].reason
    assert "date of birth" in report.rejected[1].reason
    assert "1985" not in report.rejected[1].reason
    assert report.entries[0].expires_at == NOW + timedelta(days=30)


def test_a_mapping_that_does_not_fit_the_file_refuses_it() -> None:
    spec = ImportSpec(FileFormat.CSV, parse_mapping("plate=TAG,reason=OFFENSE"))
    with pytest.raises(InvalidInput, match="no column 'TAG'"):
        run("PLATE,OFFENSE\n7ABC123,stolen\n", spec)


@pytest.mark.parametrize(
    ("fmt", "mapping", "message"),
    [
        (FileFormat.CSV, "state=1,reason=2", "no column holds the plate"),
        (FileFormat.CSV, "plate=1", "no reason column"),
        (FileFormat.CSV, "plate=1,reason=2,mood=3", "unknown fields mood"),
        (FileFormat.FIXED, "plate=1,reason=2", "range like 1-8"),
        (FileFormat.CSV, "plate=1-8,reason=2", "header name or a column number"),
    ],
)
def test_bad_mappings_are_refused(fmt: FileFormat, mapping: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        ImportSpec(fmt, parse_mapping(mapping))


def test_a_spec_survives_json() -> None:
    spec = ImportSpec(
        FileFormat.FIXED,
        parse_mapping("plate=1-8,reason=9-20"),
        header=False,
        encoding="latin-1",
        default_reason="stolen",
    )
    assert ImportSpec.from_json(spec.to_json()) == spec
