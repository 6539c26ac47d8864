"""Blue Iris with CodeProject.AI's ALPR module: the alert's web request, whose body Blue Iris
fills from its macros (docs/integrations.md gives the template to paste).

Written from Blue Iris's help on alert actions and macros (``&ALERT_DB``, ``&CAM``, ``&PLATE``,
``&JSON``; Blue Iris 5.8) and CodeProject.AI's ALPR module response (``predictions`` with
``plate``, ``confidence`` 0-1; module 3.x). The time is Blue Iris's local clock, no offset.
"""

from __future__ import annotations

from platekeeper.ingest.sources import normalise as n
from platekeeper.ingest.sources.base import JSON, Context, Parsed, Payload, SourceRead
from platekeeper.ingest.sources.fields import Doc, load_json, problem

NAME = "blueiris"
_SCALE = 1.0


class BlueIrisSource:
    name = NAME
    media_types = frozenset({JSON})

    def parse(self, payload: Payload, context: Context) -> Parsed:
        doc = load_json(payload.body)
        best = _best_plate(doc)
        submission = n.submission(
            NAME,
            doc.text("alert_id"),
            doc.path,
            plate_text=n.plate_text(best.text("plate"), best.where("plate")),
            confidence=n.confidence(
                best.number("confidence"), best.where("confidence"), scale=_SCALE
            ),
            captured_at=n.captured_at(doc.text("time"), doc.where("time"), context.zone),
        )
        return Parsed((SourceRead(submission),))


def _best_plate(doc: Doc) -> Doc:
    """The ALPR module's most confident plate: among the AI results of Blue Iris's ``&JSON``
    (a list of ``{"api", "found": <module response>}``), or in a bare CodeProject.AI response
    (``{"predictions": [...]}``) placed in ``json`` or sent as the whole body."""
    value = doc.data.get("json")
    if isinstance(value, dict):
        responses = [doc.doc("json")]
    elif isinstance(value, list):
        responses = [
            result.optional_doc("found") or Doc({}, result.path)
            for result in Doc({"json": value}, doc.path).docs("json")
        ]
    else:
        responses = [doc]
    found = [
        prediction
        for response in responses
        for prediction in response.docs("predictions")
        if prediction.has("plate")
    ]
    if not found:
        raise problem(doc.where("json"), "holds no plate from the ALPR module")
    return max(found, key=lambda prediction: prediction.number("confidence"))
