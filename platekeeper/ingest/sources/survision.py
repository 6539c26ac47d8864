"""Survision cameras: the ``anpr`` event their JSON push sends (XML-style ``@`` attributes).

Written from Survision's camera API description as we know it (JSON push of the ``anpr``
event, firmware 2.x): ``@date`` is epoch milliseconds, ``@reliability`` a percentage and
``@context`` the plate's country as an international vehicle registration code (``F``, ``D``).
"""

from __future__ import annotations

from platekeeper.ingest.sources import normalise as n
from platekeeper.ingest.sources.base import JSON, Context, Parsed, Payload, SourceRead
from platekeeper.ingest.sources.fields import Doc, load_json

NAME = "survision"
_SCALE = 100.0
# International vehicle registration codes (Vienna 1968) of the plates Survision reads most.
_CONTEXTS = {
    "F": "fr", "D": "de", "GB": "gb", "UK": "gb", "B": "be", "NL": "nl", "L": "lu", "CH": "ch",
    "A": "at", "I": "it", "E": "es", "P": "pt", "PL": "pl", "CZ": "cz", "IRL": "ie", "USA": "us",
}  # fmt: skip


class SurvisionSource:
    name = NAME
    media_types = frozenset({JSON})

    def parse(self, payload: Payload, context: Context) -> Parsed:
        anpr = load_json(payload.body).doc("anpr")
        decision = anpr.doc("decision")
        stamp = anpr.text("@date")
        jpeg = decision.optional_text("jpeg") if decision.has("jpeg") else _first_jpeg(decision)
        submission = n.submission(
            NAME,
            anpr.optional_text("@id") or f"{stamp}:{decision.optional_text('@plate')}",
            decision.path,
            plate_text=n.plate_text(decision.text("@plate"), decision.where("@plate")),
            confidence=n.confidence(
                decision.number("@reliability"), decision.where("@reliability"), scale=_SCALE
            ),
            captured_at=n.captured_at(stamp, anpr.where("@date"), context.zone),
            region=_CONTEXTS.get((decision.optional_text("@context") or "").upper()),
            vehicle=n.vehicle(decision.path, direction=decision.optional_text("@direction")),
        )
        image = None if jpeg is None else n.b64_image(jpeg, decision.where("jpeg"))
        return Parsed((SourceRead(submission, image=image),))


def _first_jpeg(decision: Doc) -> str | None:
    """The first picture of ``jpegs`` (``{"jpeg": "<base64>"}`` or a list of them)."""
    jpegs = decision.optional_doc("jpegs")
    if jpegs is None:
        return None
    for value in jpegs.data.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            text = item.get("#text") if isinstance(item, dict) else item
            if isinstance(text, str) and text.strip():
                return text
    return None
