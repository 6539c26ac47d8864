"""Reading request bodies within limits, as JSON or as multipart with image parts."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.types import Message

from platekeeper.errors import InvalidInput, PlateKeeperError

JSON_MEDIA_TYPE = "application/json"
MULTIPART_MEDIA_TYPE = "multipart/form-data"
# A read's JSON takes well under 2 KiB; this leaves room for long candidate lists.
JSON_BYTES_PER_READ = 4096


class PayloadTooLarge(PlateKeeperError):
    code = "payload_too_large"
    status = 413
    title = "Request too large"


class UnsupportedMediaType(PlateKeeperError):
    code = "unsupported_media_type"
    status = 415
    title = "Unsupported media type"


@dataclass(frozen=True, slots=True)
class ReadBody:
    """The JSON document of a request and the files that came with it, by part name."""

    document: bytes
    parts: dict[str, bytes]


async def read_body(
    request: Request,
    *,
    document_part: str,
    max_json_bytes: int,
    max_image_bytes: int,
    max_files: int,
    max_request_bytes: int,
) -> ReadBody:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == JSON_MEDIA_TYPE:
        return ReadBody(await _limited(request, max_json_bytes), {})
    if media_type == MULTIPART_MEDIA_TYPE:
        capped = _capped(request, max_request_bytes)
        body = await _multipart(capped, document_part, max_json_bytes, max_image_bytes, max_files)
        if len(body.document) > max_json_bytes:
            raise _too_large(max_json_bytes, what=f"the '{document_part}' part")
        return body
    raise UnsupportedMediaType(
        f"content type {media_type or '(none)'!r} is not accepted",
        hint=f"Send {JSON_MEDIA_TYPE}, or {MULTIPART_MEDIA_TYPE} with a '{document_part}' part "
        "and the image parts it names.",
    )


async def _limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _capped(request: Request, limit: int) -> Request:
    """``request`` as one that fails with 413 once its body passes ``limit`` bytes.

    Starlette bounds the size of form fields but not of file parts; this bounds the whole.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise _too_large(limit)
        return message

    return Request(request.scope, receive)


async def _multipart(
    request: Request, document_part: str, max_json_bytes: int, max_image_bytes: int, max_files: int
) -> ReadBody:
    try:
        form = await request.form(
            # The document may come as a file part too, hence one more file than images.
            max_files=max_files + 1,
            max_fields=1,
            max_part_size=max(max_json_bytes, max_image_bytes),
        )
    except PayloadTooLarge:
        raise
    except Exception as exc:  # Starlette signals every malformed body with a plain exception.
        raise InvalidInput(f"the multipart body cannot be read: {exc}") from None
    document: bytes | None = None
    parts: dict[str, bytes] = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read()
            if name == document_part:
                document = data
            else:
                parts[name] = data
        elif name == document_part:
            document = value.encode("utf-8")
    await form.close()
    if document is None:
        raise InvalidInput(
            f"the multipart body has no '{document_part}' part",
            hint=f"Put the JSON document in a part named '{document_part}'.",
        )
    return ReadBody(document, parts)


def _too_large(limit: int, what: str = "the request body") -> PayloadTooLarge:
    return PayloadTooLarge(
        f"{what} is larger than {limit} bytes",
        hint="Send fewer reads, or smaller images, per request.",
    )


async def read_parts(
    request: Request, *, max_part_bytes: int, max_parts: int, max_request_bytes: int
) -> dict[str, bytes]:
    """Every part of a multipart body by name, files and fields alike, within the limits: for
    devices whose part names are fixed by their maker (``ingest/sources``)."""
    capped = _capped(request, max_request_bytes)
    try:
        form = await capped.form(
            max_files=max_parts, max_fields=max_parts, max_part_size=max_part_bytes
        )
    except PayloadTooLarge:
        raise
    except Exception as exc:  # Starlette signals every malformed body with a plain exception.
        raise InvalidInput(f"the multipart body cannot be read: {exc}") from None
    parts: dict[str, bytes] = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            parts[name] = await value.read()
            # Some devices name a picture by its file name, not its form name (Hikvision's
            # ``<fileName>``): reachable by both, the form name winning.
            if value.filename:
                parts.setdefault(value.filename, parts[name])
        else:
            parts[name] = value.encode()
    await form.close()
    return parts


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, or ``PayloadTooLarge`` once it passes ``limit`` bytes."""
    return await _limited(request, limit)
