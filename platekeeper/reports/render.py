"""The compliance report as JSON, as HTML (a Jinja2 template with inline SVG charts) and as PDF
(WeasyPrint, from the same HTML). None of them holds plate text: the report has none."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from platekeeper import __version__
from platekeeper.domain.hit_labels import code_label
from platekeeper.domain.zones import local_time
from platekeeper.errors import PlateKeeperError
from platekeeper.reports.charts import Series, bar_chart, line_chart
from platekeeper.reports.compliance import ComplianceReport, Finding, Severity
from platekeeper.reports.exclusions import ExclusionFigure


class ReportFormat(StrEnum):
    JSON = "json"
    HTML = "html"
    PDF = "pdf"

    @property
    def media_type(self) -> str:
        return {
            ReportFormat.JSON: "application/json",
            ReportFormat.HTML: "text/html; charset=utf-8",
            ReportFormat.PDF: "application/pdf",
        }[self]


class PdfUnavailable(PlateKeeperError):
    code = "pdf_unavailable"
    status = 503
    title = "PDF rendering is not available"


EVIDENCE_PAGES = {
    "access-log#": "/reports/evidence?seq={}",
    "hit:": "/alerts/{}",
    "hold:": "/holds#hold-{}",
    "share:": "/sharing?request={}#outcome",
}
"""Where the page that shows each kind of evidence is, by the prefix of its id."""


def evidence_href(item: str) -> str | None:
    """The page of one piece of evidence (``access-log#17``, ``hit:…``), or None where no page
    shows that kind by its id. The page checks the permission and the purpose, as always."""
    for prefix, page in EVIDENCE_PAGES.items():
        if item.startswith(prefix) and len(item) > len(prefix):
            return page.format(quote(item.removeprefix(prefix), safe=""))
    return None


def render(report: ComplianceReport, fmt: ReportFormat, base_url: str = "") -> bytes:
    """``report`` as ``fmt``; a PDF's links to the evidence lead to pages under ``base_url``."""
    if fmt is ReportFormat.JSON:
        return render_json(report).encode("utf-8")
    if fmt is ReportFormat.HTML:
        return render_html(report).encode("utf-8")
    return render_pdf(report, base_url)


def report_document(report: ComplianceReport) -> dict[str, Any]:
    """The report as plain JSON values."""
    figures = report.figures
    return {
        "format": "platekeeper-compliance-report-v1",
        "generator": f"PlateKeeper {__version__}",
        "generated_at": _iso(report.generated_at),
        "period": {"from": _iso(report.period.start), "to": _iso(report.period.end)},
        "time_zone": report.time_zone,
        "local": {
            "generated_at": local_time(report.generated_at, report.time_zone, _SHOWN),
            "from": local_time(report.period.start, report.time_zone, _SHOWN),
            "to": local_time(report.period.end, report.time_zone, _SHOWN),
        },
        "summary": report.summary(),
        "counts": {severity.value: report.count(severity) for severity in Severity},
        "findings": [_finding(finding) for finding in report.findings],
        "figures": {
            "reads": figures.reads,
            "hits": figures.hits,
            "hit_ratio": figures.hit_ratio,
            "days": [
                {"day": day.day.isoformat(), "reads": day.reads, "hits": day.hits}
                for day in figures.days
            ],
            "hits_by_status": dict(figures.hits_by_status),
            "hits_by_outcome": dict(figures.hits_by_outcome),
            "searches_by_user": dict(figures.searches_by_user),
            "searches_by_purpose": dict(figures.searches_by_purpose),
            "recipients": [
                {"entity_type": kind, "state": state, "status": status, "count": count}
                for kind, state, status, count in figures.recipients_by_type_state
            ],
            "purge_runs": figures.purge_runs,
            "oldest_non_hit_read_day": _day(figures.oldest_non_hit),
            "access_log_entries": figures.access_entries,
            "access_log_verification": figures.verification,
            "hotlist_entries_checked": figures.hotlist_entries_checked,
            "hotlist_exclusions": [_exclusion(figure) for figure in figures.hotlist_exclusions],
        },
        "sample": {
            "seed": report.sample.seed,
            "size": report.sample.size,
            "population": report.sample.population,
            "access_log_seqs": list(report.sample.seqs),
        },
    }


def _exclusion(figure: ExclusionFigure) -> dict[str, Any]:
    return {
        "source": figure.source,
        "rule": figure.rule,
        "latest": figure.latest,
        "times": figure.times,
        "last_at": figure.last_at.isoformat(),
        "policy_versions": list(figure.policy_versions),
    }


def render_json(report: ComplianceReport) -> str:
    return json.dumps(report_document(report), indent=2, ensure_ascii=False) + "\n"


def render_html(report: ComplianceReport) -> str:
    template = _environment().get_template("compliance.html")
    return template.render(report=report_document(report), charts=charts(report))


def render_body(report: ComplianceReport) -> Markup:
    """The report's content without its document, for a page of the application to show."""
    template = _environment().get_template("compliance_body.html")
    # Autoescaped by the environment: every value in it was escaped as it was rendered.
    return Markup(template.render(report=report_document(report), charts=charts(report)))  # noqa: S704


def render_pdf(report: ComplianceReport, base_url: str = "") -> bytes:
    """The HTML report printed by WeasyPrint; ``PdfUnavailable`` when it or pango is missing."""
    html = render_html(report)
    try:
        # Imported on use: it is slow to load, and without pango it fails at import.
        from weasyprint import HTML  # type: ignore[import-untyped,unused-ignore]  # noqa: PLC0415
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(
            f"WeasyPrint cannot run here: {exc}",
            hint="Run scripts/setup, which installs WeasyPrint and Debian's pango; or ask for "
            "--format html.",
        ) from None
    document: bytes = HTML(string=html, base_url=base_url or None).write_pdf()
    return document


def charts(report: ComplianceReport) -> Mapping[str, Markup]:
    figures = report.figures
    labels = [day.day.isoformat() for day in figures.days]
    return {
        "per_day": Markup(  # noqa: S704 - built from escaped parts in charts.py
            line_chart(
                "Reads and hits per day",
                labels,
                [
                    Series("reads", tuple(day.reads for day in figures.days)),
                    Series("hits", tuple(day.hits for day in figures.days)),
                ],
            )
        ),
        "per_user": Markup(  # noqa: S704
            bar_chart("Searches per user", figures.searches_by_user, "accesses")
        ),
        "per_purpose": Markup(  # noqa: S704
            bar_chart("Searches per purpose", figures.searches_by_purpose, "accesses")
        ),
    }


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("platekeeper.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["in_words"] = code_label  # a hit's status or outcome, as people say it
    environment.globals["evidence_href"] = evidence_href
    return environment


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "area": finding.area.value,
        "severity": finding.severity.value,
        "title": finding.title,
        "detail": finding.detail,
        "remediation": finding.remediation,
        "evidence": list(finding.evidence),
    }


def _day(moment: datetime | None) -> str | None:
    return None if moment is None else moment.date().isoformat()


_SHOWN = "%Y-%m-%d %H:%M %Z"


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
