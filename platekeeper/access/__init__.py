"""The audited path into ALPR data: purpose-bound look-ups and supervisors' approvals."""

from platekeeper.access.approvals import ApprovalDesk
from platekeeper.access.requests import (
    Basis,
    ExportFormat,
    Page,
    SearchCriteria,
    parse_after,
)
from platekeeper.access.service import Found, ReadAccess
from platekeeper.domain.gate import Person, Requester

__all__ = [
    "ApprovalDesk",
    "Basis",
    "ExportFormat",
    "Found",
    "Page",
    "Person",
    "ReadAccess",
    "Requester",
    "SearchCriteria",
    "parse_after",
]
