"""Issue 15, the absent pieces of this part: the breach workflow (R41), the register of
public-records requests, and the correction of a stored misread. On main (fb08a52) none of them
existed: every test here fails there (nothing to import) and passes now, on SQLite and
PostgreSQL (the ``store`` fixture)."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest

from platekeeper.config import AccessSettings, load_settings
from platekeeper.domain import PlateRead
from platekeeper.domain.access import AccessEvent, AccessOutcome, Actor
from platekeeper.domain.breaches import NOTICE_HEADINGS, NOTICE_TITLE, IncidentSource, NoticeContent
from platekeeper.domain.gate import Person, Stated
from platekeeper.domain.people import Role
from platekeeper.domain.records_requests import Exemption, RequestStatus, select_figures
from platekeeper.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from platekeeper.incidents import BreachDesk, CorrectionDesk, Findings, RecordsRegister
from platekeeper.incidents.findings import NOTED
from platekeeper.reports.records_figures import figures_of
from platekeeper.reports.transparency import TransparencyCounts, transparency_report
from platekeeper.services import build_services
from platekeeper.store import ReadQuery, Store
from tests.audit.conftest import make_event
from tests.cli.test_cli import run
from tests.conftest import NOW, FixedClock, make_agency, make_read
from tests.retention.conftest import MemoryLog
from tests.store.conftest import empty_store, store

__all__ = ["empty_store", "store"]

ANALYST = Person(Actor("avery", "demo-pd"), frozenset({Role.ANALYST}))
OFFICER = Person(Actor("olivia", "demo-pd"), frozenset({Role.OFFICER}))
CUSTODIAN = Person(Actor("casey", "demo-pd"), frozenset({Role.CUSTODIAN}))
AUDITOR = Person(Actor("aud", "demo-pd"), frozenset({Role.AUDITOR}))
OTHER_ANALYST = Person(Actor("ollie", "other-pd"), frozenset({Role.ANALYST}))
OTHER_CUSTODIAN = Person(Actor("cory", "other-pd"), frozenset({Role.CUSTODIAN}))
BASIS = Stated("stolen-vehicle", "2026-000123")


class Heard:
    def __init__(self) -> None:
        self.reads: list[PlateRead] = []

    def reads_stored(self, reads: Sequence[PlateRead]) -> None:
        self.reads.extend(reads)


def _other_agency(store: Store) -> None:
    store.agencies.add(make_agency("other-pd"))


# --- correction of a misread ---------------------------------------------------------------


@pytest.fixture
def desk(store: Store) -> tuple[CorrectionDesk, MemoryLog, Heard]:
    log, heard = MemoryLog(), Heard()
    store.reads.add([make_read(1, plate_text="8OXY123")])
    return CorrectionDesk(store, log, FixedClock(), AccessSettings(), [heard]), log, heard


def test_a_correction_keeps_the_original_and_searches_find_the_corrected_text(
    store: Store, desk: tuple[CorrectionDesk, MemoryLog, Heard]
) -> None:
    corrections, log, heard = desk
    read = make_read(1, plate_text="8OXY123")
    correction = corrections.correct(
        ANALYST,
        BASIS,
        read.id,
        plate_text="BOXY123",
        region="us-nv",
        reason="8 is a B on the image",
    )
    stored = store.reads.get(read.id)
    assert stored is not None
    assert (stored.plate_text, stored.plate_key, stored.region) == ("BOXY123", "BOXY123", "us-nv")
    assert [r.id for r in store.reads.find(ReadQuery(plate_key="BOXY123"))] == [read.id]
    assert store.reads.find(ReadQuery(plate_key="8OXY123")) == []
    # The original is kept, with who, why, and the purpose and case.
    (kept,) = store.read_corrections.of_read(read.id)
    assert (kept.original_text, kept.original_region) == ("8OXY123", "us-ca")
    assert (kept.corrected_by, kept.purpose_code, kept.case_number) == (
        "avery",
        "stolen-vehicle",
        "2026-000123",
    )
    assert kept == correction
    # The access log names who corrected which read, for which purpose and case.
    event = log.events[-1]
    assert (event.action, event.outcome, event.read_ids) == (
        "reads:correct",
        AccessOutcome.ALLOWED,
        (read.id,),
    )
    assert (event.actor.username, event.purpose_code, event.case_number) == (
        "avery",
        "stolen-vehicle",
        "2026-000123",
    )
    # Matching runs again on the corrected read.
    assert [r.plate_key for r in heard.reads] == ["BOXY123"]
    # An auditor sees that it was corrected.
    assert [c.read_id for c in corrections.corrections(AUDITOR)] == [read.id]


@pytest.mark.parametrize(
    ("who", "basis", "error"),
    [
        (OFFICER, BASIS, PermissionDenied),  # no reads:correct
        (AUDITOR, BASIS, PermissionDenied),
        (CUSTODIAN, BASIS, PermissionDenied),
        (ANALYST, Stated(None, "2026-000123"), InvalidInput),  # no purpose
        (ANALYST, Stated("curiosity", "2026-000123"), InvalidInput),  # no authorised purpose
        (ANALYST, Stated("stolen-vehicle", None), InvalidInput),  # no case
        (OTHER_ANALYST, BASIS, NotFound),  # another agency's read is not there
    ],
)
def test_a_correction_goes_through_the_gate_and_a_refusal_is_logged(
    store: Store,
    desk: tuple[CorrectionDesk, MemoryLog, Heard],
    who: Person,
    basis: Stated,
    error: type[Exception],
) -> None:
    _other_agency(store)
    corrections, log, heard = desk
    read = make_read(1, plate_text="8OXY123")
    with pytest.raises(error):
        corrections.correct(who, basis, read.id, plate_text="BOXY123", reason="8 is a B")
    assert log.events[-1].action == "reads:correct"
    assert log.events[-1].outcome is AccessOutcome.DENIED
    stored = store.reads.get(read.id)
    assert stored is not None
    assert stored.plate_text == "8OXY123"
    assert store.read_corrections.of_read(read.id) == []
    assert heard.reads == []


@pytest.mark.parametrize(
    ("plate_text", "region", "reason"),
    [
        ("8OXY123", None, "nothing to change"),  # changes nothing
        ("BAD PLATE!!", None, "a B"),  # no plate
        ("BOXY123", "california", "a B"),  # no region code
        ("BOXY123", None, "   "),  # no reason
        ("BOXY123", None, "owner Jane Smith, DOB 01/02/1980"),  # personal data in the reason
    ],
)
def test_a_correction_that_is_no_correction_is_refused(
    store: Store,
    desk: tuple[CorrectionDesk, MemoryLog, Heard],
    plate_text: str,
    region: str | None,
    reason: str,
) -> None:
    corrections, log, _ = desk
    read = make_read(1, plate_text="8OXY123")
    with pytest.raises(InvalidInput):
        corrections.correct(
            ANALYST, BASIS, read.id, plate_text=plate_text, region=region, reason=reason
        )
    assert log.events[-1].outcome is AccessOutcome.DENIED
    assert store.read_corrections.of_read(read.id) == []


def test_a_correction_goes_with_its_read(
    store: Store, desk: tuple[CorrectionDesk, MemoryLog, Heard]
) -> None:
    corrections, _, _ = desk
    read = make_read(1, plate_text="8OXY123")
    corrections.correct(ANALYST, BASIS, read.id, plate_text="BOXY123", reason="8 is a B")
    store.reads.delete_captured_before(NOW + timedelta(days=1))
    assert store.read_corrections.list() == []
    assert store.read_corrections.delete_orphaned() == 1


# --- breaches --------------------------------------------------------------------------------


def _export(store: Store, who: Person, reads: int, at_offset: timedelta = timedelta()) -> None:
    store.access_log.append(
        AccessEvent(
            at=NOW - at_offset,
            actor=who.actor,
            action="reads:export",
            outcome=AccessOutcome.ALLOWED,
            reason="granted",
            query={},
            read_ids=tuple(f"r{i}" for i in range(reads)),
            purpose_code="stolen-vehicle",
            case_number="2026-000123",
        )
    )


@pytest.fixture
def breaches(store: Store) -> tuple[BreachDesk, MemoryLog, FixedClock]:
    log, clock = MemoryLog(), FixedClock()
    return BreachDesk(store, log, clock, export_threshold=100), log, clock


def test_a_bulk_export_over_the_threshold_raises_a_suspected_breach_once(
    store: Store, breaches: tuple[BreachDesk, MemoryLog, FixedClock]
) -> None:
    desk, log, _ = breaches
    # Split into many small exports so that no single one is large: the sum counts.
    for _ in range(5):
        _export(store, ANALYST, 30, timedelta(hours=2))
    _export(store, OFFICER, 50)
    _export(store, ANALYST, 500, timedelta(days=3))  # outside the window
    (incident,) = desk.detect()
    assert incident.source is IncidentSource.BULK_EXPORT
    assert incident.summary.startswith("avery exported 150 reads")
    assert incident.agency_id == "demo-pd"
    assert log.actions() == ["incidents:detect"]
    assert desk.detect() == []  # the same suspicion, still open: not raised again


def test_a_broken_chain_or_open_permissions_raise_an_incident_per_agency(
    store: Store, breaches: tuple[BreachDesk, MemoryLog, FixedClock]
) -> None:
    _other_agency(store)
    desk, _, _ = breaches
    found = desk.detect(Findings(chain_problem="entry 7 altered", permissions_problem="0644"))
    assert sorted((i.agency_id, i.source.value) for i in found) == [
        ("demo-pd", "audit-chain"),
        ("demo-pd", "file-permissions"),
        ("other-pd", "audit-chain"),
        ("other-pd", "file-permissions"),
    ]
    assert [i.agency_id for i in desk.list(OTHER_CUSTODIAN)] == ["other-pd", "other-pd"]


def _notice() -> NoticeContent:
    return NoticeContent(
        what_happened="A laptop holding an export of reads was stolen.",
        information_involved="Plate numbers, times and places of capture.",
        what_we_are_doing="We revoked the account and reported the theft.",
        what_you_can_do="Nothing is required of you.",
        for_more_information="Call 555-0100.",
        breach_from=NOW - timedelta(days=2),
        breach_to=NOW - timedelta(days=1),
    )


def test_the_workflow_records_each_step_tracks_the_clock_and_the_attorney_general(
    store: Store, breaches: tuple[BreachDesk, MemoryLog, FixedClock]
) -> None:
    desk, log, clock = breaches
    incident = desk.report(CUSTODIAN, "laptop with an export stolen from a car")
    clock.advance(timedelta(days=31))
    assert desk.overdue(desk.list(CUSTODIAN)) == (store.incidents.get(incident.id),)
    with pytest.raises(Conflict):  # a suspicion is not notified before it is confirmed
        desk.notify(CUSTODIAN, incident.id, _notice(), attorney_general=False)
    desk.assess(
        CUSTODIAN,
        incident.id,
        breach=True,
        reason="export confirmed on the laptop",
        data_involved="reads",
        reads_affected=9000,
        people_affected=800,
        california_residents=750,
    )
    desk.decide(CUSTODIAN, incident.id, "vendor asked to wipe the device remotely")
    with pytest.raises(InvalidInput, match=r"1798\.82"):  # over 500: the Attorney General
        desk.notify(CUSTODIAN, incident.id, _notice(), attorney_general=False)
    done, text = desk.notify(CUSTODIAN, incident.id, _notice(), attorney_general=True)
    assert done.notified_at == clock.now()
    assert done.attorney_general_notified_at == clock.now()
    assert desk.overdue([done]) == ()
    stored = store.incidents.get(incident.id)
    assert stored == done
    assert [d.text.split(":")[0] for d in stored.decisions] == [
        "assessed confirmed",
        "vendor asked to wipe the device remotely",
        "people affected notified",
    ]
    # The notice: its title, then the five headings in the statute's order.
    assert text.startswith(NOTICE_TITLE)
    positions = [text.index(f"\n{heading}\n") for heading in NOTICE_HEADINGS]
    assert positions == sorted(positions)
    assert "Date of the breach: 2026-11-26 to 2026-11-27" in text
    assert log.actions(AccessOutcome.ALLOWED) == [
        "incidents:report",
        "incidents:list",
        "incidents:assess",
        "incidents:decide",
        "incidents:notify",
    ]
    assert log.actions(AccessOutcome.DENIED) == ["incidents:notify", "incidents:notify"]


def test_a_notice_needs_every_heading_and_only_custodians_handle_incidents(
    store: Store, breaches: tuple[BreachDesk, MemoryLog, FixedClock]
) -> None:
    _other_agency(store)
    desk, log, _ = breaches
    with pytest.raises(InvalidInput, match="every heading"):
        NoticeContent("a", "b", "c", " ", "e")
    for who in (ANALYST, OFFICER, AUDITOR):
        with pytest.raises(PermissionDenied):
            desk.report(who, "something")
    incident = desk.report(CUSTODIAN, "a vendor says its bucket was public")
    with pytest.raises(NotFound):  # another agency's incident is not there
        desk.assess(OTHER_CUSTODIAN, incident.id, breach=False, reason="no")
    assert log.events[-1].outcome is AccessOutcome.DENIED


# --- public-records requests ----------------------------------------------------------------

FIGURES = {"reads": 120_000, "hits": 31, "cameras_active": 4}


@pytest.fixture
def register(store: Store) -> tuple[RecordsRegister, MemoryLog, FixedClock]:
    log, clock = MemoryLog(), FixedClock()
    return RecordsRegister(store, log, clock), log, clock


def test_a_request_is_answered_with_exemptions_and_aggregate_figures_only(
    store: Store, register: tuple[RecordsRegister, MemoryLog, FixedClock]
) -> None:
    records, log, _clock = register
    received = NOW.date() - timedelta(days=2)
    request = records.record(
        CUSTODIAN, requester="A newspaper", description="All reads of March", received_on=received
    )
    assert request.response_due == received + timedelta(days=10)
    extended = records.extend(CUSTODIAN, request.id, "records held at two sites")
    assert extended.response_due == received + timedelta(days=24)
    with pytest.raises(Conflict):  # one extension only
        records.extend(CUSTODIAN, request.id, "again")
    # Figures other than the system's own counts (a plate, a read id) cannot be released.
    for figures in (("7ABC123",), ("reads", "plate:7abc123")):
        with pytest.raises(InvalidInput):
            records.respond(
                CUSTODIAN,
                request.id,
                response="see attached",
                exemptions=(),
                figures=figures,
                available=FIGURES,
            )
    done = records.respond(
        CUSTODIAN,
        request.id,
        response="Plate-level data withheld; totals released.",
        exemptions=(Exemption.RECORDS_OF_INVESTIGATIONS, Exemption.ALPR_SHARING_BAN),
        figures=("reads", "hits"),
        available=FIGURES,
    )
    stored = store.records_requests.get(request.id)
    assert stored == done
    assert stored.status is RequestStatus.RESPONDED
    assert stored.release is not None
    assert dict(stored.release.figures) == {
        "reads": 120_000,
        "hits": 31,
    }
    assert "7923.600" in Exemption.RECORDS_OF_INVESTIGATIONS.citation
    assert log.actions(AccessOutcome.ALLOWED) == [
        "records-requests:record",
        "records-requests:extend",
        "records-requests:respond",
    ]


def test_a_request_tracks_its_deadline_and_refuses_nonsense(
    store: Store, register: tuple[RecordsRegister, MemoryLog, FixedClock]
) -> None:
    records, _, clock = register
    with pytest.raises(InvalidInput):  # received in the future
        records.record(
            CUSTODIAN, requester="x", description="y", received_on=NOW.date() + timedelta(days=3)
        )
    with pytest.raises(PermissionDenied):
        records.record(ANALYST, requester="x", description="y", received_on=NOW.date())
    request = records.record(CUSTODIAN, requester="x", description="y", received_on=NOW.date())
    with pytest.raises(InvalidInput):  # neither released nor exempted
        records.respond(
            CUSTODIAN, request.id, response="no", exemptions=(), figures=(), available=FIGURES
        )
    clock.advance(timedelta(days=11))
    (listed,) = records.list(CUSTODIAN)
    assert listed.overdue(clock.now().date())
    with pytest.raises(InvalidInput):  # too late to extend
        records.extend(CUSTODIAN, request.id, "late")
    assert date.fromisoformat("2026-12-08") == listed.response_due


# --- detection has callers (the CLI; the API's are in tests/api/test_incidents.py) ----------


@pytest.fixture
def cli_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory with an agency and a few access-log entries."""
    monkeypatch.delenv("PLATEKEEPER_CONFIG", raising=False)
    data = tmp_path / "data"
    assert run(data, "db", "upgrade").returncode == 0
    assert run(data, "agency", "add", "demo-pd", "--name", "D", "--state", "CA").returncode == 0
    services = build_services(load_settings(data_dir=data))
    try:
        for index in range(1, 4):
            services.access_log.record(make_event(index))
    finally:
        services.close()
    return data


def _incidents_of(data: Path) -> list[tuple[str, str]]:
    services = build_services(load_settings(data_dir=data))
    try:
        return [(i.source.value, i.status.value) for i in services.store.incidents.list("demo-pd")]
    finally:
        services.close()


def test_audit_verify_raises_a_broken_chain_as_a_suspected_breach(cli_data: Path) -> None:
    assert run(cli_data, "audit", "verify").returncode == 0
    assert _incidents_of(cli_data) == []
    with sqlite3.connect(cli_data / "platekeeper.sqlite3") as connection:
        connection.execute("DROP TRIGGER access_log_no_update")
        connection.execute("UPDATE access_log SET reason = 'nothing to see' WHERE seq = 3")
    for _ in range(2):  # verified again: still one incident
        result = run(cli_data, "audit", "verify")
        assert result.returncode == 1, result.stdout + result.stderr
        assert "incident register" in result.stdout
    assert _incidents_of(cli_data) == [("audit-chain", "suspected")]


def test_a_start_refused_for_open_file_modes_raises_a_breach_once_it_can(cli_data: Path) -> None:
    database = cli_data / "platekeeper.sqlite3"
    database.chmod(0o644)
    refused = run(cli_data, "audit", "verify")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "0644" in refused.stdout + refused.stderr
    noted = cli_data / NOTED
    assert stat.S_IMODE(noted.stat().st_mode) == 0o600
    assert str(database) in noted.read_text(encoding="utf-8")
    database.chmod(0o600)
    # The next start raises it: others may have copied the data meanwhile.
    assert run(cli_data, "audit", "verify").returncode == 0
    assert _incidents_of(cli_data) == [("file-permissions", "suspected")]
    assert not noted.exists()
    assert run(cli_data, "audit", "verify").returncode == 0
    assert _incidents_of(cli_data) == [("file-permissions", "suspected")]


def test_a_response_cannot_release_what_the_transparency_report_withholds() -> None:
    counts = TransparencyCounts(
        period_from=NOW - timedelta(days=30),
        period_to=NOW,
        cameras_active=2,
        cameras_total=3,
        reads=4,  # under the minimum count: "fewer than 5"
        hits=40,
        hits_by_status={"new": 30, "verified": 8, "rejected": 2},  # one small part
        hits_by_outcome={"arrest": 1, "none": 2},  # the total itself is small
        searches_by_purpose={"stolen-vehicle": 12, "missing-person": 9},
        recipients=(),
        last_audit=None,
    )
    released = figures_of(transparency_report(counts, min_count=5))
    assert released == {
        "cameras_active": 2,
        "cameras_total": 3,
        "hits": 40,
        "hits_by_status:new": 30,
        # "rejected" is small, and "verified", the next smallest, is withheld with it so that
        # it cannot be worked out from the total.
        "searches_by_purpose:stolen-vehicle": 12,
        "searches_by_purpose:missing-person": 9,
    }
    with pytest.raises(InvalidInput, match="reads"):
        select_figures(released, ("reads",))
    with pytest.raises(InvalidInput, match="hits_by_status:rejected"):
        select_figures(released, ("hits_by_status:rejected",))
