"""Plate images the tests draw themselves: text on a plate, on a textured scene, deterministic."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from platekeeper.recognition.protocols import Image as Pixels

PLATE_W, PLATE_H = 300, 150


@dataclass(frozen=True, slots=True)
class Placed:
    """A plate drawn into a scene: its text and the box it occupies (left, top, right, bottom)."""

    text: str
    box: tuple[int, int, int, int]


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's own font, so that every machine draws the same pixels.
    return ImageFont.load_default(size=size)


def plate(text: str, *, banner: str | None = "STATE", width: int = PLATE_W) -> Image.Image:
    """A white plate with a dark border, ``text`` large in the middle and a small banner above."""
    height = width // 2
    image = Image.new("RGB", (width, height), (245, 245, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((3, 3, width - 4, height - 4), outline=(30, 30, 60), width=4)
    size = int(height * 0.5)
    text_font = font(size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=text_font)
    if right - left > width * 0.86:  # long serials are set narrower, as on real plates
        size = int(size * width * 0.86 / (right - left))
        text_font = font(size)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=text_font)
    x = (width - (right - left)) // 2 - left
    y = int(height * 0.55) - (bottom - top) // 2 - top
    draw.text((x, y), text, fill=(20, 20, 70), font=text_font)
    if banner:
        small = font(int(height * 0.14))
        bl, _, br, _ = draw.textbbox((0, 0), banner, font=small)
        draw.text(
            ((width - (br - bl)) // 2, int(height * 0.07)), banner, fill=(150, 30, 30), font=small
        )
    return image


def scene(width: int, height: int, seed: int) -> Image.Image:
    """A noisy, uneven background that is not text."""
    rng = np.random.default_rng(seed)
    base = rng.integers(60, 140, size=(height // 8 + 1, width // 8 + 1, 3), dtype=np.uint8)
    coarse = Image.fromarray(base).resize((width, height), Image.Resampling.BICUBIC)
    noise = rng.normal(0, 12, size=(height, width, 3))
    pixels = np.clip(np.asarray(coarse, dtype=np.float64) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)


def compose(
    texts: list[str],
    *,
    size: tuple[int, int] = (960, 540),
    seed: int = 0,
    angle: float = 0.0,
    blur: float = 0.0,
    plate_width: int = PLATE_W,
) -> tuple[Pixels, list[Placed]]:
    """A scene with one plate per text, side by side, each rotated by ``angle`` degrees."""
    canvas = scene(*size, seed=seed)
    placed: list[Placed] = []
    slot = size[0] // len(texts)
    for index, text in enumerate(texts):
        drawn = plate(text, width=plate_width).rotate(
            angle, expand=True, resample=Image.Resampling.BICUBIC, fillcolor=(0, 0, 0)
        )
        mask = plate(text, width=plate_width).convert("L").point(lambda _: 255)
        mask = mask.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
        x = index * slot + (slot - drawn.width) // 2
        y = (size[1] - drawn.height) // 2 + (index % 2) * size[1] // 8
        canvas.paste(drawn, (x, y), mask)
        placed.append(Placed(text, (x, y, x + drawn.width, y + drawn.height)))
    if blur:
        canvas = canvas.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(canvas, dtype=np.uint8), placed
