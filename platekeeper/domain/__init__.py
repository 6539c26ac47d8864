"""Pure values and rules of licence plate reading. Standard library only; no I/O."""

from platekeeper.domain.agencies import Agency
from platekeeper.domain.cameras import Camera, CameraKind, CameraStatus
from platekeeper.domain.geo import GeoPoint
from platekeeper.domain.plates import normalise_plate_key
from platekeeper.domain.reads import (
    ImageRef,
    PlateBox,
    PlateCandidate,
    PlateRead,
    Point,
    ReadSubmission,
)

__all__ = [
    "Agency",
    "Camera",
    "CameraKind",
    "CameraStatus",
    "GeoPoint",
    "ImageRef",
    "PlateBox",
    "PlateCandidate",
    "PlateRead",
    "Point",
    "ReadSubmission",
    "normalise_plate_key",
]
