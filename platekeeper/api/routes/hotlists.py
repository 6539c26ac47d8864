"""Hot lists and their entries: view, create, add, import, renew, remove."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from starlette.concurrency import run_in_threadpool

from platekeeper.api.schemas.hotlists import (
    ChancePublic,
    EntryCreate,
    EntryList,
    EntryPublic,
    HotlistCreate,
    HotlistList,
    HotlistPublic,
    ImportReportPublic,
    OneOffIn,
    RenewIn,
)
from platekeeper.domain.gate import Person
from platekeeper.domain.permissions import Permission
from platekeeper.errors import InvalidInput
from platekeeper.hotlists.entries import EntryDraft
from platekeeper.hotlists.importing import FileFormat, ImportSpec, parse_mapping
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep

router = APIRouter(prefix="/api/v1/hotlists", tags=["hotlists"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "The role lacks the permission.",
        404: "No such list or entry in your agency.",
        409: "A list with that id exists.",
        422: "Invalid input, e.g. personal data in a note; `errors` names each field.",
    }.items()
}


def _editor(caller: Caller) -> Person:
    return caller.person


@router.get(
    "",
    summary="The agency's hot lists",
    response_model=HotlistList,
    responses=_ERRORS,
    dependencies=requires(Permission.HOTLISTS_VIEW),
)
def list_hotlists(services: ServicesDep, caller: CallerDep) -> HotlistList:
    found = services.hotlists.lists(_editor(caller))
    return HotlistList(hotlists=[HotlistPublic.of(hotlist) for hotlist in found])


@router.post(
    "",
    summary="Create a hot list",
    status_code=status.HTTP_201_CREATED,
    response_model=HotlistPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.HOTLISTS_MANAGE),
)
def create_hotlist(body: HotlistCreate, services: ServicesDep, caller: CallerDep) -> HotlistPublic:
    created = services.hotlists.create_list(
        _editor(caller),
        list_id=body.id,
        name=body.name,
        source=body.source,
        priority=body.priority,
        alert_level=body.alert_level,
        covert=body.covert,
        category=body.category,
        one_off=body.one_off,
    )
    return HotlistPublic.of(created)


@router.get(
    "/{list_id}/chance",
    summary="The chance of a random read matching the list by chance, per read and tier",
    response_model=ChancePublic,
    responses=_ERRORS,
    dependencies=requires(Permission.HOTLISTS_VIEW),
)
def list_chance(list_id: str, services: ServicesDep, caller: CallerDep) -> ChancePublic:
    return ChancePublic.of(*services.hotlists.chance(_editor(caller), list_id))


@router.put(
    "/{list_id}/one-off",
    summary="Whether the list's one-character-off matches alert: alert, record or auto",
    response_model=HotlistPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.HOTLISTS_MANAGE),
)
def set_one_off(
    list_id: str, body: OneOffIn, services: ServicesDep, caller: CallerDep
) -> HotlistPublic:
    return HotlistPublic.of(services.hotlists.set_one_off(_editor(caller), list_id, body.one_off))


@router.get(
    "/{list_id}/entries",
    summary="A list's entries, by plate",
    response_model=EntryList,
    responses=_ERRORS,
    dependencies=requires(Permission.HOTLISTS_VIEW),
)
def list_entries(
    list_id: str,
    services: ServicesDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> EntryList:
    found = services.hotlists.entries(_editor(caller), list_id, limit, offset)
    return EntryList(entries=[EntryPublic.of(entry) for entry in found])


@router.post(
    "/{list_id}/entries",
    summary="Add an entry; manual and agency entries need a case number and expire in 30 days",
    status_code=status.HTTP_201_CREATED,
    response_model=EntryPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.HOTLISTS_MANAGE),
)
def add_entry(
    list_id: str, body: EntryCreate, services: ServicesDep, caller: CallerDep
) -> EntryPublic:
    draft = EntryDraft(**body.model_dump(exclude={"plate"}), plate=body.plate)
    entry = services.hotlists.add_entry(_editor(caller), list_id, draft)
    return EntryPublic.of(entry)


@router.delete(
    "/entries/{entry_id}",
    summary="Remove an entry",
    response_model=EntryPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.HOTLISTS_MANAGE),
)
def remove_entry(entry_id: str, services: ServicesDep, caller: CallerDep) -> EntryPublic:
    entry = services.hotlists.remove_entry(_editor(caller), entry_id)
    return EntryPublic.of(entry)


@router.post(
    "/entries/{entry_id}/renew",
    summary="Renew a manual entry (supervisors)",
    response_model=EntryPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.HOTLISTS_RENEW),
)
def renew_entry(
    entry_id: str, body: RenewIn, services: ServicesDep, caller: CallerDep
) -> EntryPublic:
    entry = services.hotlists.renew(_editor(caller), entry_id, body.until)
    return EntryPublic.of(entry)


@router.post(
    "/{list_id}/import",
    summary="Import a file of entries; bad rows are reported by line number",
    response_model=ImportReportPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.HOTLISTS_MANAGE),
    openapi_extra={
        "requestBody": {
            "content": {"text/csv": {}, "text/plain": {}, "application/octet-stream": {}},
            "description": "The file itself, as the request body.",
        }
    },
)
async def import_entries(
    list_id: str,
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    mapping: Annotated[
        str,
        Query(
            description="field=column pairs, e.g. 'plate=PLATE,state=ST,reason=OFFENSE'; "
            "empty: the columns are found by the header's names (NCIC codes LIC, LIS, VMA... "
            "or words)."
        ),
    ] = "",
    format: Annotated[FileFormat, Query(description="File format.")] = FileFormat.DETECT,
    header: Annotated[
        bool | None,
        Query(
            description="Whether the first line names the columns; left out, it is detected "
            "and the report's `header` says which."
        ),
    ] = None,
    encoding: Annotated[str, Query(max_length=40)] = "utf-8",
    default_reason: Annotated[str | None, Query(max_length=200)] = None,
    replace: Annotated[bool, Query(description="Replace the list's entries.")] = False,
    source_file: Annotated[
        str | None,
        Query(max_length=120, description="The source file of rows that name none."),
    ] = None,
) -> ImportReportPublic:
    spec = ImportSpec(format, parse_mapping(mapping), header, encoding, default_reason, source_file)
    data = await _body(request, services.settings.hotlists.max_import_bytes)
    report = await run_in_threadpool(
        lambda: services.hotlists.import_file(_editor(caller), list_id, data, spec, replace=replace)
    )
    return ImportReportPublic.of(report)


async def _body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise InvalidInput(
                f"the file is larger than {limit} bytes",
                hint="Split it, or raise hotlists.max_import_bytes.",
            )
        chunks.append(chunk)
    return b"".join(chunks)
