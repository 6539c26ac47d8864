"""Vendor sources: one small module per camera maker's format, each mapping its payload to
``ReadSubmission`` values (``base.ReadSource``), normalised in one place (``normalise``), picked
by name (``registry``) and stored through the one ingest service (``service``)."""

from platekeeper.ingest.sources.base import Context, Parsed, Payload, ReadSource, SourceRead
from platekeeper.ingest.sources.registry import SOURCES, source_named
from platekeeper.ingest.sources.service import Outcome, SourceIngest, SourceReceipt

__all__ = [
    "SOURCES",
    "Context",
    "Outcome",
    "Parsed",
    "Payload",
    "ReadSource",
    "SourceIngest",
    "SourceRead",
    "SourceReceipt",
    "source_named",
]
