"""The section of the breach workflow: when detection suspects a breach, and the agency's own
target for notice (docs/incidents.md)."""

from __future__ import annotations

from pydantic import Field

from platekeeper.config.base import Section


class IncidentSettings(Section):
    export_threshold: int = Field(
        default=1000,
        ge=1,
        le=10_000_000,
        description="Reads one person may export within export_window_hours before detection "
        "raises a suspected breach; many small exports add up.",
    )
    export_window_hours: int = Field(
        default=24,
        ge=1,
        le=24 * 31,
        description="Hours over which one person's exports are added up (see export_threshold).",
    )
    notice_target_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="The agency's target from discovery to notifying the people affected; the "
        "register marks an unnotified breach past it as overdue. Civil Code 1798.82(a) says "
        "only 'without unreasonable delay'.",
    )
