"""Access-log entries written out for an auditor to keep: JSON or CSV.

The entries given are as the log shows them to people (``AccessLog.shown``: no plate, read ids
and image references as the agency's pseudonyms); the hashes are those of the stored entries,
so an export names each entry exactly but cannot be rehashed. The fields and their names are the
API's (``GET /api/v1/audit/entries``), ``signed_in_with`` included: how the person signed in for
the access (CJIS AU-3), empty for the system and for entries written before the log recorded it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from platekeeper.domain.access import AccessRecord, event_document

ENTRY_FIELDS = (
    "seq", "at", "username", "agency_id", "signed_in_with", "action", "outcome", "reason",
    "query", "read_ids", "image_refs", "purpose", "case_number", "client_address", "prev_hash",
    "entry_hash",
)  # fmt: skip
"""The fields of an entry written out, in this order (the CSV's columns)."""


def entry_document(record: AccessRecord) -> dict[str, Any]:
    """One entry as the API's listing names its fields, ``at`` in ISO 8601 UTC."""
    fields = event_document(record.event)
    fields |= {
        "seq": record.seq,
        "signed_in_with": record.event.actor.signed_in_with,  # null where the entry has none
        "purpose": fields["purpose_code"],
        "prev_hash": record.prev_hash,
        "entry_hash": record.entry_hash,
    }
    return {name: fields[name] for name in ENTRY_FIELDS}


def entries_json(records: Iterable[AccessRecord]) -> str:
    """``{"entries": [...]}``, the API listing's shape, one entry per line for ``grep``."""
    lines = [json.dumps(entry_document(record), ensure_ascii=False) for record in records]
    return '{"entries": [\n' + ",\n".join(lines) + "\n]}\n"


def entries_csv(records: Iterable[AccessRecord]) -> str:
    """A header row of ``ENTRY_FIELDS``, then one row per entry; the query and the lists as
    JSON text, absent values as empty cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ENTRY_FIELDS)
    for record in records:
        document = entry_document(record)
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
