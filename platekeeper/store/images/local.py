"""Images in a local folder."""

from __future__ import annotations

import os
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

from platekeeper.domain import ImageRef
from platekeeper.errors import NotFound, StoreError
from platekeeper.store.files import PRIVATE_FILE, make_private_folders, private_folder
from platekeeper.store.images.protocol import ImageKind, detect_image_type

_REF = re.compile(r"\d{4}/\d{2}/\d{2}/(full|crop)-[0-9a-f]{32}\.(jpg|png|webp)")


class LocalImageStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            private_folder(root)
        except OSError as exc:
            raise StoreError(
                f"cannot use the image folder {root}: {exc.strerror}",
                hint="Set images.path (or data_dir) to a folder PlateKeeper may write to.",
            ) from None

    def put(self, data: bytes, *, kind: ImageKind, captured_at: datetime) -> ImageRef:
        extension = detect_image_type(data)
        day = captured_at.astimezone(UTC).strftime("%Y/%m/%d")
        ref = f"{day}/{kind.value}-{uuid.uuid4().hex}.{extension}"
        path = self.root / ref
        # Write then rename, so that a reader never sees half an image.
        partial = path.with_suffix(path.suffix + ".partial")
        try:
            make_private_folders(path.parent)
            _write_private(partial, data)
            os.replace(partial, path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise StoreError(
                f"cannot write an image into {self.root}: {exc.strerror}",
                hint="Check the free space and permissions of the image folder.",
            ) from None
        return ref

    def get(self, ref: ImageRef) -> bytes:
        try:
            return self._path(ref).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"image {ref} does not exist") from None

    def delete(self, ref: ImageRef) -> None:
        self._path(ref).unlink(missing_ok=True)

    def _path(self, ref: ImageRef) -> Path:
        # References come back from the database or a URL; refuse anything that could leave root.
        if not _REF.fullmatch(ref):
            raise NotFound(f"image {ref!r} does not exist")
        return self.root / ref


def _write_private(path: Path, data: bytes) -> None:
    """``data`` into a new file at ``path`` that only the owner may read, whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
