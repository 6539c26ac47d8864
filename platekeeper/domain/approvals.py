"""A supervisor's approval for a search that reaches further back than the agency allows alone.

An analyst asks for a time range under a purpose and a case; a supervisor other than the analyst
approves or denies it; an approved request then covers searches by that analyst, under that case,
within that range, until it expires.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from platekeeper.domain.time import require_utc
from platekeeper.errors import InvalidInput, PermissionDenied


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


@dataclass(frozen=True, slots=True)
class SearchApproval:
    id: str
    requested_by: str
    agency_id: str
    purpose_code: str
    case_number: str
    justification: str
    captured_from: datetime
    captured_before: datetime
    requested_at: datetime
    status: ApprovalStatus = ApprovalStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    expires_at: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("captured_from", "captured_before", "requested_at"):
            object.__setattr__(self, name, require_utc(getattr(self, name), name))
        if self.captured_from >= self.captured_before:
            raise InvalidInput(
                "the approval's time range is empty",
                hint="captured_from must lie before captured_before.",
            )
        if len(self.justification.strip()) < 10:
            raise InvalidInput(
                "the justification is too short",
                hint="Say in a sentence why the search must reach that far back.",
            )

    def decided(self, by: str, approve: bool, at: datetime, valid_for: timedelta) -> SearchApproval:
        """This request approved or denied by supervisor ``by``; nobody approves their own."""
        if self.status is not ApprovalStatus.PENDING:
            raise InvalidInput(
                f"approval {self.id} was already {self.status.value}",
                hint="Ask for a new approval.",
            )
        if by == self.requested_by:
            raise PermissionDenied(
                "nobody may approve their own search", hint="Ask another supervisor."
            )
        status = ApprovalStatus.APPROVED if approve else ApprovalStatus.DENIED
        expires_at = at + valid_for if approve else None
        return replace(self, status=status, decided_by=by, decided_at=at, expires_at=expires_at)

    def covers(
        self,
        username: str,
        case_number: str,
        captured_from: datetime | None,
        captured_before: datetime | None,
        now: datetime,
    ) -> str | None:
        """Why this approval does not cover the search, or None when it does."""
        end = captured_before or now
        refusals = (
            (self.status is not ApprovalStatus.APPROVED, f"is {self.status.value}"),
            (self.expires_at is not None and now >= self.expires_at, "has expired"),
            (username != self.requested_by, "was given to another user"),
            (case_number != self.case_number, f"is for case {self.case_number}"),
            (
                captured_from is None or captured_from < self.captured_from,
                f"starts at {self.captured_from.isoformat()}",
            ),
            (end > self.captured_before, f"ends at {self.captured_before.isoformat()}"),
        )
        for refused, why in refusals:
            if refused:
                return f"approval {self.id} {why}"
        return None


def needs_approval(captured_from: datetime | None, now: datetime, beyond_days: int | None) -> bool:
    """Whether a search starting at ``captured_from`` (None: no start, all time) needs approval."""
    if beyond_days is None:
        return False
    return captured_from is None or captured_from < now - timedelta(days=beyond_days)


def require_approval(
    approval: SearchApproval | None,
    *,
    username: str,
    case_number: str,
    captured_from: datetime | None,
    captured_before: datetime | None,
    now: datetime,
    beyond_days: int | None,
) -> None:
    """Refuse a look-up of ``[captured_from, captured_before)`` that reaches back further than
    ``beyond_days`` unless ``approval`` covers it: the one rule for searches, vehicle histories
    and retroactive matches alike. ``approval`` is None when none was named, or when the one
    named is another agency's (which is no approval here)."""
    if not needs_approval(captured_from, now, beyond_days):
        return
    if approval is None:
        raise PermissionDenied(
            f"look-ups reaching back more than {beyond_days} days need a supervisor's approval",
            hint="Request one (POST /api/v1/approvals) and search with its approval_id.",
        )
    why_not = approval.covers(username, case_number, captured_from, captured_before, now)
    if why_not is not None:
        raise PermissionDenied(why_not, hint="Search within the approval, or request another.")
