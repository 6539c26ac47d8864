"""NCIC-style hot-list files: every field read by its NCIC name, each value checked, and the
records the law or the policy excludes counted and never made entries."""

from __future__ import annotations

from datetime import datetime

import pytest

from platekeeper.domain.hotlist_exclusions import ExclusionRules, folded
from platekeeper.domain.hotlists import AlertLevel, EntryRecord, Hotlist, ListSource
from platekeeper.errors import InvalidInput
from platekeeper.hotlists.entries import EntryRules
from platekeeper.hotlists.importing import (
    FileFormat,
    ImportReport,
    ImportSpec,
    entries_from_file,
    parse_mapping,
)
from platekeeper.policy.loader import parse_policy
from platekeeper.policy.profiles import load_profiles
from platekeeper.policy.resolve import hotlist_exclusions
from tests.conftest import NOW

FEED = Hotlist("ncic", "demo-pd", "NCIC hot file", ListSource.NCIC, 1, AlertLevel.CRITICAL,
               covert=False, created_at=NOW)  # fmt: skip
HEADER = "LIC,LIS,LIT,LIY,VIN,VMA,VMO,VYR,VCO,NIC,ORI,OCA,MKE,SOURCE FILE\n"
STOLEN = (
    "7ABC123,CA,PC,2027,1HGCM82633A004352,HOND,ACC,2019,BLK/WHI,V123456789,CA0194200,"
    "24-001872,STOLEN VEHICLE,NCIC Stolen Vehicle File\n"
)
NO_LAW = ExclusionRules()


def imported(
    text: str,
    spec: ImportSpec | None = None,
    exclusions: ExclusionRules = NO_LAW,
    now: datetime = NOW,
) -> ImportReport:
    return entries_from_file(
        text.encode(),
        spec or ImportSpec(FileFormat.CSV, {}),
        FEED,
        EntryRules(30),
        entered_by="casey",
        now=now,
        exclusions=exclusions,
    )


def california(policy: str = "") -> ExclusionRules:
    parsed = parse_policy(policy) if policy else None
    return hotlist_exclusions(parsed, load_profiles(["ca"]), "ab" * 32)


def test_a_header_of_ncic_fields_fills_every_field_without_a_mapping() -> None:
    report = imported(HEADER + STOLEN)
    assert report.rejected == ()
    (entry,) = report.entries
    assert (entry.plate_text, entry.state, entry.reason) == ("7ABC123", "us-ca", "STOLEN VEHICLE")
    assert entry.record == EntryRecord(
        plate_type="PC",
        plate_year="2027",
        vin="1HGCM82633A004352",
        make="HOND",
        model="ACC",
        vehicle_year=2019,
        colour="BLK/WHI",
        ncic_number="V123456789",
        ori="CA0194200",
        oca="24-001872",
        message_key="STOLEN VEHICLE",
        source_file="NCIC Stolen Vehicle File",
    )
    assert "header" in report.header.why


def test_words_and_a_default_source_file_stand_for_the_codes() -> None:
    text = "Plate,State,Make,Model,Year,Color,Reason\n8XYZ777,NV,Toyota,Camry,2021,Silver,felony\n"
    spec = ImportSpec(FileFormat.CSV, {}, source_file="Nevada felony vehicles")
    (entry,) = imported(text, spec).entries
    assert entry.state == "us-nv"
    assert (entry.record.make, entry.record.model, entry.record.vehicle_year) == (
        "TOYOTA",
        "CAMRY",
        2021,
    )
    assert entry.record.colour == "SILVER"
    assert entry.record.source_file == "Nevada felony vehicles"


def test_a_mapping_may_name_fields_by_their_ncic_code() -> None:
    columns = parse_mapping("LIC=1,MKE=2,VYR=3")
    assert columns == {"plate": 1, "message_key": 2, "vehicle_year": 3}
    spec = ImportSpec(FileFormat.CSV, columns)
    (entry,) = imported("6DEF456,FELONY VEHICLE,2015\n", spec).entries
    assert entry.reason == "FELONY VEHICLE"
    assert entry.record.vehicle_year == 2015


@pytest.mark.parametrize(
    ("column", "value", "says"),
    [
        ("VYR", "19X9", "vehicle_year (VYR) '19X9' is not a model year"),
        ("VYR", "2031", "vehicle_year (VYR) '2031' is not a model year"),
        ("LIY", "27", "plate_year (LIY) '27' is not a four-digit year"),
        ("LIT", "PASSENGER", "plate_type (LIT) 'PASSENGER' is not a two-character"),
        ("VIN", "1HGCM82633A0O4352", "holds I, O or Q"),
        ("NIC", "123456789", "ncic_number (NIC) '123456789' is not a letter and nine digits"),
        ("ORI", "CA01", "ori (ORI) 'CA01' is not nine characters"),
        ("VCO", "BL4CK", "colour (VCO) 'BL4CK' is not a colour code"),
    ],
)
def test_a_row_with_a_bad_field_is_rejected_whole_naming_its_line_and_field(
    column: str, value: str, says: str
) -> None:
    names = HEADER.strip().split(",")
    bad = STOLEN.strip().split(",")
    bad[0] = "9BAD999"
    bad[names.index(column)] = value
    report = imported(HEADER + STOLEN + ",".join(bad) + "\n")
    assert [entry.plate_text for entry in report.entries] == ["7ABC123"]
    (problem,) = report.rejected
    assert problem.line == 3
    assert says in problem.reason
    assert report.imported + len(report.rejected) + 1 == report.lines_read


def test_a_header_without_a_plate_column_or_naming_a_field_twice_refuses_the_file() -> None:
    with pytest.raises(InvalidInput, match="names no plate column"):
        imported("VMA,VMO\nHOND,ACC\n")
    with pytest.raises(InvalidInput, match=r"names colour \(VCO\) twice, in columns 2 and 3"):
        imported("LIC,VCO,Color,MKE\n7ABC123,BLK,BLK,STOLEN VEHICLE\n")


def test_a_file_without_a_header_needs_a_mapping() -> None:
    with pytest.raises(InvalidInput, match="found by the header's names"):
        ImportSpec(FileFormat.CSV, {}, header=False)
    with pytest.raises(InvalidInput, match="found by the header's names"):
        ImportSpec(FileFormat.FIXED, {})


def test_the_source_file_survives_the_feeds_stored_spec() -> None:
    spec = ImportSpec(FileFormat.CSV, {}, source_file="CA SVS extract")
    assert ImportSpec.from_json(spec.to_json()) == spec


IMMIGRATION = (
    "8XYZ777,CA,PC,2026,,TOYT,CAM,2018,WHI,V223456789,DC0000000,A-1,DEPORTED FELON,"
    "NCIC Immigration Violator File\n"
)
BY_WORDS = (
    "6DEF456,CA,PC,2026,,FORD,FOC,2012,RED,V323456789,DC0000000,A-2,IMMIGRATION ABSCONDER,"
    "NCIC Wanted Person File\n"
)
BY_POLICY_KEY = "5GHI789,CA,PC,2026,,NISS,ALT,2016,BLU,V423456789,CA0194200,B-3,EVX,Local list\n"


def test_california_keeps_out_the_immigration_violator_file_by_name_and_by_words() -> None:
    rules = california('[hotlists]\nexclude_message_keys = ["evx"]\n')
    report = imported(HEADER + STOLEN + IMMIGRATION + BY_WORDS + BY_POLICY_KEY, exclusions=rules)
    assert [entry.plate_text for entry in report.entries] == ["7ABC123"]
    assert report.rejected == ()
    assert report.excluded_count == 3
    assert report.imported + report.excluded_count + 1 == report.lines_read
    by_source = {group.source_file: group for group in report.excluded}
    law = "immigration-enforcement, forbidden by California (Cal. Gov. Code § 7284.6"
    assert by_source["NCIC Immigration Violator File"].rule.startswith(law)
    assert by_source["NCIC Wanted Person File"].rule.startswith(law)
    assert "exclude_message_keys" in by_source["Local list"].rule
    assert "3 excluded by policy" in report.summary
    assert "8XYZ777" not in report.summary


def test_without_californias_law_the_same_records_are_loaded() -> None:
    report = imported(HEADER + STOLEN + IMMIGRATION + BY_WORDS + BY_POLICY_KEY)
    assert report.imported == 4
    assert report.excluded == ()


def test_a_policy_file_can_exclude_a_named_source_file_as_words() -> None:
    rules = california('[hotlists]\nexclude_source_files = ["Local  LIST"]\n')
    report = imported(HEADER + STOLEN + BY_POLICY_KEY, exclusions=rules)
    assert [entry.plate_text for entry in report.entries] == ["7ABC123"]
    assert folded("Local  LIST") == "local list"
    assert "exclude_source_files" in report.excluded[0].rule


def test_a_lawful_file_whose_name_merely_contains_a_short_word_is_loaded() -> None:
    """'Police' holds 'ice' and 'Notice' too: only whole words point at a matter."""
    row = STOLEN.replace("NCIC Stolen Vehicle File", "Police notice file")
    assert imported(HEADER + row, exclusions=california()).imported == 1
