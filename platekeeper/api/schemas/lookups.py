"""Bodies of the audited look-ups: what a person sees of a read, and the basis stated."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from platekeeper.domain import PlateRead


class PointOut(BaseModel):
    x: float
    y: float


class CandidateOut(BaseModel):
    plate_text: str
    confidence: float


class ReadPublic(BaseModel):
    """One read as shown to a person who stated a purpose for seeing it."""

    id: str
    camera_id: str
    plate_text: str
    plate_key: str
    confidence: float
    region: str | None
    region_confidence: float | None
    candidates: list[CandidateOut]
    captured_at: datetime
    received_at: datetime
    latitude: float | None
    longitude: float | None
    box: list[PointOut] | None
    has_crop: bool
    has_image: bool

    @classmethod
    def of(cls, read: PlateRead) -> ReadPublic:
        return cls(
            id=read.id,
            camera_id=read.camera_id,
            plate_text=read.plate_text,
            plate_key=read.plate_key,
            confidence=read.confidence,
            region=read.region,
            region_confidence=read.region_confidence,
            candidates=[
                CandidateOut(plate_text=c.plate_text, confidence=c.confidence)
                for c in read.candidates
            ],
            captured_at=read.captured_at,
            received_at=read.received_at,
            latitude=None if read.location is None else read.location.latitude,
            longitude=None if read.location is None else read.location.longitude,
            box=None if read.box is None else [PointOut(x=p.x, y=p.y) for p in read.box.corners],
            has_crop=read.crop_ref is not None,
            has_image=read.image_ref is not None,
        )


class StatedBasis(BaseModel):
    purpose: str
    case_number: str


class ReadList(BaseModel):
    """The reads one look-up returned, and the basis it was logged under."""

    reads: list[ReadPublic]
    count: int
    truncated: bool = Field(description="True when more reads matched than one look-up returns.")
    next_after: str | None = Field(
        default=None,
        description="Where the next page starts: give it as the parameter `after` to get it "
        "(logged as an access of its own). None on the last page.",
    )
    basis: StatedBasis
