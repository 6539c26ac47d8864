"""The area of a search as the form gives it: a box by its four edges or a circle by its centre
and radius, typed or filled in by drawing on the map (``static/app/maps.js``).

The fields come back as typed, so that a mistake is corrected rather than typed again; each
problem names the field it is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from platekeeper.domain.geo import GeoArea, GeoBox, GeoCircle
from platekeeper.errors import FieldError, InvalidInput
from platekeeper.web.pages.reads import field

EDGES = ("south", "west", "north", "east")
CIRCLE = ("latitude", "longitude", "radius_m")
_NOT_A_NUMBER = {
    **dict.fromkeys(EDGES, "is not a number of degrees"),
    "latitude": "is not a number of degrees",
    "longitude": "is not a number of degrees",
    "radius_m": "is not a number of metres",
}


@dataclass(frozen=True, slots=True)
class AreaFields:
    """The seven fields as typed: the box's edges, the circle's centre and radius."""

    typed: dict[str, str]

    @classmethod
    def of(cls, query: Mapping[str, str]) -> AreaFields:
        return cls({name: field(query, name) for name in (*EDGES, *CIRCLE)})

    def given(self) -> bool:
        return any(text.strip() for text in self.typed.values())

    def described(self) -> str:
        """The fields filled in, as "south 38.5, west -121.5, ...", for an export's heading."""
        return ", ".join(
            f"{name} {text.strip()}" for name, text in self.typed.items() if text.strip()
        )

    def area(self, problems: list[FieldError]) -> GeoArea | None:
        """The area, None if no field is filled in; what cannot be read goes to ``problems``."""
        box = any(self.typed[name].strip() for name in EDGES)
        circle = any(self.typed[name].strip() for name in CIRCLE)
        if box and circle:
            problems.append(
                FieldError("area", "is either a box (its edges) or a circle, not both: clear one")
            )
            return None
        if box:
            return self._made(EDGES, GeoBox, problems)
        if circle:
            return self._made(CIRCLE, GeoCircle, problems)
        return None

    def _made(
        self,
        names: tuple[str, ...],
        shape: type[GeoBox] | type[GeoCircle],
        problems: list[FieldError],
    ) -> GeoArea | None:
        numbers: dict[str, float] = {}
        for name in names:
            text = self.typed[name].strip()
            try:
                numbers[name] = float(text)
            except ValueError:
                problems.append(FieldError(name, _NOT_A_NUMBER[name] if text else "is missing"))
        if len(numbers) < len(names):
            return None
        try:
            return shape(**numbers)
        except InvalidInput as wrong:
            problems.append(FieldError("area", wrong.message))
            return None
