"""From API bodies to domain values, naming each bad field by the path the client sent."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from platekeeper.api.schemas.reads import ReadCreate
from platekeeper.domain import GeoPoint, PlateBox, PlateCandidate, Point, ReadSubmission
from platekeeper.errors import FieldError, InvalidInput
from platekeeper.ingest import IngestItem


def to_ingest_items(
    reads: Sequence[ReadCreate], parts: Mapping[str, bytes], *, where: Callable[[int], str]
) -> list[IngestItem]:
    """Domain items for ``reads``; ``parts`` are the uploaded files by multipart part name.

    ``where`` names the read at an index as the client sent it (``read``, ``reads.3``).
    """
    items: list[IngestItem] = []
    problems: list[FieldError] = []
    used: set[str] = set()
    for index, read in enumerate(reads):
        try:
            items.append(_item(read, parts, used))
        except InvalidInput as error:
            problems.extend(error.within(where(index)).fields)
    problems.extend(
        FieldError(name, "no read names this part") for name in sorted(set(parts) - used)
    )
    if problems:
        raise InvalidInput(
            f"{len(problems)} problem(s) in the request; nothing was stored",
            hint="Correct the listed fields and send the request again.",
            fields=problems,
        )
    return items


def _item(read: ReadCreate, parts: Mapping[str, bytes], used: set[str]) -> IngestItem:
    submission = ReadSubmission(
        client_read_id=read.client_read_id,
        plate_text=read.plate_text,
        confidence=read.confidence,
        captured_at=read.captured_at,
        region=read.region,
        region_confidence=read.region_confidence,
        candidates=_candidates(read),
        location=_location(read),
        box=_box(read),
    )
    return IngestItem(
        submission=submission,
        image=_part(read.image_part, parts, used, "image_part"),
        crop=_part(read.crop_part, parts, used, "crop_part"),
    )


def _candidates(read: ReadCreate) -> tuple[PlateCandidate, ...]:
    candidates = []
    for index, candidate in enumerate(read.candidates):
        try:
            candidates.append(PlateCandidate(candidate.plate_text, candidate.confidence))
        except InvalidInput as error:
            raise error.within(f"candidates.{index}.plate_text") from None
    return tuple(candidates)


def _location(read: ReadCreate) -> GeoPoint | None:
    if read.latitude is None and read.longitude is None:
        return None
    if read.latitude is None or read.longitude is None:
        raise InvalidInput(
            "latitude and longitude come together",
            fields=[FieldError("latitude", "give both latitude and longitude, or neither")],
        )
    return GeoPoint(read.latitude, read.longitude)


def _box(read: ReadCreate) -> PlateBox | None:
    if read.box is None:
        return None
    a, b, c, d = (Point(p.x, p.y) for p in read.box)
    return PlateBox((a, b, c, d))


def _part(name: str | None, parts: Mapping[str, bytes], used: set[str], field: str) -> bytes | None:
    if name is None:
        return None
    if name not in parts:
        raise InvalidInput(
            f"part {name!r} is missing",
            fields=[FieldError(field, f"names part {name!r}, which the request does not hold")],
        )
    if name in used:
        raise InvalidInput(
            f"part {name!r} is named twice",
            fields=[FieldError(field, f"part {name!r} is already used by another read")],
        )
    used.add(name)
    return parts[name]
