"""Quadrilateral helpers: crops along a box, boxes grown to the plate, overlaps."""

from __future__ import annotations

import math

import cv2
import numpy as np

from platekeeper.recognition.protocols import Image, Quad


def side_lengths(quad: Quad) -> tuple[float, float]:
    """Width (top and bottom edges averaged) and height (left and right edges averaged)."""
    tl, tr, br, bl = quad
    width = (math.dist(tl, tr) + math.dist(bl, br)) / 2
    height = (math.dist(tl, bl) + math.dist(tr, br)) / 2
    return width, height


def scale_quad(quad: Quad, sx: float, sy: float) -> Quad:
    """``quad`` grown about its centre by ``sx`` along its top edge and ``sy`` across it."""
    center = np.mean(np.array(quad, dtype=np.float64), axis=0)
    tl, tr, br, bl = (np.array(p, dtype=np.float64) for p in quad)
    across = ((tr - tl) + (br - bl)) / 2
    down = ((bl - tl) + (br - tr)) / 2
    half_x = across * sx / 2
    half_y = down * sy / 2
    corners = (
        center - half_x - half_y,
        center + half_x - half_y,
        center + half_x + half_y,
        center - half_x + half_y,
    )
    return _as_quad([(float(c[0]), float(c[1])) for c in corners])


def _as_quad(points: list[tuple[float, float]]) -> Quad:
    return (points[0], points[1], points[2], points[3])


def bounds(quad: Quad) -> tuple[float, float, float, float]:
    """The axis-aligned box around ``quad``: left, top, right, bottom."""
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    return min(xs), min(ys), max(xs), max(ys)


def box_quad(left: float, top: float, right: float, bottom: float) -> Quad:
    return ((left, top), (right, top), (right, bottom), (left, bottom))


def iou(a: Quad, b: Quad) -> float:
    """Overlap of the axis-aligned boxes around ``a`` and ``b`` (intersection over union)."""
    al, at, ar, ab = bounds(a)
    bl, bt, br, bb = bounds(b)
    inter = max(0.0, min(ar, br) - max(al, bl)) * max(0.0, min(ab, bb) - max(at, bt))
    union = (ar - al) * (ab - at) + (br - bl) * (bb - bt) - inter
    return inter / union if union > 0 else 0.0


def warp(image: Image, quad: Quad, target_height: int | None = None) -> Image:
    """The content of ``quad`` straightened into a rectangle."""
    width, height = side_lengths(quad)
    scale = 1.0 if target_height is None else target_height / max(height, 1.0)
    out_w = max(4, round(width * scale))
    out_h = max(4, round(height * scale))
    source = np.array(quad, dtype=np.float32)
    target = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, target)
    warped = cv2.warpPerspective(
        image, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(warped, dtype=np.uint8)
