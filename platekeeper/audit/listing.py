"""Access-log entries written out for an auditor to keep: JSON or CSV.

The entries given are as the log shows them to people (``AccessLog.shown``: no plate, read ids
and image references as the agency's pseudonyms); the hashes are those of the stored entries,
so an export names each entry exactly but cannot be rehashed. The fields and their names are the
API's (``GET /api/v1/audit/entries``), ``signed_in_with`` included: how the person signed in for
the access (CJIS AU-3), empty for the system and for entries written before the log recorded it.

Times: ``at`` stays UTC (ISO 8601), as stored and as the API gives it; ``at_local`` beside it
is the same instant on the agency's clock, with its offset
(``2026-11-29T02:15:00.000000-08:00``), so that a spreadsheet reads the agency's time.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from platekeeper.domain.access import AccessRecord, event_document
from platekeeper.domain.zones import UTC_ZONE, local_iso

ENTRY_FIELDS = (
    "seq", "at", "at_local", "username", "agency_id", "signed_in_with", "action", "outcome",
    "reason", "query", "read_ids", "image_refs", "purpose", "case_number", "client_address",
    "prev_hash", "entry_hash",
)  # fmt: skip
"""The fields of an entry written out, in this order (the CSV's columns)."""


def entry_document(record: AccessRecord, zone: str = UTC_ZONE) -> dict[str, Any]:
    """One entry as the API's listing names its fields, ``at`` in ISO 8601 UTC, and
    ``at_local`` in the agency's time zone ``zone``."""
    fields = event_document(record.event)
    fields |= {
        "seq": record.seq,
        "at_local": local_iso(record.event.at, zone),
        "signed_in_with": record.event.actor.signed_in_with,  # null where the entry has none
        "purpose": fields["purpose_code"],
        "prev_hash": record.prev_hash,
        "entry_hash": record.entry_hash,
    }
    return {name: fields[name] for name in ENTRY_FIELDS}


def entries_json(records: Iterable[AccessRecord], zone: str = UTC_ZONE) -> str:
    """``{"entries": [...]}``, the API listing's shape, one entry per line for ``grep``."""
    lines = [json.dumps(entry_document(record, zone), ensure_ascii=False) for record in records]
    return '{"entries": [\n' + ",\n".join(lines) + "\n]}\n"


def entries_csv(records: Iterable[AccessRecord], zone: str = UTC_ZONE) -> str:
    """A header row of ``ENTRY_FIELDS``, then one row per entry; the query and the lists as
    JSON text, absent values as empty cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ENTRY_FIELDS)
    for record in records:
        document = entry_document(record, zone)
        writer.writerow(_cell(document[name]) for name in ENTRY_FIELDS)
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    # A cell starting with = + - @ runs as a formula in a spreadsheet; reasons and case
    # numbers are typed by people, and the export is opened by auditors.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
