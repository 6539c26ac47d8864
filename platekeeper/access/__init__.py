"""The audited path into ALPR data: purpose-bound look-ups and supervisors' approvals."""

from platekeeper.access.approvals import ApprovalDesk
from platekeeper.access.requests import Basis, Requester, SearchCriteria
from platekeeper.access.service import Found, ReadAccess

__all__ = [
    "ApprovalDesk",
    "Basis",
    "Found",
    "ReadAccess",
    "Requester",
    "SearchCriteria",
]
