"""Hot lists: the lists and their entries for everyone who receives alerts; creating lists,
adding, importing, renewing and removing entries for those who manage them.

Every change goes through ``services.hotlists``, which checks it and writes it to the access log.
An import is shown first as a preview (the rows it would store, and each bad row by line with
its reason) and stored only when confirmed; ``hotlist_uploads`` keeps the file in between.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from platekeeper.domain.gate import Person
from platekeeper.domain.hit_labels import ONE_OFF_LABELS
from platekeeper.domain.hotlists import AlertLevel, Hotlist, HotlistEntry, ListSource, OneOffPolicy
from platekeeper.domain.permissions import Permission
from platekeeper.errors import PlateKeeperError
from platekeeper.hotlists.entries import EntryDraft
from platekeeper.hotlists.importing import FIELDS, FileFormat
from platekeeper.hotlists.ncic import FIELD_LABELS, NCIC_CODES
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services
from platekeeper.web.pages.admin import (
    choice,
    done,
    invalid,
    local_input,
    may,
    refused,
    text,
    whole_number,
)
from platekeeper.web.pages.caller import person
from platekeeper.web.pages.fields import local_minute
from platekeeper.web.pages.hotlist_uploads import (
    ENCODINGS,
    ImportForm,
    Upload,
    pending_imports,
    read_upload,
    upload_cap,
)
from platekeeper.web.rendering import caller_zone, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 100
"""Entries shown per page of a list."""
PREVIEW_ROWS = 100
"""Rows of an import shown in its preview; all are counted and every bad row is listed."""
EXPIRING_SOON = timedelta(days=7)
"""An entry expiring within this is badged, so that a supervisor renews it in time."""

NOTICES = {
    "created": "The hot list was created.",
    "added": "The entry was added.",
    "removed": "The entry was removed.",
    "renewed": "The entry was renewed.",
    "one-off": "The list's setting for one-character-off matches was changed.",
    "imported": "The file was imported: {stored} entries stored, {skipped} rows skipped.",
}


def _editor(caller: Caller) -> Person:
    return caller.person


def _common(services: Services, caller: Caller) -> dict[str, Any]:
    """What every hot-list page shows: the controls the caller may use, the manual expiry."""
    return {
        "may_manage": may(caller, Permission.HOTLISTS_MANAGE),
        "may_renew": may(caller, Permission.HOTLISTS_RENEW),
        "manual_days": services.settings.hotlists.manual_entry_days,
    }


# -- the lists ---------------------------------------------------------------------------------


class ListForm(BaseModel):
    list_id: str = Field(default="", max_length=63)
    name: str = Field(default="", max_length=200)
    source: str = Field(default=ListSource.MANUAL.value, max_length=20)
    priority: str = Field(default="5", max_length=3)
    alert_level: str = Field(default=AlertLevel.WARNING.value, max_length=20)
    covert: bool = False


@router.get(
    "/hotlists", response_class=HTMLResponse, dependencies=requires(Permission.HOTLISTS_VIEW)
)
def hotlists_page(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    notice: Annotated[str, Query(alias="done", max_length=20)] = "",
) -> HTMLResponse:
    context = _lists_context(services, caller, ListForm())
    context["notice"] = NOTICES.get(notice)
    return render(request, "pages/hotlists/index.html", context, caller=caller)


@router.post("/hotlists", dependencies=requires(Permission.HOTLISTS_MANAGE))
def create_hotlist(
    request: Request,
    form: Annotated[ListForm, Form()],
    services: ServicesDep,
    caller: CallerDep,
) -> Response:
    list_id = form.list_id.strip()
    try:
        services.hotlists.create_list(
            _editor(caller),
            list_id=list_id,
            name=form.name,
            source=choice(ListSource, form.source, "source", "Source"),
            priority=whole_number(form.priority, "priority", "Priority"),
            alert_level=choice(AlertLevel, form.alert_level, "alert_level", "Alert level"),
            covert=form.covert,
        )
    except PlateKeeperError as error:
        context = _lists_context(services, caller, form)
        return refused(request, "pages/hotlists/index.html", context, caller, error)
    return done(f"/hotlists/{list_id}?done=created")


def _lists_context(services: Services, caller: Caller, form: ListForm) -> dict[str, Any]:
    summaries = services.hotlists.summaries(_editor(caller))
    return {
        "summaries": summaries,
        "sources": list(ListSource),
        "levels": list(AlertLevel),
        "typed": form,
        **_common(services, caller),
    }


# -- one list and its entries ------------------------------------------------------------------


class ListQuery(BaseModel):
    offset: int = Field(default=0, ge=0)
    plate: str = Field(default="", max_length=32)
    done: str = Field(default="", max_length=20)
    stored: int = Field(default=0, ge=0)
    skipped: int = Field(default=0, ge=0)

    def notice(self) -> str | None:
        said = NOTICES.get(self.done)
        return None if said is None else said.format(stored=self.stored, skipped=self.skipped)


class EntryForm(BaseModel):
    plate: str = Field(default="", max_length=32)
    state: str = Field(default="", max_length=10)
    reason: str = Field(default="", max_length=200)
    case_number: str = Field(default="", max_length=64)
    expires_at: str = Field(default="", max_length=32)
    note: str = Field(default="", max_length=1000)

    def draft(self, zone: str) -> EntryDraft:
        if not self.plate.strip():
            raise invalid("plate", "give the plate", hint="As written on the car, e.g. 7ABC123.")
        return EntryDraft(
            plate=self.plate,
            reason=self.reason,
            state=text(self.state),
            case_number=text(self.case_number),
            expires_at=local_minute(self.expires_at.strip(), "expires_at", zone),
            note=text(self.note),
        )


@router.get(
    "/hotlists/{list_id}",
    response_class=HTMLResponse,
    dependencies=requires(Permission.HOTLISTS_VIEW),
)
def hotlist_page(
    request: Request,
    list_id: str,
    query: Annotated[ListQuery, Query()],
    services: ServicesDep,
    caller: CallerDep,
) -> HTMLResponse:
    context = _list_context(services, caller, list_id, query)
    context["notice"] = query.notice()
    return render(request, "pages/hotlists/list.html", context, caller=caller)


@router.post("/hotlists/{list_id}/entries", dependencies=requires(Permission.HOTLISTS_MANAGE))
def add_entry(
    request: Request,
    list_id: str,
    form: Annotated[EntryForm, Form()],
    services: ServicesDep,
    caller: CallerDep,
) -> Response:
    try:
        draft = form.draft(caller_zone(services, caller))
        services.hotlists.add_entry(_editor(caller), list_id, draft)
    except PlateKeeperError as error:
        context = _list_context(services, caller, list_id, ListQuery(), form)
        context["entry_form_failed"] = True
        return refused(request, "pages/hotlists/list.html", context, caller, error)
    return done(f"/hotlists/{list_id}?done=added")


@router.post(
    "/hotlists/{list_id}/entries/{entry_id}/remove",
    dependencies=requires(Permission.HOTLISTS_MANAGE),
)
def remove_entry(
    request: Request, list_id: str, entry_id: str, services: ServicesDep, caller: CallerDep
) -> Response:
    remove = functools.partial(services.hotlists.remove_entry, _editor(caller), entry_id)
    return _entry_change(request, services, caller, list_id, act=remove, notice="removed")


@router.post(
    "/hotlists/{list_id}/entries/{entry_id}/renew",
    dependencies=requires(Permission.HOTLISTS_RENEW),
)
def renew_entry(
    request: Request, list_id: str, entry_id: str, services: ServicesDep, caller: CallerDep
) -> Response:
    renew = functools.partial(services.hotlists.renew, _editor(caller), entry_id)
    return _entry_change(request, services, caller, list_id, act=renew, notice="renewed")


def _entry_change(
    request: Request,
    services: Services,
    caller: Caller,
    list_id: str,
    *,
    act: Callable[[], HotlistEntry],
    notice: str,
) -> Response:
    try:
        act()
    except PlateKeeperError as error:
        context = _list_context(services, caller, list_id, ListQuery())
        return refused(request, "pages/hotlists/list.html", context, caller, error)
    return done(f"/hotlists/{list_id}?done={notice}")


def _list_context(
    services: Services,
    caller: Caller,
    list_id: str,
    query: ListQuery,
    typed: EntryForm | None = None,
) -> dict[str, Any]:
    editor = _editor(caller)
    hotlist = services.hotlists.get_list(editor, list_id)
    plate = query.plate.strip()
    if plate:
        entries = services.hotlists.find_entries(editor, list_id, plate)
        more = False
    else:
        entries = services.hotlists.entries(editor, list_id, PAGE_SIZE + 1, query.offset)
        more = len(entries) > PAGE_SIZE
        entries = entries[:PAGE_SIZE]
    now = services.clock.now()
    return {
        "hotlist": hotlist,
        "stale": hotlist.stale_at(now),
        "entries": entries,
        "now": now,
        "soon": now + EXPIRING_SOON,
        "offset": query.offset,
        "page_size": PAGE_SIZE,
        "more": more,
        "plate": plate,
        "typed": typed or EntryForm(),
        "manual_expiry": _manual_expiry(services, caller, hotlist, now),
        "chance": services.hotlists.chance(editor, list_id)[1],
        "one_off_labels": ONE_OFF_LABELS,
        **_common(services, caller),
    }


class OneOffForm(BaseModel):
    one_off: str = Field(default="", max_length=20)


@router.post("/hotlists/{list_id}/one-off", dependencies=requires(Permission.HOTLISTS_MANAGE))
def set_one_off(
    request: Request,
    list_id: str,
    form: Annotated[OneOffForm, Form()],
    services: ServicesDep,
    caller: CallerDep,
) -> Response:
    try:
        policy = choice(OneOffPolicy, form.one_off, "one_off", "One character off")
        services.hotlists.set_one_off(_editor(caller), list_id, policy)
    except PlateKeeperError as error:
        context = _list_context(services, caller, list_id, ListQuery())
        return refused(request, "pages/hotlists/list.html", context, caller, error)
    return done(f"/hotlists/{list_id}?done=one-off")


def _manual_expiry(
    services: Services, caller: Caller, hotlist: Hotlist, now: datetime
) -> str | None:
    """The latest (and default) expiry of a manual entry made now, as the form shows it."""
    if hotlist.source is not ListSource.MANUAL:
        return None
    expiry = now + timedelta(days=services.settings.hotlists.manual_entry_days)
    return local_input(expiry, caller_zone(services, caller))


# -- importing a file --------------------------------------------------------------------------


class ImportFields(BaseModel):
    format: str = Field(default=FileFormat.DETECT.value, max_length=20)
    header: bool = False
    encoding: str = Field(default="utf-8", max_length=40)
    default_reason: str = Field(default="", max_length=200)
    replace: bool = False
    plate_column: str = Field(default="", max_length=64)
    state_column: str = Field(default="", max_length=64)
    reason_column: str = Field(default="", max_length=64)
    case_number_column: str = Field(default="", max_length=64)
    expires_at_column: str = Field(default="", max_length=64)
    source_record_id_column: str = Field(default="", max_length=64)
    note_column: str = Field(default="", max_length=64)
    plate_type_column: str = Field(default="", max_length=64)
    plate_year_column: str = Field(default="", max_length=64)
    vin_column: str = Field(default="", max_length=64)
    make_column: str = Field(default="", max_length=64)
    model_column: str = Field(default="", max_length=64)
    vehicle_year_column: str = Field(default="", max_length=64)
    colour_column: str = Field(default="", max_length=64)
    ncic_number_column: str = Field(default="", max_length=64)
    ori_column: str = Field(default="", max_length=64)
    oca_column: str = Field(default="", max_length=64)
    message_key_column: str = Field(default="", max_length=64)
    source_file_column: str = Field(default="", max_length=64)
    source_file: str = Field(default="", max_length=120)

    def form(self) -> ImportForm:
        columns = {name: str(getattr(self, f"{name}_column")) for name in FIELDS}
        return ImportForm(
            self.format,
            self.header,
            self.encoding,
            self.default_reason,
            self.replace,
            columns,
            self.source_file,
        )


@router.get(
    "/hotlists/{list_id}/import",
    response_class=HTMLResponse,
    dependencies=requires(Permission.HOTLISTS_MANAGE),
)
def import_page(
    request: Request, list_id: str, services: ServicesDep, caller: CallerDep
) -> HTMLResponse:
    context = _import_context(services, caller, list_id, ImportForm())
    return render(request, "pages/hotlists/import.html", context, caller=caller)


@router.post(
    "/hotlists/{list_id}/import/preview",
    response_class=HTMLResponse,
    dependencies=requires(Permission.HOTLISTS_MANAGE),
)
async def preview_import(
    request: Request,
    list_id: str,
    file: Annotated[UploadFile, File()],
    fields: Annotated[ImportFields, Form()],
    *,
    services: ServicesDep,
    caller: CallerDep,
) -> HTMLResponse:
    form = fields.form()
    account_id = person(caller).account.id
    try:
        spec = form.spec()
        data = await read_upload(file, services.settings.hotlists.max_import_bytes)
        report = await run_in_threadpool(
            services.hotlists.preview_import, _editor(caller), list_id, data, spec
        )
    except PlateKeeperError as error:
        context = await run_in_threadpool(_import_context, services, caller, list_id, form)
        return refused(request, "pages/hotlists/import.html", context, caller, error)
    upload = Upload(account_id, list_id, file.filename or "the file", data, spec, form.replace)
    held = pending_imports(request)
    context = await run_in_threadpool(_import_context, services, caller, list_id, form)
    context.update(
        {
            "report": report,
            "shown": report.entries[:PREVIEW_ROWS],
            "upload": upload,
            "upload_id": held.hold(upload),
            "hold_minutes": held.minutes,
        }
    )
    return render(request, "pages/hotlists/preview.html", context, caller=caller)


@router.post("/hotlists/{list_id}/import", dependencies=requires(Permission.HOTLISTS_MANAGE))
def confirm_import(
    request: Request,
    list_id: str,
    upload_id: Annotated[str, Form(max_length=64)],
    services: ServicesDep,
    caller: CallerDep,
) -> Response:
    held = pending_imports(request)
    try:
        upload = held.get(upload_id, person(caller).account.id, list_id)
        report = services.hotlists.import_file(
            _editor(caller), list_id, upload.data, upload.spec, replace=upload.replace
        )
    except PlateKeeperError as error:
        context = _import_context(services, caller, list_id, ImportForm())
        return refused(request, "pages/hotlists/import.html", context, caller, error)
    held.drop(upload_id)
    stored, skipped = report.imported, len(report.rejected)
    return done(f"/hotlists/{list_id}?done=imported&stored={stored}&skipped={skipped}")


def _import_context(
    services: Services, caller: Caller, list_id: str, form: ImportForm
) -> dict[str, Any]:
    hotlist = services.hotlists.get_list(_editor(caller), list_id)
    return {
        "hotlist": hotlist,
        "form": form,
        "formats": list(FileFormat),
        "encodings": ENCODINGS,
        "fields": FIELDS,
        "labels": FIELD_LABELS,
        "codes": {name: NCIC_CODES.get(name, "") for name in FIELDS},
        "max_bytes": upload_cap(services.settings.hotlists.max_import_bytes),
    }
