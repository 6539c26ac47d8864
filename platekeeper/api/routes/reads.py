"""Ingest: cameras post reads, one at a time or in batches, with or without images."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from platekeeper.api.body import (
    JSON_BYTES_PER_READ,
    JSON_MEDIA_TYPE,
    MULTIPART_MEDIA_TYPE,
    read_body,
)
from platekeeper.api.convert import to_ingest_items
from platekeeper.api.schemas.reads import BatchReceipt, ReadBatchCreate, ReadCreate, ReadReceipt
from platekeeper.domain import Camera
from platekeeper.domain.permissions import Permission
from platekeeper.http.auth import CameraDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.http.problems import invalid_input_from
from platekeeper.ingest import IngestItem
from platekeeper.services import Services
from platekeeper.store import StoredOutcome, StoredRead

ModelT = TypeVar("ModelT", bound=BaseModel)

router = APIRouter(prefix="/api/v1/reads", tags=["ingest"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "No valid camera key.",
        403: "Not a camera, or the camera may not send reads (maintenance or retired).",
        409: "A read id was reused with different content; nothing was stored.",
        413: "The body is too large.",
        415: "Neither JSON nor multipart.",
        422: "Invalid reads; nothing was stored. `errors` names each field.",
        500: "A bug; resending is safe.",
        503: "The store is unavailable or its schema is not current; resend later.",
    }.items()
}


def _request_body(schema: type[BaseModel], document_part: str) -> dict[str, Any]:
    """Both media types in the OpenAPI document; the route parses the body itself."""
    reference = {"$ref": f"#/components/schemas/{schema.__name__}"}
    multipart = {
        "type": "object",
        "required": [document_part],
        "properties": {document_part: reference},
        "additionalProperties": {"type": "string", "format": "binary"},
        "description": f"'{document_part}' holds the JSON; each other part is an image that a "
        "read names in image_part or crop_part.",
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                JSON_MEDIA_TYPE: {"schema": reference},
                MULTIPART_MEDIA_TYPE: {"schema": multipart},
            },
        }
    }


@router.post(
    "",
    summary="Post one read",
    response_model=ReadReceipt,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "A retry of a stored read."}, **_ERRORS},
    openapi_extra=_request_body(ReadCreate, "read"),
    dependencies=requires(Permission.READS_INGEST),
)
async def post_read(
    request: Request, response: Response, services: ServicesDep, camera: CameraDep
) -> ReadReceipt:
    limits = services.ingest.limits
    body = await read_body(
        request,
        document_part="read",
        max_json_bytes=JSON_BYTES_PER_READ,
        max_image_bytes=limits.max_image_bytes,
        max_files=2,
        max_request_bytes=limits.max_request_bytes,
    )
    read = _parse(ReadCreate, body.document, prefix="read")
    items = to_ingest_items([read], body.parts, where=_single)
    [result] = await _ingest(services, camera, items, response, where=_single)
    return _receipt(result)


@router.post(
    "/batch",
    summary="Post a batch of reads",
    response_model=BatchReceipt,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Every read was a retry of a stored read."}, **_ERRORS},
    openapi_extra=_request_body(ReadBatchCreate, "reads"),
    dependencies=requires(Permission.READS_INGEST),
)
async def post_reads(
    request: Request, response: Response, services: ServicesDep, camera: CameraDep
) -> BatchReceipt:
    limits = services.ingest.limits
    body = await read_body(
        request,
        document_part="reads",
        max_json_bytes=JSON_BYTES_PER_READ * limits.max_batch_reads,
        max_image_bytes=limits.max_image_bytes,
        max_files=2 * limits.max_batch_reads,
        max_request_bytes=limits.max_request_bytes,
    )
    batch = _parse(ReadBatchCreate, body.document, prefix="")
    items = to_ingest_items(batch.reads, body.parts, where=_in_batch)
    results = await _ingest(services, camera, items, response, where=_in_batch)
    created = sum(result.outcome is StoredOutcome.CREATED for result in results)
    return BatchReceipt(
        created=created,
        duplicates=len(results) - created,
        results=[_receipt(result) for result in results],
    )


def _single(_: int) -> str:
    return "read"


def _in_batch(index: int) -> str:
    return f"reads.{index}"


def _parse(schema: type[ModelT], document: bytes, *, prefix: str) -> ModelT:
    try:
        return schema.model_validate_json(document)
    except ValidationError as error:
        raise invalid_input_from(error, prefix) from None


async def _ingest(
    services: Services,
    camera: Camera,
    items: Sequence[IngestItem],
    response: Response,
    *,
    where: Callable[[int], str],
) -> list[StoredRead]:
    # The store and image store block; keep them off the event loop.
    results = await run_in_threadpool(
        functools.partial(services.ingest.ingest, camera, items, where=where)
    )
    if all(result.outcome is StoredOutcome.DUPLICATE for result in results):
        response.status_code = status.HTTP_200_OK
    return results


def _receipt(result: StoredRead) -> ReadReceipt:
    return ReadReceipt(
        client_read_id=result.client_read_id, read_id=result.read_id, status=result.outcome
    )
