"""Bodies of the hit routes: a hit with the read, entry and list it joins, and verdicts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from platekeeper.api.schemas.lookups import ReadPublic
from platekeeper.domain.hit_labels import how_matched
from platekeeper.domain.hotlists import (
    AlertLevel,
    Hit,
    HitOutcome,
    HitStatus,
    HitTier,
    MatchKind,
    RejectionReason,
    StateAgreement,
)
from platekeeper.hotlists.hits import HitView


class MatchedEntryPublic(BaseModel):
    id: str
    plate_text: str
    state: str | None
    reason: str
    case_number: str | None
    entered_by: str
    entered_at: datetime
    expires_at: datetime | None


class ListPublic(BaseModel):
    id: str
    name: str
    priority: int
    alert_level: AlertLevel
    covert: bool


class HitPublic(BaseModel):
    id: str
    status: HitStatus
    actionable: bool = Field(description="True only once a person confirmed the hit.")
    match_kind: MatchKind
    tier: HitTier = Field(
        description="'alert': published, waiting for verification; 'lower': one character off "
        "on a list that does not alert on those, stored without an alert."
    )
    reading: int = Field(
        description="Which reading matched: 0 the reader's own, 1 its first alternative..."
    )
    how_matched: str = Field(description="How it matched, in words.")
    score: float
    state_agreement: StateAgreement
    stale: bool
    created_at: datetime
    verified_by: str | None
    verified_at: datetime | None
    rejection_reason: RejectionReason | None
    verification_note: str | None
    outcome: HitOutcome | None

    @classmethod
    def of(cls, hit: Hit) -> HitPublic:
        return cls(
            id=hit.id,
            status=hit.status,
            actionable=hit.actionable,
            match_kind=hit.match_kind,
            tier=hit.tier,
            reading=hit.reading,
            how_matched=how_matched(hit.match_kind, hit.reading),
            score=hit.score,
            state_agreement=hit.state_agreement,
            stale=hit.stale,
            created_at=hit.created_at,
            verified_by=hit.verified_by,
            verified_at=hit.verified_at,
            rejection_reason=hit.rejection_reason,
            verification_note=hit.verification_note,
            outcome=hit.outcome,
        )


class HitDetail(BaseModel):
    hit: HitPublic
    warnings: list[str] = Field(description="What to check before acting, most important first.")
    read: ReadPublic
    entry: MatchedEntryPublic
    list: ListPublic

    @classmethod
    def of(cls, view: HitView) -> HitDetail:
        entry, hotlist = view.entry, view.hotlist
        return cls(
            hit=HitPublic.of(view.hit),
            warnings=view.warnings,
            read=ReadPublic.of(view.read),
            entry=MatchedEntryPublic(
                id=entry.id,
                plate_text=entry.plate_text,
                state=entry.state,
                reason=entry.reason,
                case_number=entry.case_number,
                entered_by=entry.entered_by,
                entered_at=entry.entered_at,
                expires_at=entry.expires_at,
            ),
            list=ListPublic(
                id=hotlist.id,
                name=hotlist.name,
                priority=hotlist.priority,
                alert_level=hotlist.alert_level,
                covert=hotlist.covert,
            ),
        )


class HitList(BaseModel):
    hits: list[HitDetail]


class Confirmation(BaseModel):
    characters_match: bool = Field(description="The plate's characters match the image.")
    state_matches: bool = Field(description="The plate's state matches the image and the entry.")
    active_at_source: bool = Field(
        description="The entry is still active in its source system (checked just now)."
    )
    note: str | None = Field(default=None, max_length=2000)
    state_override: str | None = Field(
        default=None,
        max_length=500,
        description="Required when the read's state differs from the listed one (the hit's "
        "state_agreement is 'differs'): why the hit is confirmed all the same, e.g. that the "
        "image shows the listed state and the reader took it wrongly. Refused otherwise.",
    )


class Rejection(BaseModel):
    reason: RejectionReason
    note: str | None = Field(default=None, max_length=2000)


class OutcomeIn(BaseModel):
    outcome: HitOutcome = Field(
        description="A rejected hit may only be 'no-stop' or 'false-hit': a hit found wrong "
        "never led to a stop or an arrest."
    )


class RetroactiveHitPublic(BaseModel):
    hit: HitPublic
    read: ReadPublic


class RetroactiveResult(BaseModel):
    entry_id: str
    hits: list[RetroactiveHitPublic]
    truncated: bool
    searched_from: datetime | None = Field(
        default=None,
        description="The earliest capture time searched, where the agency's approval rule "
        "limited the match: name an approval_id covering older reads to reach further back.",
    )
