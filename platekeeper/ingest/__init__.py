"""Every way reads come in (the API, image folders, video) ends in one ingest service."""

from platekeeper.ingest.service import IngestItem, IngestLimits, IngestService, ReadsStored

__all__ = ["IngestItem", "IngestLimits", "IngestService", "ReadsStored"]
