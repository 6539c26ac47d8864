"""Bodies of the access-log routes: entries, misuse signals and the chain's verification."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from platekeeper.audit import SignalKind, VerificationReport
from platekeeper.domain.access import AccessOutcome, AccessRecord


class AccessEntry(BaseModel):
    seq: int
    at: datetime
    username: str
    agency_id: str
    signed_in_with: str | None = Field(
        description="How the person signed in for this access (password+totp, oidc, api-token, "
        "console+password, camera-key, ...); null for the system and for entries written "
        "before the log recorded it."
    )
    action: str
    outcome: AccessOutcome
    reason: str
    query: dict[str, str]
    read_ids: list[str] = Field(
        description="The reads returned, as the agency's pseudonyms: the same read, the same "
        "pseudonym; no capture time can be read from one."
    )
    image_refs: list[str] = Field(description="The images returned, as pseudonyms.")
    purpose: str | None
    case_number: str | None
    client_address: str | None
    prev_hash: str
    entry_hash: str

    @classmethod
    def of(cls, record: AccessRecord) -> AccessEntry:
        # ``record`` is as the access log shows it (``AccessLog.shown``): no plates, read ids
        # and image refs as pseudonyms; the hashes are those of the stored, complete entry.
        event = record.event
        return cls(
            seq=record.seq,
            at=event.at,
            username=event.actor.username,
            agency_id=event.actor.agency_id,
            signed_in_with=event.actor.signed_in_with,
            action=event.action,
            outcome=event.outcome,
            reason=event.reason,
            query=dict(event.query),
            read_ids=list(event.read_ids),
            image_refs=list(event.image_refs),
            purpose=event.purpose_code,
            case_number=event.case_number,
            client_address=event.client_address,
            prev_hash=record.prev_hash,
            entry_hash=record.entry_hash,
        )


class AccessEntries(BaseModel):
    entries: list[AccessEntry]


class Signal(BaseModel):
    kind: SignalKind
    username: str
    summary: str
    entries: list[AccessEntry] = Field(description="The entries behind the signal, oldest first.")


class Signals(BaseModel):
    signals: list[Signal]


class Verification(BaseModel):
    intact: bool
    summary: str
    entries_checked: int
    checkpoints_checked: int
    problem_kind: str | None
    problem_seq: int | None

    @classmethod
    def of(cls, report: VerificationReport) -> Verification:
        problem = report.first_problem
        return cls(
            intact=report.intact,
            summary=report.summary(),
            entries_checked=report.entries_checked,
            checkpoints_checked=report.checkpoints_checked,
            problem_kind=None if problem is None else problem.kind.value,
            problem_seq=None if problem is None else problem.seq,
        )
