"""Positions on the earth."""

from __future__ import annotations

import math
from dataclasses import dataclass

from platekeeper.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A WGS 84 position in decimal degrees."""

    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.latitude) and -90.0 <= self.latitude <= 90.0):
            raise InvalidInput(f"latitude {self.latitude} is outside -90..90")
        if not (math.isfinite(self.longitude) and -180.0 <= self.longitude <= 180.0):
            raise InvalidInput(f"longitude {self.longitude} is outside -180..180")


@dataclass(frozen=True, slots=True)
class GeoBox:
    """An area to search in: the box between two corners. Boxes across the antimeridian are
    not supported; no agency's jurisdiction needs one."""

    south: float
    west: float
    north: float
    east: float

    def __post_init__(self) -> None:
        GeoPoint(self.south, self.west)
        GeoPoint(self.north, self.east)
        if self.south > self.north or self.west > self.east:
            raise InvalidInput(
                "the area's south-west corner is not south-west of its north-east corner",
                hint="Give the area as south,west,north,east in decimal degrees.",
            )

    @classmethod
    def parse(cls, text: str) -> GeoBox:
        """``"south,west,north,east"``, as a query parameter carries it."""
        parts = text.split(",")
        try:
            south, west, north, east = (float(part) for part in parts)
        except ValueError:
            raise InvalidInput(
                f"area {text!r} is not four numbers",
                hint="Give the area as south,west,north,east, e.g. '34.0,-118.3,34.1,-118.2'.",
            ) from None
        return cls(south, west, north, east)

    def __str__(self) -> str:
        return f"{self.south},{self.west},{self.north},{self.east}"
