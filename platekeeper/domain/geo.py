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
