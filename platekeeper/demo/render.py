"""Plate crops and camera frames for the demo, drawn with Pillow alone.

Nothing is downloaded and no system font is read: the characters come from the font that ships
inside Pillow (``ImageFont.load_default``), squeezed into the tall, narrow shape of plate lettering.
Everything random comes from the ``random.Random`` passed in, so a frame can be drawn again.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from platekeeper.domain import Point

RGB = tuple[int, int, int]
Corners = tuple[Point, Point, Point, Point]

FRAME_SIZE = (1280, 720)
US_PLATE_SIZE = (240, 120)
"""12 by 6 inches, the North American plate."""
EU_PLATE_SIZE = (376, 80)
"""520 by 110 millimetres, the EU plate."""

_WHITE: RGB = (246, 246, 242)
_EU_BLUE: RGB = (0, 51, 153)
_EU_YELLOW: RGB = (255, 204, 0)
_CAR_COLOURS: tuple[RGB, ...] = (
    (236, 236, 236),
    (20, 22, 26),
    (150, 154, 160),
    (95, 98, 104),
    (140, 20, 24),
    (22, 48, 110),
    (200, 200, 204),
    (60, 80, 60),
    (170, 120, 40),
)


@dataclass(frozen=True, slots=True)
class PlateStyle:
    """How one region's plates look: colours, the state name printed on them, the EU band."""

    region: str
    size: tuple[int, int]
    background: RGB
    characters: RGB
    border: RGB
    header: str = ""
    header_colour: RGB = (20, 20, 20)
    header_slant: float = 0.0
    footer: str = ""
    footer_colour: RGB = (20, 20, 20)
    eu_country: str | None = None
    """The country code on the blue band at the left; ``None`` for plates without the band."""


CALIFORNIA = PlateStyle(
    region="us-ca",
    size=US_PLATE_SIZE,
    background=_WHITE,
    characters=(18, 30, 92),
    border=(120, 120, 124),
    header="California",
    header_colour=(196, 24, 32),
    header_slant=0.25,
    footer="dmv.ca.gov",
    footer_colour=(18, 30, 92),
)
TEXAS = PlateStyle(
    region="us-tx",
    size=US_PLATE_SIZE,
    background=(238, 236, 228),
    characters=(16, 16, 16),
    border=(40, 40, 40),
    header="TEXAS",
    header_colour=(16, 16, 16),
    footer="THE LONE STAR STATE",
    footer_colour=(16, 16, 16),
)
NEW_YORK = PlateStyle(
    region="us-ny",
    size=US_PLATE_SIZE,
    background=(244, 240, 226),
    characters=(16, 40, 110),
    border=(210, 150, 30),
    header="NEW YORK",
    header_colour=(16, 40, 110),
    footer="EXCELSIOR",
    footer_colour=(210, 150, 30),
)
OREGON = PlateStyle(
    region="us-or",
    size=US_PLATE_SIZE,
    background=(232, 240, 238),
    characters=(20, 60, 40),
    border=(70, 110, 90),
    header="OREGON",
    header_colour=(20, 60, 40),
)


def eu_style(country: str, *, background: RGB = _WHITE) -> PlateStyle:
    """The common EU plate of ``country`` (``"D"``, ``"F"``, ``"NL"``...)."""
    return PlateStyle(
        region=country.lower(),
        size=EU_PLATE_SIZE,
        background=background,
        characters=(12, 12, 12),
        border=(12, 12, 12),
        eu_country=country,
    )


GERMANY = eu_style("D")
FRANCE = eu_style("F")
NETHERLANDS = eu_style("NL", background=(250, 200, 20))

STYLES: dict[str, PlateStyle] = {
    style.region: style for style in (CALIFORNIA, TEXAS, NEW_YORK, OREGON)
} | {"de": GERMANY, "fr": FRANCE, "nl": NETHERLANDS}
"""Plate styles by region code, as ``ReadSubmission.region`` carries it."""


def style_for_region(region: str | None) -> PlateStyle:
    """The style of ``region``'s plates; a plain white plate where the region is unknown."""
    if region is None:
        return _GENERIC
    return STYLES.get(region, _GENERIC)


_GENERIC = PlateStyle(
    region="unknown", size=US_PLATE_SIZE, background=_WHITE, characters=(16, 16, 16), border=_WHITE
)


def render_plate(plate_text: str, style: PlateStyle) -> Image.Image:
    """The plate with ``plate_text`` on it, face on, at ``style.size``, as an RGB image."""
    width, height = style.size
    plate = Image.new("RGB", style.size, style.background)
    draw = ImageDraw.Draw(plate)
    radius = height // 12
    draw.rounded_rectangle(
        (0, 0, width - 1, height - 1), radius, outline=style.border, width=max(2, height // 40)
    )
    if style.eu_country:
        left = _draw_eu_band(plate, style.eu_country)
        box = (left + width // 25, height // 8, width - width // 30, height - height // 8)
    else:
        box = (width // 14, round(height * 0.26), width - width // 14, round(height * 0.82))
        _draw_labels(plate, style)
    _paste_text(plate, plate_text, box, style.characters, condense=0.78, bold=True)
    return plate


def _draw_labels(plate: Image.Image, style: PlateStyle) -> None:
    width, height = style.size
    if style.header:
        box = (width // 5, height // 30, width - width // 5, round(height * 0.22))
        _paste_text(plate, style.header, box, style.header_colour, slant=style.header_slant)
    if style.footer:
        box = (width // 4, round(height * 0.86), width - width // 4, height - height // 30)
        _paste_text(plate, style.footer, box, style.footer_colour)


def _draw_eu_band(plate: Image.Image, country: str) -> int:
    """Draw the blue band with its ring of stars and country code; return where it ends."""
    height = plate.height
    band = round(height * 0.5)
    draw = ImageDraw.Draw(plate)
    draw.rounded_rectangle((2, 2, band, height - 3), height // 14, fill=_EU_BLUE)
    centre_x, centre_y = band / 2 + 1, height * 0.3
    ring, star = height * 0.17, max(1.0, height * 0.025)
    for index in range(12):
        angle = index * math.pi / 6
        x, y = centre_x + ring * math.cos(angle), centre_y + ring * math.sin(angle)
        draw.ellipse((x - star, y - star, x + star, y + star), fill=_EU_YELLOW)
    box = (6, round(height * 0.58), band - 3, round(height * 0.9))
    _paste_text(plate, country, box, (255, 255, 255), bold=True)
    return band


def _paste_text(
    image: Image.Image,
    text: str,
    box: tuple[int, int, int, int],
    colour: RGB,
    *,
    condense: float = 1.0,
    slant: float = 0.0,
    bold: bool = False,
) -> None:
    """Fill ``box``'s height with ``text``, centred, at most its width; ``condense`` narrows it."""
    left, top, right, bottom = box
    box_width, box_height = right - left, bottom - top
    mask = _text_mask(text, box_height, bold)
    if slant:
        mask = _slanted(mask, slant)
    natural_width = mask.width * box_height / mask.height
    width = max(1, min(box_width, round(natural_width * condense)))
    mask = mask.resize((width, box_height), Image.Resampling.BILINEAR)
    ink = Image.new("RGB", mask.size, colour)
    image.paste(ink, (left + (box_width - width) // 2, top), mask)


@lru_cache(maxsize=512)
def _text_mask(text: str, height_px: int, bold: bool) -> Image.Image:
    """``text`` in Pillow's own font as a mask cropped to its ink. Plates repeat, hence the cache;
    callers must not draw on the mask they get.

    Bold text is the plate characters: each is drawn on its own with a gap after it, because
    plate lettering is spaced wider than a book face.
    """
    size = max(8, round(height_px * 1.4))
    font = _font(size)
    stroke = max(1, size // 22) if bold else 0
    gap = size * 0.1 if bold else 0.0
    width = sum(font.getlength(char) + gap for char in text) + 2 * stroke + 4
    mask = Image.new("L", (math.ceil(width), size * 2), 0)
    draw = ImageDraw.Draw(mask)
    x = 2.0 + stroke
    for char in text if bold else (text,):
        draw.text((x, size // 2), char, fill=255, font=font, stroke_width=stroke)
        x += font.getlength(char) + gap
    bbox = mask.getbbox()
    return mask.crop(bbox) if bbox else mask


@lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Without FreeType (never so in Pillow's wheels) this is a small bitmap font of fixed size;
    # the text is stretched to its box all the same, only blockier.
    return ImageFont.load_default(size=size)


def _slanted(mask: Image.Image, slant: float) -> Image.Image:
    """Lean the text to the right by ``slant`` (x shift per unit of height), like a script."""
    extra = math.ceil(mask.height * slant)
    size = (mask.width + extra, mask.height)
    return mask.transform(
        size, Image.Transform.AFFINE, (1, slant, -extra, 0, 1, 0), Image.Resampling.BILINEAR
    )


def encode_jpeg(image: Image.Image, quality: int) -> bytes:
    """``image`` as JPEG bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the car stands in the frame: its centre line, the ground, and pixels per metre."""

    centre_x: float
    ground_y: float
    px_per_m: float

    def at(self, x_m: float, y_m: float) -> tuple[float, float]:
        """The pixel ``x_m`` right of the car's centre line and ``y_m`` above the ground."""
        return self.centre_x + x_m * self.px_per_m, self.ground_y - y_m * self.px_per_m

    def box(self, x0_m: float, y0_m: float, x1_m: float, y1_m: float) -> tuple[float, ...]:
        """The pixel box between two corners given in metres, in either order."""
        (x0, y0), (x1, y1) = self.at(x0_m, y0_m), self.at(x1_m, y1_m)
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def render_scene(
    plate_image: Image.Image,
    rng: random.Random,
    *,
    night: bool = False,
    size: tuple[int, int] = FRAME_SIZE,
) -> tuple[Image.Image, Corners]:
    """A camera frame of a car's back carrying ``plate_image``, and the plate's corners in it.

    The corners run clockwise from the top left. By night the frame is an infrared picture, grey
    and dark but for the retroreflective plate, as ALPR cameras take them.
    """
    width, height = size
    # ALPR cameras are zoomed so that a car's back fills most of the frame.
    layout = _Layout(
        centre_x=width * rng.uniform(0.38, 0.62),
        ground_y=height * rng.uniform(0.9, 1.04),
        px_per_m=height * rng.uniform(0.58, 0.8),
    )
    light = 1.0 if night else rng.uniform(0.75, 1.1)
    plate_width_m = _plate_width_m(plate_image)
    frame = _road(size, rng, light)
    _draw_car(frame, layout, _shade(rng.choice(_CAR_COLOURS), light), plate_width_m)
    plate = _plate_as_seen(plate_image, layout.px_per_m * plate_width_m, rng, light)
    if night:
        frame = frame.convert("L").point(_levels(28, 0))
        plate = plate.convert("L").point(_levels(100, 30))
    corners = _paste_plate(frame, plate, layout.at(0.0, _PLATE_HEIGHT_M), rng)
    return frame, corners


_PLATE_HEIGHT_M = 0.62
"""Height of the plate's centre above the road."""


def _plate_width_m(plate_image: Image.Image) -> float:
    # A long, narrow plate is European (520 mm); the others are North American (12 in).
    return 0.52 if plate_image.width > 3 * plate_image.height else 0.305


def _shade(colour: RGB, light: float) -> RGB:
    red, green, blue = (min(255, round(channel * light)) for channel in colour)
    return red, green, blue


def _road(size: tuple[int, int], rng: random.Random, light: float) -> Image.Image:
    """Asphalt with a kerb at the top and lane markings converging into the distance."""
    width, height = size
    grey = round(rng.uniform(80, 112) * light)
    asphalt = _asphalt(size).point(_levels(100, grey - 128))
    frame = Image.merge("RGB", (asphalt, asphalt, asphalt))
    draw = ImageDraw.Draw(frame)
    kerb = round(height * rng.uniform(0.06, 0.16))
    draw.rectangle((0, 0, width, kerb), fill=_shade((168, 164, 156), light))
    vanish_x = width * rng.uniform(0.3, 0.7)
    marking = _shade(rng.choice(((230, 230, 225), (225, 190, 40))), light)
    for bottom_x in (width * -0.2, width * 1.2):
        for step in range(0, 10, 2):
            near, far = 1 - step / 10, 1 - (step + 1) / 10
            draw.line(
                (
                    (_lerp(vanish_x, bottom_x, near), kerb + (height - kerb) * near),
                    (_lerp(vanish_x, bottom_x, far), kerb + (height - kerb) * far),
                ),
                fill=marking,
                width=max(2, round(12 * near)),
            )
    return frame


def _lerp(start: float, end: float, fraction: float) -> float:
    return start + (end - start) * fraction


@lru_cache(maxsize=4)
def _asphalt(size: tuple[int, int]) -> Image.Image:
    """Grey grain around 128, drawn once: the frame's texture and its sensor noise in one."""
    width, height = size
    grain = random.Random(0)  # noqa: S311 - texture, not a secret
    small = (width // 2, height // 2)
    noise = Image.frombytes("L", small, grain.randbytes(small[0] * small[1]))
    return noise.point(lambda value: 123 + value * 10 // 256).resize(
        size, Image.Resampling.BILINEAR
    )


def _draw_car(image: Image.Image, layout: _Layout, colour: RGB, plate_width_m: float) -> None:
    """The back of a saloon: shadow, tyres, bumper, boot, lights, cabin and rear window."""
    draw = ImageDraw.Draw(image)
    radius = round(0.08 * layout.px_per_m)
    draw.ellipse(layout.box(-1.05, -0.06, 1.05, 0.1), fill=(26, 26, 28))
    for side in (-1.0, 1.0):
        draw.rectangle(layout.box(side * 0.62, 0.0, side * 0.9, 0.45), fill=(18, 18, 20))
    darker, glass = _shade(colour, 0.8), (38, 44, 52)
    cabin = (layout.at(-0.84, 1.0), layout.at(0.84, 1.0), layout.at(0.64, 1.44))
    draw.polygon((*cabin, layout.at(-0.64, 1.44)), fill=darker)
    window = (layout.at(-0.74, 1.04), layout.at(0.74, 1.04), layout.at(0.56, 1.38))
    draw.polygon((*window, layout.at(-0.56, 1.38)), fill=glass)
    draw.rounded_rectangle(layout.box(-0.92, 0.24, 0.92, 1.02), radius, fill=colour)
    draw.rounded_rectangle(layout.box(-0.94, 0.24, 0.94, 0.46), radius, fill=darker)
    for side in (-1.0, 1.0):
        draw.rounded_rectangle(
            layout.box(side * 0.58, 0.78, side * 0.88, 0.94), radius // 2, fill=(150, 18, 24)
        )
    half_recess = plate_width_m / 2 + 0.04
    draw.rectangle(layout.box(-half_recess, 0.5, half_recess, 0.75), fill=_shade(colour, 0.65))
    draw.ellipse(layout.box(-0.05, 0.86, 0.05, 0.94), fill=(190, 190, 196))


@lru_cache(maxsize=256)
def _levels(gain_percent: int, offset: int, bands: int = 1) -> tuple[int, ...]:
    """A lookup table for ``value * gain_percent / 100 + offset``, clipped to 0..255.

    Handing ``Image.point`` a table rather than a function spares a Python call per value on
    every frame; the few distinct tables are built once.
    """
    table = tuple(min(255, max(0, value * gain_percent // 100 + offset)) for value in range(256))
    return table * bands


def _plate_as_seen(
    plate_image: Image.Image, width_px: float, rng: random.Random, light: float
) -> Image.Image:
    """The plate at the size the camera sees it, a little soft and grainy, in the day's light."""
    width = max(8, round(width_px))
    height = max(4, round(width * plate_image.height / plate_image.width))
    plate = plate_image.convert("RGB").resize((width, height), Image.Resampling.BILINEAR)
    plate = plate.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 0.9)))
    noise = Image.frombytes("L", plate.size, rng.randbytes(width * height)).point(_levels(5, 0))
    # The noise runs 0..12; the offset centres it on zero.
    plate = ImageChops.add(plate, Image.merge("RGB", (noise, noise, noise)), offset=-6)
    return plate.point(_levels(round(light * 100), 0, bands=3))


def _paste_plate(
    frame: Image.Image, plate: Image.Image, centre: tuple[float, float], rng: random.Random
) -> Corners:
    """Paste ``plate`` centred on ``centre``, turned and skewed a little as seen from the kerb."""
    angle = math.radians(rng.uniform(-3.0, 3.0))
    squeeze, skew = rng.uniform(0.88, 1.0), rng.uniform(-0.06, 0.06)
    cos, sin = math.cos(angle), math.sin(angle)
    # Forward map from plate to frame: rotation after a horizontal squeeze and a vertical skew.
    a, b = cos * squeeze - sin * skew, -sin
    c, d = sin * squeeze + cos * skew, cos
    half_w, half_h = plate.width / 2, plate.height / 2
    corners = tuple(
        Point(centre[0] + a * u + b * v, centre[1] + c * u + d * v)
        for u, v in ((-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h))
    )
    left = math.floor(min(point.x for point in corners))
    top = math.floor(min(point.y for point in corners))
    right = math.ceil(max(point.x for point in corners))
    bottom = math.ceil(max(point.y for point in corners))
    # Image.transform wants the inverse map, from each frame pixel back to the plate.
    det = a * d - b * c
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    dx, dy = left - centre[0], top - centre[1]
    inverse = (ia, ib, ia * dx + ib * dy + half_w, ic, id_, ic * dx + id_ * dy + half_h)
    mask = Image.new("L", plate.size, 255)
    region = (right - left, bottom - top)
    warped = plate.transform(region, Image.Transform.AFFINE, inverse, Image.Resampling.BILINEAR)
    warped_mask = mask.transform(region, Image.Transform.AFFINE, inverse, Image.Resampling.BILINEAR)
    frame.paste(warped, (left, top), warped_mask)
    return corners[0], corners[1], corners[2], corners[3]


def crop_plate(frame: Image.Image, corners: Corners, *, margin: float = 0.15) -> Image.Image:
    """The part of ``frame`` around the plate, as a camera cuts its plate crop."""
    xs, ys = [point.x for point in corners], [point.y for point in corners]
    pad_x, pad_y = (max(xs) - min(xs)) * margin, (max(ys) - min(ys)) * margin
    left, top = max(0, math.floor(min(xs) - pad_x)), max(0, math.floor(min(ys) - pad_y))
    right = min(frame.width, math.ceil(max(xs) + pad_x))
    bottom = min(frame.height, math.ceil(max(ys) + pad_y))
    return frame.crop((left, top, right, bottom))
