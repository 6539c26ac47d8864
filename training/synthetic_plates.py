"""Plates the project draws itself: US-style (2:1, state name, serial, slogan), EU, UK, Mercosur.

The detector's photos are mostly European plates; pasting drawn US plates over the labelled
plates of some samples teaches it the US look without a labelled US photo. The plate reader
learns from drawn plates too (``training.plate_lines``), so each drawing knows its serial and
where it lies. Fonts: the open plate-like fonts of ``shared/data/fonts`` (SIL OFL 1.1) and
Debian's DejaVu; on a machine with neither, Pillow's own font, so that the script still runs.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "fonts",
    Path("/usr/share/fonts/truetype/dejavu"),
)
STATES = (
    "CALIFORNIA", "TEXAS", "FLORIDA", "NEW YORK", "ILLINOIS", "OHIO", "GEORGIA", "ARIZONA",
    "VIRGINIA", "MARYLAND", "NEVADA", "OREGON", "COLORADO", "MICHIGAN", "MINNESOTA", "UTAH",
)  # fmt: skip
SLOGANS = (
    "SUNSHINE STATE", "LAND OF LINCOLN", "EMPIRE STATE", "GRAND CANYON STATE", "dmv.ca.gov",
    "THE LONE STAR STATE", "LIVE FREE OR DIE", "VIRGINIA IS FOR LOVERS", "GREAT LAKES",
)  # fmt: skip
US_SERIALS = ("DLLLDDD", "LLLDDDD", "LLL DDD", "DDD LLL", "LL DDDDD", "DLLL DD", "LLLDDD")
EU_SERIALS = ("LL DD LLL", "LLL DDDD", "L DDD LLL", "LL-DDD-LL", "DDDD LLL")
UK_SERIALS = ("LLDD LLL", "LDDD LLL", "LLL DDDL")
MERCOSUR_SERIALS = ("LLLDLDD", "LLDDDLL", "LLLDDD")
INK = ((20, 30, 90), (10, 10, 10), (120, 20, 30), (30, 60, 30))

Box = tuple[int, int, int, int]  # left, top, right, bottom


@dataclass(frozen=True, slots=True)
class DrawnPlate:
    """A drawn plate, its serial as a reader should read it, and the serial's box on it."""

    image: Image.Image
    text: str
    box: Box


@cache
def fonts() -> tuple[Path, ...]:
    found = sorted(
        p
        for d in FONT_DIRS
        if d.is_dir()
        for p in d.glob("*.[ot]tf")
        if not any(style in p.name for style in ("Serif", "Oblique", "Italic", "Mono", "Extra"))
    )
    return tuple(found)


def serial(pattern: str, rng: random.Random) -> str:
    letters = string.ascii_uppercase
    return "".join(
        rng.choice(letters) if c == "L" else str(rng.randrange(10)) if c == "D" else c
        for c in pattern
    )


def render(rng: random.Random, aspect: float) -> Image.Image:
    """A plate about ``aspect`` times as wide as it is high: US-style under 3:1, else EU."""
    return (_us(rng, aspect) if aspect < 3.0 else _eu(rng, aspect)).image


def draw_any(rng: random.Random) -> DrawnPlate:
    """A plate of a random layout, in its usual shape (US plates twice as often as the rest)."""
    layout: Callable[[random.Random, float], DrawnPlate]
    layout, low, high = rng.choice(_LAYOUTS)
    return layout(rng, rng.uniform(low, high))


def _font(rng: random.Random, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if not fonts():
        return ImageFont.load_default(max(6, size))
    return ImageFont.truetype(str(rng.choice(fonts())), max(6, size))


def _centred(
    draw: ImageDraw.ImageDraw,
    text: str,
    box: tuple[int, int, int, int],
    rng: random.Random,
    fill: tuple[int, int, int],
) -> Box:
    left, top, right, bottom = box
    font = _font(rng, bottom - top)
    x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=font)
    if x1 - x0 > right - left:  # too wide: set it smaller
        font = _font(rng, int((bottom - top) * (right - left) / (x1 - x0)))
        x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=font)
    x = left + (right - left - (x1 - x0)) // 2 - x0
    y = top + (bottom - top - (y1 - y0)) // 2 - y0
    draw.text((x, y), text, fill=fill, font=font)
    return round(x + x0), round(y + y0), round(x + x1), round(y + y1)


def _plain(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _us(rng: random.Random, aspect: float) -> DrawnPlate:
    height = 120
    width = int(height * max(1.6, aspect))
    top, bottom = _light(rng), _light(rng)
    ramp = np.linspace(0, 1, height)[:, None, None]
    pixels = (np.array(top) * (1 - ramp) + np.array(bottom) * ramp) * np.ones((1, width, 1))
    image = Image.fromarray(pixels.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(3)):  # a state's scenery, faint
        x, y = rng.randrange(width), rng.randrange(height // 2, height)
        r = rng.randrange(15, 60)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_light(rng, 120, 230))
    ink = rng.choice(INK)
    _centred(draw, rng.choice(STATES), (10, 6, width - 10, 28), rng, rng.choice(INK))
    text = serial(rng.choice(US_SERIALS), rng)
    box = _centred(draw, text, (12, 32, width - 12, 94), rng, ink)
    if rng.random() < 0.7:
        _centred(draw, rng.choice(SLOGANS), (20, 98, width - 20, 114), rng, rng.choice(INK))
    for x in (width // 4, 3 * width // 4):  # bolt holes
        draw.ellipse((x - 4, 10, x + 4, 18), fill=(70, 70, 70))
    if rng.random() < 0.6:  # a registration sticker
        x = rng.choice((6, width - 34))
        draw.rectangle((x, 8, x + 28, 30), fill=_bright(rng))
    if rng.random() < 0.7:
        draw.rounded_rectangle((1, 1, width - 2, height - 2), 8, outline=ink, width=3)
    return DrawnPlate(image, _plain(text), box)


def _eu(rng: random.Random, aspect: float) -> DrawnPlate:
    height = 60
    width = int(height * min(6.0, aspect))
    background = (245, 245, 240) if rng.random() < 0.8 else (250, 210, 40)
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    band = int(height * 0.7)
    draw.rectangle((0, 0, band, height), fill=(20, 50, 160))
    _centred(draw, rng.choice("DFINLBEPS"), (4, 34, band - 4, 54), rng, (240, 240, 240))
    text = serial(rng.choice(EU_SERIALS), rng)
    box = _centred(draw, text, (band + 6, 8, width - 6, 52), rng, (10, 10, 10))
    draw.rectangle((0, 0, width - 1, height - 1), outline=(20, 20, 20), width=2)
    return DrawnPlate(image, _plain(text), box)


def _uk(rng: random.Random, aspect: float) -> DrawnPlate:
    """White at the front, yellow at the back; sometimes a band, black characters."""
    height = 60
    width = int(height * min(6.0, aspect))
    background = (245, 245, 240) if rng.random() < 0.5 else (245, 200, 30)
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    left = 6
    if rng.random() < 0.3:
        left = int(height * 0.6)
        draw.rectangle((0, 0, left - 4, height), fill=(20, 50, 160))
    text = serial(rng.choice(UK_SERIALS), rng)
    box = _centred(draw, text, (left + 4, 7, width - 6, 53), rng, (10, 10, 10))
    return DrawnPlate(image, _plain(text), box)


def _mercosur(rng: random.Random, aspect: float) -> DrawnPlate:
    """White, a blue band across the top with the country's name, a thin black border."""
    height = 100
    width = int(height * min(4.0, aspect))
    image = Image.new("RGB", (width, height), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 22), fill=(20, 60, 170))
    country = rng.choice(("BRASIL", "ARGENTINA", "URUGUAY", "PARAGUAY"))
    _centred(draw, country, (width // 4, 3, 3 * width // 4, 19), rng, (245, 245, 245))
    text = serial(rng.choice(MERCOSUR_SERIALS), rng)
    box = _centred(draw, text, (10, 30, width - 10, 92), rng, (10, 10, 10))
    draw.rectangle((0, 0, width - 1, height - 1), outline=(20, 20, 20), width=3)
    return DrawnPlate(image, _plain(text), box)


_LAYOUTS: tuple[tuple[Callable[[random.Random, float], DrawnPlate], float, float], ...] = (
    (_us, 1.8, 2.2),
    (_us, 1.8, 2.2),
    (_eu, 4.3, 5.2),
    (_uk, 4.3, 5.2),
    (_mercosur, 3.0, 3.4),
)


def _light(rng: random.Random, low: int = 200, high: int = 255) -> tuple[int, int, int]:
    base = rng.randrange(low, high)
    return (
        min(255, base + rng.randrange(-25, 10)),
        min(255, base + rng.randrange(-20, 10)),
        min(255, base + rng.randrange(-15, 10)),
    )


def _bright(rng: random.Random) -> tuple[int, int, int]:
    return rng.choice(((230, 200, 20), (220, 40, 40), (40, 160, 60), (60, 90, 220)))


def paste(
    photo: NDArray[np.uint8], box: tuple[float, float, float, float], rng: random.Random
) -> None:
    """Draws a plate over the plate at ``box`` in ``photo`` (in place), lit like it."""
    x, y, w, h = (round(v) for v in box)
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(photo.shape[1], x + w), min(photo.shape[0], y + h)
    if x1 - x0 < 4 or y1 - y0 < 3:
        return
    plate = render(rng, w / max(h, 1)).resize((w, h), Image.Resampling.LANCZOS)
    if rng.random() < 0.5:
        plate = plate.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2) * h / 40))
    drawn = np.asarray(plate, dtype=np.float32)[y0 - y : y1 - y, x0 - x : x1 - x]
    region = photo[y0:y1, x0:x1].astype(np.float32)
    # Lit like the plate it covers: a white plate in shadow is grey.
    gain = np.clip(region.mean() / max(drawn.mean(), 1.0), 0.35, 1.1)
    photo[y0:y1, x0:x1] = np.clip(drawn * gain, 0, 255).astype(np.uint8)
