"""Bodies of the edge agent's routes: its health report and the signed hot-list copy."""

from __future__ import annotations

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
