"""Positions on the earth, and the areas a search covers: a box or a circle."""

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

    def __str__(self) -> str:
        return f"{self.south},{self.west},{self.north},{self.east}"

    def contains(self, point: GeoPoint) -> bool:
        return (
            self.south <= point.latitude <= self.north and self.west <= point.longitude <= self.east
        )


EARTH_MEAN_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi * EARTH_MEAN_RADIUS_M / 180.0
"""Along a meridian; along a parallel, times the cosine of its latitude."""
MAX_RADIUS_M = 50_000.0
"""A circle is measured on a plane tangent at its centre (``GeoCircle.contains``): within 50 km
the error stays under 0.5 %, and no one area of a city's search needs more."""


@dataclass(frozen=True, slots=True)
class GeoCircle:
    """An area to search in: the points within ``radius_m`` metres of a centre.

    Distances are measured on a plane tangent at the centre (equirectangular): a sum of squares
    that SQLite and PostgreSQL compute alike without trigonometry, true to the metre at a city's
    scale (``MAX_RADIUS_M``)."""

    latitude: float
    longitude: float
    radius_m: float

    def __post_init__(self) -> None:
        GeoPoint(self.latitude, self.longitude)
        if not (math.isfinite(self.radius_m) and 1.0 <= self.radius_m <= MAX_RADIUS_M):
            raise InvalidInput(
                f"the circle's radius {self.radius_m:g} m is outside 1..{MAX_RADIUS_M:.0f} m",
                hint="Give the radius in metres, at most 50 km; for more, search a box.",
            )

    @property
    def metres_per_degree_east(self) -> float:
        """Metres per degree of longitude at the centre's latitude."""
        return METRES_PER_DEGREE * math.cos(math.radians(self.latitude))

    def contains(self, point: GeoPoint) -> bool:
        north_m = (point.latitude - self.latitude) * METRES_PER_DEGREE
        east_m = (point.longitude - self.longitude) * self.metres_per_degree_east
        return north_m * north_m + east_m * east_m <= self.radius_m * self.radius_m

    def bounds(self) -> GeoBox:
        """The smallest box around the circle, kept within the earth's degrees."""
        dlat = self.radius_m / METRES_PER_DEGREE
        dlon = min(180.0, self.radius_m / max(self.metres_per_degree_east, 1e-9))
        return GeoBox(
            max(-90.0, self.latitude - dlat),
            max(-180.0, self.longitude - dlon),
            min(90.0, self.latitude + dlat),
            min(180.0, self.longitude + dlon),
        )

    def __str__(self) -> str:
        return f"{self.latitude},{self.longitude},{self.radius_m:g}"


GeoArea = GeoBox | GeoCircle
"""What a search may cover."""


def parse_area(text: str) -> GeoArea:
    """An area as a query parameter carries it: four numbers ``south,west,north,east`` are a
    box, three ``latitude,longitude,radius_m`` a circle."""
    parts = text.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) == 4:
        return GeoBox(*numbers)
    if len(numbers) == 3:
        return GeoCircle(*numbers)
    raise InvalidInput(
        f"area {text!r} is neither four numbers (a box) nor three (a circle)",
        hint="Give a box as south,west,north,east, e.g. '34.0,-118.3,34.1,-118.2', or a circle "
        "as latitude,longitude,radius in metres, e.g. '34.05,-118.25,1500'.",
    )
