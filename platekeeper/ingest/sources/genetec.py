"""Genetec AutoVu: the SharpV's read posted as XML over HTTP, and Security Center's read export
(the same ``<Read>`` element, one per file or wrapped in ``<Reads>``).

Written from Genetec's AutoVu SharpV "HTTP/XML third-party output" and Security Center's
"LPR read export" descriptions as we know them (SharpV firmware 13.x, Security Center 5.11);
the element names are checked here as this module reads them, not against a published schema,
so confirm a device's output against docs/integrations.md before relying on it. A read carries
its ``ReadId`` (a UUID), which a resend repeats; ``State`` is a bare US state or Canadian
province code when ``Country`` is absent or US.
"""

from __future__ import annotations

from platekeeper.ingest.sources import normalise as n
from platekeeper.ingest.sources.base import XML, Context, Parsed, Payload, SourceRead
from platekeeper.ingest.sources.fields import problem
from platekeeper.ingest.sources.xml import XmlDoc, load_xml

NAME = "genetec"
_SCALE = 100.0


class GenetecSource:
    name = NAME
    media_types = frozenset({XML})

    def parse(self, payload: Payload, context: Context) -> Parsed:
        root = load_xml(payload.body)
        reads = [root] if root.element.tag == "Read" else root.children("Read")
        if not reads:
            raise problem(root.path, "holds no <Read> element")
        return Parsed(tuple(_read(read, context) for read in reads))


def _read(read: XmlDoc, context: Context) -> SourceRead:
    country = (read.optional_text("Country") or "us").lower()
    image = read.optional_text("ContextImage")
    crop = read.optional_text("PlateImage")
    submission = n.submission(
        NAME,
        read.text("ReadId"),
        read.path,
        plate_text=n.plate_text(read.text("Plate"), read.where("Plate")),
        confidence=n.confidence(read.number("Confidence"), read.where("Confidence"), scale=_SCALE),
        captured_at=n.captured_at(read.text("DateTime"), read.where("DateTime"), context.zone),
        region=n.region_code(
            read.optional_text("State") or country, bare_subdivisions_of=n.region_code(country)
        ),
        location=n.location(read.optional_number("Latitude"), read.optional_number("Longitude")),
        vehicle=n.vehicle(
            read.path,
            color=read.optional_text("VehicleColor"),
            make=read.optional_text("VehicleMake"),
            model=read.optional_text("VehicleModel"),
            body_type=read.optional_text("VehicleType"),
            direction=read.optional_text("Direction"),
        ),
    )
    return SourceRead(
        submission,
        image=None if image is None else n.b64_image(image, read.where("ContextImage")),
        crop=None if crop is None else n.b64_image(crop, read.where("PlateImage")),
    )
