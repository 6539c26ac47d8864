"""Bodies of vendor-source ingest: the receipt a device gets back."""

from __future__ import annotations

from pydantic import BaseModel, Field

from platekeeper.api.schemas.reads import ReadReceipt
from platekeeper.ingest.sources import Outcome


class SourceReceipt(BaseModel):
    status: Outcome = Field(
        description="created: a new read; duplicate: every read was stored before, even if the "
        "device changed it since (stop resending); folded: per-frame events, kept in the "
        "vehicle's final read; heartbeat: the device is alive, no read."
    )
    results: list[ReadReceipt] = Field(default_factory=list)
