"""Bodies of ingest: the reads a camera posts and the receipts it gets back."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from platekeeper.domain.plates import MAX_PLATE_TEXT_LENGTH
from platekeeper.domain.reads import MAX_CANDIDATES, MAX_CLIENT_READ_ID_LENGTH
from platekeeper.store import StoredOutcome

Confidence = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
PlateText = Annotated[str, Field(min_length=1, max_length=MAX_PLATE_TEXT_LENGTH)]
PartName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PointIn(Strict):
    x: float = Field(ge=0, allow_inf_nan=False, description="Pixels from the left edge.")
    y: float = Field(ge=0, allow_inf_nan=False, description="Pixels from the top edge.")


class CandidateIn(Strict):
    plate_text: PlateText
    confidence: Confidence


class ReadCreate(Strict):
    """One plate read as a camera reports it."""

    client_read_id: str = Field(
        min_length=1,
        max_length=MAX_CLIENT_READ_ID_LENGTH,
        description="The camera's own id for this read; a retry must reuse it unchanged.",
    )
    plate_text: PlateText = Field(description="The plate as read, e.g. '7ABC123'.")
    confidence: Confidence = Field(description="The reader's confidence in plate_text, 0..1.")
    captured_at: AwareDatetime = Field(description="When the frame was captured, with offset.")
    region: str | None = Field(
        default=None,
        pattern=r"^[a-z]{2}(-[a-z0-9]{1,3})?$",
        description="Country and state or province, e.g. 'us-ca' or 'de'.",
    )
    region_confidence: Confidence | None = None
    candidates: list[CandidateIn] = Field(default_factory=list, max_length=MAX_CANDIDATES)
    latitude: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    box: list[PointIn] | None = Field(
        default=None,
        min_length=4,
        max_length=4,
        description="The plate's four corners in the full image, clockwise from top left.",
    )
    image_part: PartName | None = Field(
        default=None, description="Multipart only: the name of the part holding the full image."
    )
    crop_part: PartName | None = Field(
        default=None, description="Multipart only: the name of the part holding the plate crop."
    )


class ReadBatchCreate(Strict):
    reads: list[ReadCreate] = Field(min_length=1)


class ReadReceipt(BaseModel):
    client_read_id: str
    read_id: str
    status: StoredOutcome


class BatchReceipt(BaseModel):
    created: int
    duplicates: int
    results: list[ReadReceipt]
