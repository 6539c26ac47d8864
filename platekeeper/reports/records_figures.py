"""The figures a public-records response may release: the transparency counts, flattened to
``name`` or ``name:key`` and a number each. Nothing else can be released
(``incidents/records.py`` takes these as the only figures there are)."""

from __future__ import annotations

from datetime import datetime

from platekeeper.reports.transparency import TransparencyCounts, gather_counts
from platekeeper.store import Store


def figures_of(counts: TransparencyCounts) -> dict[str, int]:
    figures = {
        "reads": counts.reads,
        "hits": counts.hits,
        "cameras_active": counts.cameras_active,
        "cameras_total": counts.cameras_total,
    }
    for group, values in (
        ("hits_by_status", counts.hits_by_status),
        ("hits_by_outcome", counts.hits_by_outcome),
        ("searches_by_purpose", counts.searches_by_purpose),
    ):
        figures |= {f"{group}:{key}": value for key, value in values.items()}
    return figures


def available_figures(store: Store, now: datetime) -> dict[str, int]:
    """The figures of the 30 days before ``now``."""
    return figures_of(gather_counts(store, now))
