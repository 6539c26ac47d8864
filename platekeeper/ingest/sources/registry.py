"""The vendor sources by name: ``/api/v1/ingest/{name}`` picks one here, nowhere else."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from platekeeper.errors import NotFound
from platekeeper.ingest.sources.axis import AxisSource
from platekeeper.ingest.sources.base import ReadSource
from platekeeper.ingest.sources.blueiris import BlueIrisSource
from platekeeper.ingest.sources.dahua import DahuaSource
from platekeeper.ingest.sources.frigate import FrigateSource
from platekeeper.ingest.sources.genetec import GenetecSource
from platekeeper.ingest.sources.hikvision import HikvisionSource
from platekeeper.ingest.sources.platerecognizer import PlateRecognizerSource
from platekeeper.ingest.sources.rekor import RekorSource
from platekeeper.ingest.sources.survision import SurvisionSource
from platekeeper.ingest.sources.verkada import VerkadaSource

SOURCES: Mapping[str, ReadSource] = MappingProxyType(
    {
        source.name: source
        for source in (
            AxisSource(),
            BlueIrisSource(),
            DahuaSource(),
            FrigateSource(),
            GenetecSource(),
            HikvisionSource(),
            PlateRecognizerSource(),
            RekorSource(),
            SurvisionSource(),
            VerkadaSource(),
        )
    }
)


def source_named(name: str, sources: Mapping[str, ReadSource] = SOURCES) -> ReadSource:
    try:
        return sources[name]
    except KeyError:
        raise NotFound(
            f"there is no source {name!r}",
            hint=f"Sources: {', '.join(sorted(sources))} (docs/integrations.md).",
        ) from None
