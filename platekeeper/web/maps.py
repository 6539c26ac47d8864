"""Maps drawn by the server as inline SVG: nothing from the internet unless the agency says so.

Positions are projected with Web Mercator, the projection of map tiles, so that a tile layer
(the agency's MBTiles file served by PlateKeeper, ``web.map_tiles_file``, or a tile server,
``web.map_tile_url``) lines up under the markers; at city scale it keeps distances and bearings
true to the eye. Without tiles, a grid of latitude and longitude lines stands in for the streets
so that the map never pretends to be one it is not. The places are fitted into a fixed viewBox
with a margin, and a scale bar says how far a length on screen is. Pure functions:
``pages/reads/_map.html`` draws what they compute, and ``static/app/maps.js`` inverts the same
projection (``Frame``) to turn an area drawn with the mouse into degrees.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from platekeeper.domain import Camera, CameraKind, GeoPoint, PlateRead
from platekeeper.domain.geo import GeoArea, GeoBox, GeoCircle
from platekeeper.domain.zones import UTC_ZONE, local_time

EARTH_CIRCUMFERENCE_M = 40_075_016.686
"""At the equator, on the WGS 84 sphere Web Mercator uses."""
MAX_MERCATOR_LATITUDE = 85.05112878
TILE_SIZE_PX = 256
MAX_ZOOM = 19
MAX_TILES = 48
MIN_SPAN_M = 400.0
"""One place, or places close together, are shown with at least this much around them."""
MARGIN_PX = 56.0
"""Room around the places for their labels, the north arrow and the scale bar."""
LABEL_FLIP_AT = 0.65
"""A label right of this share of the width is drawn left of its marker, to stay in view."""
LABEL_CHAR_PX = 7.2
LABEL_HEIGHT_PX = 14.0
"""About the size of a label's characters (12 px bold, as app.css draws them): a label that
would cover another label or a marker is left off; its marker keeps its hover text, and the
table under the map lists every place."""
MARKER_HALF_PX = 8.0
GRID_LINES = 4
"""About this many grid lines each way when no tiles are drawn."""
_NICE_STEPS = (1.0, 2.0, 5.0)


class PlaceKind(StrEnum):
    CAMERA = "camera"
    READ = "read"
    """Reads of a fixed camera, where it stands (or a read that carried its own position)."""
    PATROL = "patrol"
    """Reads of a mobile camera (a patrol car, a trailer), each where it was taken."""

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    PlaceKind.CAMERA: "camera",
    PlaceKind.READ: "reads",
    PlaceKind.PATROL: "patrol car's reads",
}


@dataclass(frozen=True, slots=True)
class TileLayer:
    """Where the map's tiles come from: a URL template with ``{z}``, ``{x}`` and ``{y}``, the
    zoom levels it has, and whom its data must be credited to."""

    url: str
    min_zoom: int = 0
    max_zoom: int = MAX_ZOOM
    attribution: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    """Something to mark: a camera or where reads were taken. ``detail`` is the hover text."""

    label: str
    position: GeoPoint
    kind: PlaceKind
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Marker:
    place: Place
    x: float
    y: float
    label_anchor: str
    """``start`` (label right of the marker) or ``end`` (left of it)."""
    labelled: bool = True


@dataclass(frozen=True, slots=True)
class Tile:
    href: str
    x: float
    y: float
    size: float


@dataclass(frozen=True, slots=True)
class ScaleBar:
    length_px: float
    label: str


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Circle:
    cx: float
    cy: float
    r: float


@dataclass(frozen=True, slots=True)
class GridLine:
    """A line of equal latitude or longitude from ``(x1, y1)`` to ``(x2, y2)``, labelled."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True, slots=True)
class MapView:
    """What to draw in a ``0 0 width height`` viewBox. ``tiled`` says whether a tile layer was
    given; without one, ``grid`` is drawn instead."""

    width: int
    height: int
    markers: tuple[Marker, ...] = ()
    tiles: tuple[Tile, ...] = ()
    scale: ScaleBar | None = None
    area: Rect | None = None
    circle: Circle | None = None
    grid: tuple[GridLine, ...] = ()
    frame: Frame | None = None
    tiled: bool = False
    attribution: str = ""

    @property
    def empty(self) -> bool:
        return not self.markers and self.area is None and self.circle is None

    @property
    def kinds(self) -> tuple[PlaceKind, ...]:
        """The kinds of place on the map, in their order, for its legend."""
        present = {marker.place.kind for marker in self.markers}
        return tuple(kind for kind in PlaceKind if kind in present)


def mercator(point: GeoPoint) -> tuple[float, float]:
    """``point`` on the Web Mercator square: x east and y south, each 0..1."""
    latitude = max(-MAX_MERCATOR_LATITUDE, min(MAX_MERCATOR_LATITUDE, point.latitude))
    phi = math.radians(latitude)
    x = (point.longitude + 180.0) / 360.0
    y = (1.0 - math.log(math.tan(phi) + 1.0 / math.cos(phi)) / math.pi) / 2.0
    return x, y


def latitude_at(y: float) -> float:
    """The latitude of Web Mercator's ``y`` (the inverse of ``mercator`` for y)."""
    return math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y))))


def tile_of(point: GeoPoint, zoom: int) -> tuple[int, int]:
    """The ``x, y`` of the tile holding ``point`` at ``zoom``, as tile servers number them."""
    count = 2**zoom
    x, y = mercator(point)
    return min(count - 1, int(x * count)), min(count - 1, int(y * count))


def draw_map(
    places: Sequence[Place],
    *,
    area: GeoArea | None = None,
    tiles: TileLayer | None = None,
    width: int = 640,
    height: int = 400,
    min_span_m: float = MIN_SPAN_M,
) -> MapView:
    """``places`` (and ``area``, if given) fitted into a ``width`` by ``height`` view, showing
    at least ``min_span_m`` metres each way."""
    points = [mercator(place.position) for place in places]
    corners = [] if area is None else _corners(area)
    tiled = tiles is not None
    attribution = "" if tiles is None else tiles.attribution
    if not points and not corners:
        return MapView(width, height, tiled=tiled, attribution=attribution)
    frame = Frame.around([*points, *corners], width, height, min_span_m)
    markers = _labelled(
        [
            _marker(place, *frame.to_px(x, y), width)
            for place, (x, y) in zip(places, points, strict=True)
        ]
    )
    return MapView(
        width,
        height,
        markers,
        tiles=() if tiles is None else frame.tiles(tiles),
        scale=frame.scale_bar(),
        area=frame.rect(*corners) if isinstance(area, GeoBox) else None,
        circle=frame.circle(area) if isinstance(area, GeoCircle) else None,
        grid=() if tiled else frame.grid(),
        frame=frame,
        tiled=tiled,
        attribution=attribution,
    )


def places_of_reads(
    reads: Iterable[PlateRead], cameras: Mapping[str, Camera], zone: str = UTC_ZONE
) -> list[Place]:
    """One place per position where ``reads`` were taken (the read's own, or else its fixed
    camera's), labelled with the camera's name, the number of reads and the newest time on the
    agency's clock in ``zone``."""
    grouped: dict[GeoPoint, list[PlateRead]] = {}
    for read in reads:
        camera = cameras.get(read.camera_id)
        position = read.location or (None if camera is None else camera.location)
        if position is not None:
            grouped.setdefault(position, []).append(read)
    places = []
    for position, there in grouped.items():
        camera = cameras.get(there[0].camera_id)
        name = there[0].camera_id if camera is None else camera.name
        newest = max(read.captured_at for read in there)
        count = f"{len(there)} read{'s' if len(there) > 1 else ''}"
        detail = f"{name}: {count}, newest {local_time(newest, zone, _SHOWN)}"
        moving = camera is not None and camera.kind is CameraKind.MOBILE
        kind = PlaceKind.PATROL if moving else PlaceKind.READ
        places.append(Place(f"{name} ({len(there)})", position, kind, detail))
    return places


def places_of_cameras(cameras: Iterable[Camera]) -> list[Place]:
    return [
        Place(camera.name, camera.location, PlaceKind.CAMERA, f"{camera.name} ({camera.id})")
        for camera in cameras
        if camera.location is not None
    ]


def moving_cameras(cameras: Iterable[Camera]) -> list[Camera]:
    """The cameras with no place of their own (patrol cars): their reads say where they were."""
    return [camera for camera in cameras if camera.location is None]


@dataclass(frozen=True, slots=True)
class Frame:
    """The part of the Mercator square in view: its centre, and pixels per unit of the square.
    The page's script inverts it to read positions off the map."""

    centre_x: float
    centre_y: float
    px_per_unit: float
    width: int
    height: int

    @classmethod
    def around(
        cls, points: list[tuple[float, float]], width: int, height: int, min_span_m: float
    ) -> Frame:
        xs, ys = [x for x, _ in points], [y for _, y in points]
        centre_x, centre_y = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        min_span = min_span_m / _metres_per_unit(centre_y)
        span_x = max(max(xs) - min(xs), min_span)
        span_y = max(max(ys) - min(ys), min_span)
        px_per_unit = min((width - 2 * MARGIN_PX) / span_x, (height - 2 * MARGIN_PX) / span_y)
        return cls(centre_x, centre_y, px_per_unit, width, height)

    def to_px(self, x: float, y: float) -> tuple[float, float]:
        return (
            round(self.width / 2 + (x - self.centre_x) * self.px_per_unit, 1),
            round(self.height / 2 + (y - self.centre_y) * self.px_per_unit, 1),
        )

    def rect(self, north_west: tuple[float, float], south_east: tuple[float, float]) -> Rect:
        left, top = self.to_px(*north_west)
        right, bottom = self.to_px(*south_east)
        return Rect(left, top, round(right - left, 1), round(bottom - top, 1))

    def circle(self, area: GeoCircle) -> Circle:
        """The circle on screen: Mercator is conformal, so a small circle stays round."""
        x, y = self.to_px(*mercator(GeoPoint(area.latitude, area.longitude)))
        radius_px = area.radius_m / _metres_per_unit(self.centre_y) * self.px_per_unit
        return Circle(x, y, round(radius_px, 1))

    def grid(self) -> tuple[GridLine, ...]:
        """Lines of latitude and longitude at a round step across the view, labelled."""
        left, top = self.to_unit(0, 0)
        right, bottom = self.to_unit(self.width, self.height)
        west, east = left * 360 - 180, right * 360 - 180
        south, north = latitude_at(bottom), latitude_at(top)
        step = _round_step(max(east - west, north - south) / GRID_LINES)
        lines = []
        for longitude in _multiples(west, east, step):
            x, _ = self.to_px((longitude + 180) / 360, 0)
            lines.append(GridLine(x, 0, x, self.height, _degrees(longitude, "E", "W", step)))
        for latitude in _multiples(south, north, step):
            _, y = self.to_px(0, mercator(GeoPoint(latitude, 0.0))[1])
            lines.append(GridLine(0, y, self.width, y, _degrees(latitude, "N", "S", step)))
        return tuple(lines)

    def to_unit(self, x_px: float, y_px: float) -> tuple[float, float]:
        """The inverse of ``to_px``: a point of the view on the Mercator square."""
        return (
            self.centre_x + (x_px - self.width / 2) / self.px_per_unit,
            self.centre_y + (y_px - self.height / 2) / self.px_per_unit,
        )

    def scale_bar(self) -> ScaleBar:
        metres_per_px = _metres_per_unit(self.centre_y) / self.px_per_unit
        longest_m = self.width / 4 * metres_per_px
        power = 10.0 ** math.floor(math.log10(longest_m))
        metres = max(step * power for step in _NICE_STEPS if step * power <= longest_m)
        label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
        return ScaleBar(round(metres / metres_per_px, 1), label)

    def tiles(self, layer: TileLayer) -> tuple[Tile, ...]:
        """The tiles under the view, at the zoom nearest its scale that ``layer`` has: past its
        deepest zoom, its deepest tiles are drawn larger."""
        wanted = round(math.log2(self.px_per_unit / TILE_SIZE_PX))
        zoom = min(layer.max_zoom, max(layer.min_zoom, wanted))
        while True:
            columns, rows = self._tile_range(zoom)
            if len(columns) * len(rows) <= MAX_TILES or zoom <= layer.min_zoom:
                break
            zoom -= 1
        tile_url = layer.url
        count = 2**zoom
        size = round(self.px_per_unit / count, 1)
        tiles = []
        for tile_y in rows:
            for tile_x in columns:
                x, y = self.to_px(tile_x / count, tile_y / count)
                href = (
                    tile_url.replace("{z}", str(zoom))
                    .replace("{x}", str(tile_x))
                    .replace("{y}", str(tile_y))
                )
                tiles.append(Tile(href, x, y, size))
        return tuple(tiles)

    def _tile_range(self, zoom: int) -> tuple[range, range]:
        count = 2**zoom
        half_w = self.width / 2 / self.px_per_unit
        half_h = self.height / 2 / self.px_per_unit

        def span(centre: float, half: float) -> range:
            first = max(0, math.floor((centre - half) * count))
            last = min(count - 1, math.floor((centre + half) * count))
            return range(first, last + 1)

        return span(self.centre_x, half_w), span(self.centre_y, half_h)


def _metres_per_unit(y: float) -> float:
    """Ground metres per unit of the Mercator square at the latitude of ``y``."""
    return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(latitude_at(y)))


def _corners(area: GeoArea) -> list[tuple[float, float]]:
    box = area if isinstance(area, GeoBox) else area.bounds()
    north_west = mercator(GeoPoint(box.north, box.west))
    south_east = mercator(GeoPoint(box.south, box.east))
    return [north_west, south_east]


def _round_step(degrees: float) -> float:
    """The largest of 1, 2 or 5 times a power of ten not above ``degrees``."""
    power = 10.0 ** math.floor(math.log10(degrees))
    return max(step * power for step in _NICE_STEPS if step * power <= degrees)


def _multiples(low: float, high: float, step: float) -> list[float]:
    first = math.ceil(low / step)
    return [round(n * step, 9) for n in range(first, math.floor(high / step) + 1)]


def _degrees(value: float, positive: str, negative: str, step: float) -> str:
    decimals = max(0, -math.floor(math.log10(step)))
    return f"{abs(value):.{decimals}f}° {positive if value >= 0 else negative}"


def _marker(place: Place, x: float, y: float, width: int) -> Marker:
    return Marker(place, x, y, "end" if x > width * LABEL_FLIP_AT else "start")


_Box = tuple[float, float, float, float]
_CELL_PX = 64.0


def _labelled(markers: list[Marker]) -> tuple[Marker, ...]:
    """``markers``, each label on the side it prefers, else the other, else left off: no label
    covers another label or another marker. Earlier markers (the cameras) are labelled first."""
    occupied = _Occupied()
    for index, marker in enumerate(markers):
        occupied.add(_marker_box(marker), index)
    placed = []
    for index, marker in enumerate(markers):
        sides = (marker.label_anchor, "end" if marker.label_anchor == "start" else "start")
        free = [side for side in sides if not occupied.hit(_label_box(marker, side), index)]
        if free:
            occupied.add(_label_box(marker, free[0]), index)
            placed.append(replace(marker, label_anchor=free[0]))
        else:
            placed.append(replace(marker, labelled=False))
    return tuple(placed)


class _Occupied:
    """The boxes drawn so far, by the cells of a coarse grid they touch, so that a map of
    hundreds of reads is labelled in a few milliseconds."""

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[tuple[_Box, int]]] = {}

    def add(self, box: _Box, owner: int) -> None:
        for cell in _cells_of(box):
            self._cells.setdefault(cell, []).append((box, owner))

    def hit(self, box: _Box, owner: int) -> bool:
        """Whether ``box`` overlaps a box of another owner than ``owner``."""
        left, top, right, bottom = box
        return any(
            other_owner != owner
            and left < o_right
            and o_left < right
            and top < o_bottom
            and o_top < bottom
            for cell in _cells_of(box)
            for (o_left, o_top, o_right, o_bottom), other_owner in self._cells.get(cell, ())
        )


def _cells_of(box: _Box) -> list[tuple[int, int]]:
    left, top, right, bottom = (math.floor(edge / _CELL_PX) for edge in box)
    return [(x, y) for x in range(left, right + 1) for y in range(top, bottom + 1)]


def _label_box(marker: Marker, anchor: str) -> _Box:
    width = len(marker.place.label) * LABEL_CHAR_PX
    left = marker.x + 10 if anchor == "start" else marker.x - 10 - width
    return (left, marker.y - LABEL_HEIGHT_PX / 2, left + width, marker.y + LABEL_HEIGHT_PX / 2)


def _marker_box(marker: Marker) -> _Box:
    half = MARKER_HALF_PX
    return (marker.x - half, marker.y - half, marker.x + half, marker.y + half)


_SHOWN = "%Y-%m-%d %H:%M %Z"
"""A time in a marker's hover text: to the minute, with the zone's abbreviation."""
