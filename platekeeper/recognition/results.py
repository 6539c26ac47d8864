"""What the engine reports for an image: frozen values, no behaviour beyond small conversions."""

from __future__ import annotations

from dataclasses import dataclass

from platekeeper.domain.reads import PlateBox, Point


@dataclass(frozen=True, slots=True)
class Candidate:
    """One reading of a plate: its text (upper-case letters and digits) and confidence 0..1."""

    text: str
    confidence: float
    matches_template: bool


@dataclass(frozen=True, slots=True)
class PlateResult:
    """One plate found in an image, best reading first in ``candidates``."""

    text: str
    confidence: float
    char_confidences: tuple[float, ...]
    candidates: tuple[Candidate, ...]
    box: PlateBox
    region: str | None
    region_confidence: float
    matches_template: bool


@dataclass(frozen=True, slots=True)
class ImageResult:
    """Every plate found in one image, the most confident first."""

    width: int
    height: int
    processing_time_ms: float
    plates: tuple[PlateResult, ...]

    @property
    def best(self) -> PlateResult | None:
        return self.plates[0] if self.plates else None


def box_from_corners(corners: list[tuple[float, float]], width: int, height: int) -> PlateBox:
    """A ``PlateBox`` from four corners clockwise from top left, clipped into the image."""
    points = [
        Point(min(max(x, 0.0), float(width - 1)), min(max(y, 0.0), float(height - 1)))
        for x, y in corners
    ]
    return PlateBox((points[0], points[1], points[2], points[3]))
