"""The compliance report on a real database of each backend: a clean one produces no finding;
one seeded with known violations produces each as its own finding, and no plate text anywhere."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zlib
from dataclasses import replace
from datetime import date, timedelta

import pytest

from platekeeper.domain.access import Actor
from platekeeper.domain.people import TrainingRecord
from platekeeper.domain.recipients import ShareRequest, ShareStatus
from platekeeper.reports.charts import Series, bar_chart, line_chart
from platekeeper.reports.compliance import Area, ComplianceReport, Finding, Severity
from platekeeper.reports.compliance_service import REPORT_ACTION, compliance_report
from platekeeper.reports.render import (
    PdfUnavailable,
    ReportFormat,
    charts,
    evidence_href,
    render,
)
from platekeeper.services import Services
from platekeeper.store.protocols import AccessFilter
from platekeeper.store.sqlite import SqliteStore
from tests.audit.conftest import RawSql
from tests.conftest import NOW, make_read
from tests.reports.conftest import (
    PERIOD,
    PLATE,
    add_account,
    add_fed_list,
    recipient,
    search,
    seed_clean,
)

AUDITOR = Actor("aude", "demo-pd")


def report_of(services: Services, seed: int | None = None) -> ComplianceReport:
    return compliance_report(services, PERIOD, AUDITOR, sample_seed=seed)


def codes(report: ComplianceReport) -> set[tuple[str, Area]]:
    return {(finding.code, finding.area) for finding in report.findings}


def one(report: ComplianceReport, code: str, evidence: str) -> Finding:
    found = [
        f for f in report.findings if f.code == code and (not evidence or evidence in f.evidence)
    ]
    assert len(found) == 1, f"{code} naming {evidence}: {report.findings}"
    return found[0]


def test_a_clean_database_has_no_finding(services: Services) -> None:
    seed_clean(services)
    report = report_of(services)
    assert report.findings == (), [f"{f.code}: {f.detail}" for f in report.findings]
    assert report.figures.reads == 5
    assert report.figures.purge_runs == 36
    assert report.figures.searches_by_user == (("avery", 2),)
    assert report.sample.population == 1


def test_generating_a_report_is_logged(services: Services) -> None:
    seed_clean(services)
    report_of(services)
    logged = services.store.access_log.find(AccessFilter(action=REPORT_ACTION))
    assert [entry.event.actor for entry in logged] == [AUDITOR]
    assert logged[0].event.reason == "Compliance report: no findings."


def seed_violations(services: Services, request: pytest.FixtureRequest) -> dict[str, str]:
    """Each known violation, seeded as someone bypassing the checks would; the evidence that
    names each."""
    store = services.store
    # A search by a user whose training had expired (the event written after the expiry).
    tess = add_account(services, "tess")
    lapsed = TrainingRecord(date(2025, 11, 1), date(2026, 11, 1))
    store.accounts.update(replace(tess, training=lapsed))
    search(services, "tess", 3)
    # A share to an out-of-state agency, forced into the tables past the rules.
    store.recipients.add(recipient("reno-pd", "Reno Police Department", "NV"))
    store.share_requests.add(
        ShareRequest(
            id="share-nv",
            agency_id="demo-pd",
            recipient_id="reno-pd",
            purpose="criminal-investigation",
            case_number="NV-2026-1",
            requested_by="casey",
            requested_at=NOW - timedelta(hours=5),
            read_ids=(make_read(0, plate_text=PLATE).id,),
            status=ShareStatus.EXPORTED,
        )
    )
    # A read older than its retention (30 days for non-hit reads).
    store.reads.add([make_read(99, plate_text=PLATE, captured_at=NOW - timedelta(days=40))])
    # A stale hot list: a fed list last refreshed 30 hours ago.
    add_fed_list(services, "ncic-wanted", refreshed_hours_ago=30)
    # An inactive account still enabled.
    ivan = add_account(services, "ivan")
    store.accounts.update(replace(ivan, last_active_at=NOW - timedelta(days=120)))
    # A modified access-log entry, by someone who switched the triggers off.
    target = search(services, "avery", 4)
    dsn = None if isinstance(store, SqliteStore) else request.getfixturevalue("postgres_schema_dsn")
    raw = RawSql(store, dsn)
    try:
        raw.disable_triggers()
        raw.execute("UPDATE access_log SET reason = 'nothing to see' WHERE seq = ?", (target,))
    finally:
        raw.close()
    return {
        "access.training-expired": "user:tess",
        "access.training-lapsed-enabled": "user:tess",
        "sharing.forbidden-share": "share:share-nv",
        "sharing.forbidden-recipient": "recipient:reno-pd",
        "retention.oldest-read": "",
        "access-log.not-intact": f"access-log#{target}",
        "hotlists.stale": "hotlist:ncic-wanted",
        "access.inactive-enabled": "user:ivan",
    }


def test_the_report_finds_every_seeded_violation(
    services: Services, request: pytest.FixtureRequest
) -> None:
    seed_clean(services)
    expected = seed_violations(services, request)
    report = report_of(services)
    areas = {
        "access.training-expired": Area.ACCESS,
        "access.training-lapsed-enabled": Area.ACCESS,
        "sharing.forbidden-share": Area.SHARING,
        "sharing.forbidden-recipient": Area.SHARING,
        "retention.oldest-read": Area.RETENTION,
        "access-log.not-intact": Area.ACCESS_LOG,
        "hotlists.stale": Area.HOTLISTS,
        "access.inactive-enabled": Area.ACCESS,
    }
    assert codes(report) == set(areas.items())
    for code, evidence in expected.items():
        if evidence:
            one(report, code, evidence)
    oldest = one(report, "retention.oldest-read", "")
    assert "captured on 2026-10-19" in oldest.detail
    tampered = one(report, "access-log.not-intact", expected["access-log.not-intact"])
    assert tampered.severity is Severity.CRITICAL
    assert report.count(Severity.CRITICAL) == 3
    assert report.findings[0].severity is Severity.CRITICAL


@pytest.mark.parametrize("output_format", [ReportFormat.JSON, ReportFormat.HTML])
def test_no_plate_text_in_the_report(
    services: Services, request: pytest.FixtureRequest, output_format: ReportFormat
) -> None:
    seed_clean(services)
    seed_violations(services, request)
    document = render(report_of(services), output_format).decode("utf-8")
    assert PLATE not in document
    if output_format is ReportFormat.JSON:
        assert json.loads(document)["counts"]["critical"] == 3


def test_the_sample_is_reproducible_from_its_seed(services: Services) -> None:
    seed_clean(services)
    for hours in range(3, 13):
        search(services, "avery", hours)
    first = report_of(services, seed=7).sample
    assert first == report_of(services, seed=7).sample
    assert (first.seed, first.population, len(first.seqs)) == (7, 11, 11)


def test_the_charts_are_well_formed_svg(services: Services) -> None:
    seed_clean(services)
    for svg in charts(report_of(services)).values():
        root = ET.fromstring(str(svg))
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
        assert root.find("{http://www.w3.org/2000/svg}desc") is not None


def test_empty_charts_are_well_formed() -> None:
    ET.fromstring(bar_chart("Nothing <yet>", [], "accesses"))
    ET.fromstring(line_chart("Nothing & more", [], [Series("reads", ())]))


def _pdf_links(document: bytes) -> list[str]:
    """The addresses of the PDF's link annotations, from its compressed object streams."""
    found: list[str] = []
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            text = zlib.decompress(stream.group(1))
        except zlib.error:
            continue
        found += [uri.decode() for uri in re.findall(rb"/URI ?\(([^)]*)\)", text)]
    return found


def test_evidence_leads_to_the_page_that_shows_it() -> None:
    assert evidence_href("access-log#17") == "/reports/evidence?seq=17"
    assert evidence_href("hit:0193-ab") == "/alerts/0193-ab"
    assert evidence_href("hold:h1") == "/holds#hold-h1"
    assert evidence_href("share:s/1") == "/sharing?request=s%2F1#outcome"
    assert evidence_href("entry:e1") is None
    assert evidence_href("hit:") is None


def test_the_pdf_links_the_sampled_entries_to_their_pages(services: Services) -> None:
    seed_clean(services)
    report = report_of(services, seed=7)
    assert report.sample.seqs
    html = render(report, ReportFormat.HTML).decode()
    for seq in report.sample.seqs:
        assert f'<a href="/reports/evidence?seq={seq}">{seq}</a>' in html
    document = render(report, ReportFormat.PDF, "https://alpr.example.gov/")
    assert sorted(_pdf_links(document)) == sorted(
        f"https://alpr.example.gov/reports/evidence?seq={seq}" for seq in report.sample.seqs
    )


def test_the_pdf_is_a_pdf(services: Services) -> None:
    seed_clean(services)
    try:
        document = render(report_of(services), ReportFormat.PDF)
    except PdfUnavailable as exc:  # a dependency, never skipped: scripts/setup installs pango
        pytest.fail(f"WeasyPrint cannot render PDF here ({exc.message}); run scripts/setup")
    assert document.startswith(b"%PDF")
