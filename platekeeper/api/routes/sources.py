"""Ingest from vendor sources: cameras that post their maker's own format (docs/integrations.md).

``POST /api/v1/ingest/{source}`` with the camera's bearer key; for a device that cannot set that
header, and only where a custodian allowed it for the camera, ``.../{source}/k/{camera_key}`` or
HTTP Basic (camera id and key). The body is JSON, XML or multipart, as the source documents.
"""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter, Request, Response, status
from starlette.concurrency import run_in_threadpool

from platekeeper.api.body import (
    MULTIPART_MEDIA_TYPE,
    UnsupportedMediaType,
    read_limited,
    read_parts,
)
from platekeeper.api.schemas.reads import ReadReceipt
from platekeeper.api.schemas.sources import SourceReceipt
from platekeeper.domain.permissions import Permission
from platekeeper.http.auth import CameraDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.ingest import IngestLimits
from platekeeper.ingest.sources import Outcome, Payload, source_named
from platekeeper.ingest.sources.base import XML

router = APIRouter(prefix="/api/v1/ingest", tags=["ingest"])

_XML_MEDIA_TYPES = frozenset({"application/xml", "text/xml"})
_MAX_PARTS = 8  # a document and its pictures; Hikvision sends three
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "No valid camera key, or a way of sending it the camera is not allowed.",
        403: "Not a camera, or the camera may not send reads (maintenance or retired).",
        404: "No source of that name.",
        413: "The body is too large.",
        415: "A media type the source does not send.",
        422: "The payload cannot be mapped; nothing was stored. `errors` names each field.",
        503: "The store is unavailable; resend later.",
    }.items()
}


def source_body_bytes(limits: IngestLimits) -> int:
    """The largest body a source may send: two base64 images at the image limit (a full frame
    and a crop, 4/3 larger as base64) and 1 MiB of document around them."""
    return 2 * limits.max_image_bytes * 4 // 3 + 1024 * 1024


async def _receive(
    source: str, request: Request, response: Response, services: ServicesDep, camera: CameraDep
) -> SourceReceipt:
    payload = await _payload(request, services.ingest.limits, source)
    receipt = await run_in_threadpool(
        functools.partial(services.sources.receive, camera, source, payload)
    )
    if receipt.outcome is not Outcome.CREATED:
        response.status_code = status.HTTP_200_OK
    return SourceReceipt(
        status=receipt.outcome,
        results=[
            ReadReceipt(client_read_id=r.client_read_id, read_id=r.read_id, status=r.outcome)
            for r in receipt.results
        ],
    )


async def _payload(request: Request, limits: IngestLimits, source_name: str) -> Payload:
    source = source_named(source_name)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    kind = XML if media_type in _XML_MEDIA_TYPES else media_type
    if kind not in source.media_types:
        raise UnsupportedMediaType(
            f"source {source.name!r} does not send {media_type or '(no content type)'!r}",
            hint=f"It sends {', '.join(sorted(source.media_types))}; see docs/integrations.md.",
        )
    largest = source_body_bytes(limits)
    if kind == MULTIPART_MEDIA_TYPE:
        parts = await read_parts(
            request,
            max_part_bytes=max(limits.max_image_bytes, largest // 2),
            max_parts=_MAX_PARTS,
            max_request_bytes=largest,
        )
        return Payload(kind, parts=parts)
    return Payload(kind, body=await read_limited(request, largest))


_ROUTE: dict[str, Any] = {
    "response_model": SourceReceipt,
    "status_code": status.HTTP_201_CREATED,
    "responses": {200: {"description": "A duplicate, folded events or a heartbeat."}, **_ERRORS},
    "dependencies": requires(Permission.READS_INGEST),
}


@router.post("/{source}", summary="Post a vendor source's event", **_ROUTE)
async def post_source(
    source: str, request: Request, response: Response, services: ServicesDep, camera: CameraDep
) -> SourceReceipt:
    return await _receive(source, request, response, services, camera)


@router.post(
    "/{source}/k/{camera_key}",
    summary="Post a vendor source's event, the camera's key in the URL (opt-in, weaker)",
    **_ROUTE,
)
async def post_source_url_key(
    source: str,
    camera_key: str,
    request: Request,
    response: Response,
    services: ServicesDep,
    camera: CameraDep,
) -> SourceReceipt:
    del camera_key  # authenticate (http/auth.py) read it from the path
    return await _receive(source, request, response, services, camera)
