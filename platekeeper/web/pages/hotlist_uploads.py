"""A hot-list file between its preview and the confirmation that imports it.

The preview reads the uploaded file and shows what it would store; "Import N rows" must then
store exactly that file. It is held here, in the server's memory, under a random id that only
the person who uploaded it can use, for that list, for ``HOLD_MINUTES``; the confirmation posts
only the id. The browser never re-sends (or gets to alter) the content, the page stays small
however large the file, and nothing is written to disk. Each person holds one file at a time (a
new preview replaces the previous one) and a file is at most ``WEB_IMPORT_MAX_BYTES``, which
bounds the memory used; larger files go through the API or the CLI. The server runs as one
process, so the confirmation reaches the process that holds the file; after a restart the
person is asked to upload it again.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from fastapi import Request, UploadFile

from platekeeper.errors import NotFound
from platekeeper.hotlists.importing import FIELDS, FileFormat, ImportSpec, parse_mapping
from platekeeper.web.pages.admin import invalid

HOLD_MINUTES = 15
WEB_IMPORT_MAX_BYTES = 8 * 1024 * 1024
"""The largest file imported through a browser (and so held in memory until confirmed)."""
ENCODINGS = ("utf-8", "cp1252", "latin-1")


@dataclass(frozen=True, slots=True)
class ImportForm:
    """The import form as it was filled in, to show again."""

    format: str = FileFormat.DETECT.value
    header: bool = True
    encoding: str = "utf-8"
    default_reason: str = ""
    replace: bool = False
    columns: dict[str, str] = field(default_factory=dict)
    source_file: str = ""

    def spec(self) -> ImportSpec:
        """How to read the file, or ``InvalidInput`` naming the field that is wrong."""
        try:
            file_format = FileFormat(self.format)
        except ValueError:
            raise invalid("format", f"unknown format {self.format!r}") from None
        if self.encoding not in ENCODINGS:
            raise invalid("encoding", f"choose one of {', '.join(ENCODINGS)}")
        columns = {}
        for name in FIELDS:
            value = self.columns.get(name, "").strip()
            if not value:
                continue
            if "," in value or "=" in value:
                raise invalid(f"{name}_column", f"the {name} column may not contain ',' or '='")
            columns.update(parse_mapping(f"{name}={value}"))
        return ImportSpec(
            file_format,
            columns,
            self.header,
            self.encoding,
            self.default_reason.strip() or None,
            self.source_file.strip() or None,
        )


@dataclass(frozen=True, slots=True)
class Upload:
    account_id: str
    list_id: str
    filename: str
    data: bytes
    spec: ImportSpec
    replace: bool


@dataclass(slots=True)
class _Held:
    upload_id: str
    upload: Upload
    until_monotonic: float


class PendingImports:
    """Uploaded files awaiting confirmation, one per person, each for ``minutes``.

    The preview holds a file on the event loop while confirmations, plain ``def`` routes, take
    and drop files from the thread pool: one lock keeps their sweeps from colliding."""

    def __init__(self, minutes: int = HOLD_MINUTES) -> None:
        self.minutes = minutes
        self._by_account: dict[str, _Held] = {}
        self._lock = threading.Lock()

    def hold(self, upload: Upload) -> str:
        upload_id = secrets.token_urlsafe(24)
        until = time.monotonic() + self.minutes * 60
        with self._lock:
            self._forget_expired()
            self._by_account[upload.account_id] = _Held(upload_id, upload, until)
        return upload_id

    def get(self, upload_id: str, account_id: str, list_id: str) -> Upload:
        """The file held under ``upload_id`` for this person and list."""
        with self._lock:
            self._forget_expired()
            held = self._by_account.get(account_id)
        if (
            held is None
            or not secrets.compare_digest(held.upload_id, upload_id)
            or held.upload.list_id != list_id
        ):
            raise NotFound(
                "the uploaded file is no longer held",
                hint=f"Files wait {self.minutes} minutes for confirmation, and an import "
                "happens once. Upload the file again.",
            )
        return held.upload

    def drop(self, upload_id: str) -> None:
        with self._lock:
            for account_id, held in list(self._by_account.items()):
                if held.upload_id == upload_id:
                    del self._by_account[account_id]

    def _forget_expired(self) -> None:
        now = time.monotonic()
        for account_id, held in list(self._by_account.items()):
            if held.until_monotonic <= now:
                del self._by_account[account_id]


_MAKING = threading.Lock()


def pending_imports(request: Request) -> PendingImports:
    """The app's holder of uploaded files, made on first use (by one thread only: a second
    holder would lose the first one's files)."""
    state = request.app.state
    with _MAKING:
        held: PendingImports | None = getattr(state, "pending_hotlist_imports", None)
        if held is None:
            held = PendingImports()
            state.pending_hotlist_imports = held
    return held


def upload_cap(max_import_bytes: int) -> int:
    return min(max_import_bytes, WEB_IMPORT_MAX_BYTES)


async def read_upload(file: UploadFile, max_import_bytes: int) -> bytes:
    """The uploaded file's content, refused when empty or larger than the cap."""
    cap = upload_cap(max_import_bytes)
    data = await file.read(cap + 1)
    if len(data) > cap:
        raise invalid(
            "file",
            f"the file is larger than {cap} bytes",
            hint="Import larger files with 'platekeeper hotlist import' or the API.",
        )
    if not data.strip():
        raise invalid("file", "the file is empty", hint="Choose the file to import.")
    return data
