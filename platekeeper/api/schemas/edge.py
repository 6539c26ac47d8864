"""Bodies of the edge agent's routes: its health report and the signed hot-list copy."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class EdgeHealthUpdate(BaseModel):
    """What an edge agent says of itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agent_time: AwareDatetime = Field(description="The agent's clock when it sent the report.")
    queue_depth: int = Field(ge=0, le=100_000_000, description="Reads queued, not yet forwarded.")
    oldest_queued_at: AwareDatetime | None = Field(
        default=None, description="Capture time of the oldest read still queued."
    )
    last_forwarded_at: AwareDatetime | None = Field(
        default=None, description="When the server last acknowledged a read."
    )
    copy_issued_at: AwareDatetime | None = Field(
        default=None, description="When the hot-list copy the agent holds was issued."
    )
    copy_expires_at: AwareDatetime | None = None
    warning: str | None = Field(
        default=None, max_length=500, description="What the agent warns of, e.g. an expired copy."
    )


class EdgeHealthPublic(BaseModel):
    received_at: AwareDatetime
    clock_skew_s: float = Field(description="The agent's clock minus the server's, in seconds.")


class HotlistCopyPublic(BaseModel):
    """The copy's JSON as a string, signed exactly as it is: keep it byte for byte."""

    payload: str = Field(
        description="The copy, JSON: camera, agency, issued_at, expires_at, entries."
    )
    signature: str = Field(description="Ed25519 over the domain prefix and the payload, hex.")
    key_id: str = Field(description="The server's signing key, as 'platekeeper audit public-key'.")
    public_key_pem: str = Field(description="The key itself; an agent pins it on first use.")
    entries: int


class EdgeEventIn(BaseModel):
    """One access on the agent's page, as its gate decided and recorded it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=64, description="The agent's id for the event.")
    at: AwareDatetime = Field(description="When it happened, by the agent's clock.")
    username: str = Field(min_length=1, max_length=100)
    agency_id: str = Field(min_length=1, max_length=63)
    action: str = Field(min_length=1, max_length=40, description="alerts:view or alerts:verify.")
    outcome: Literal["allowed", "denied"]
    reason: str = Field(max_length=1000)
    query: dict[str, Annotated[str, Field(max_length=200)]] = Field(
        default_factory=dict, max_length=20
    )
    purpose_code: str | None = Field(default=None, max_length=100)
    case_number: str | None = Field(default=None, max_length=100)


class EdgeEventsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    events: list[EdgeEventIn] = Field(min_length=1, max_length=1000)


class EdgeEventsReceipt(BaseModel):
    entered: int = Field(description="Events entered now; the rest were entered before.")
