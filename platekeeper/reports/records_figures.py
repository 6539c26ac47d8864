"""The figures a public-records response may release: the transparency figures as published,
flattened to ``name`` or ``name:key`` and a number each. Nothing else can be released
(``incidents/records.py`` takes these as the only figures there are), and a figure the
transparency report withholds under its small-count rule (``transparency.min_count``) is not
among them: a response must not give what the public page hides as "fewer than N"."""

from __future__ import annotations

from datetime import datetime

from platekeeper.reports.transparency import (
    PublicCount,
    TransparencyReport,
    gather_counts,
    transparency_report,
)
from platekeeper.store import Store


def figures_of(report: TransparencyReport) -> dict[str, int]:
    """The numbers ``report`` publishes, by name; the withheld ones are left out."""
    figures = {
        "cameras_active": report.cameras_active,
        "cameras_total": report.cameras_total,
    } | _published({"reads": report.reads, "hits": report.hits})
    for group, values in (
        ("hits_by_status", report.hits_by_status),
        ("hits_by_outcome", report.hits_by_outcome),
        ("searches_by_purpose", report.searches_by_purpose),
    ):
        figures |= _published({f"{group}:{key}": count for key, count in values.parts})
    return figures


def available_figures(store: Store, now: datetime, *, min_count: int) -> dict[str, int]:
    """The figures of the 30 days before ``now`` that the transparency report publishes."""
    return figures_of(transparency_report(gather_counts(store, now), min_count=min_count))


def _published(counts: dict[str, PublicCount]) -> dict[str, int]:
    return {name: count.value for name, count in counts.items() if count.value is not None}
