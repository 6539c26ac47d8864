"""The export bundle of an approved share request: a zip a recipient can check on its own.

Layout::

    reads.json     the reads: plate as read, capture time, camera, position, image paths
    images/        each read's plate crop and full image, as the camera sent them
    manifest.json  who, why and when, and the SHA-256 and size of every file above
    SHA256SUMS     the same digests in the format of ``sha256sum -c``

The SHA-256 of ``manifest.json`` is the bundle's digest: the sharing ledger keeps it, and since
the manifest holds every other file's digest, it pins the whole bundle.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from platekeeper.domain import Camera, PlateRead
from platekeeper.domain.recipients import Recipient, ShareRequest

BUNDLE_FORMAT = "platekeeper-share-bundle-v1"
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"


@dataclass(frozen=True, slots=True)
class ReadImages:
    """A read's images as they go into the bundle: path in the bundle -> (store ref, bytes)."""

    read: PlateRead
    files: Mapping[str, tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class BuiltBundle:
    data: bytes
    manifest_sha256: str
    read_count: int
    image_count: int


def build_bundle(
    recipient: Recipient,
    request: ShareRequest,
    items: Sequence[ReadImages],
    cameras: Mapping[str, Camera],
    *,
    exported_by: str,
    exported_at: datetime,
) -> BuiltBundle:
    files: dict[str, bytes] = {"reads.json": _json({"reads": [_read(i, cameras) for i in items]})}
    for item in items:
        files.update({path: data for path, (_, data) in item.files.items()})
    manifest = _json(_manifest(recipient, request, files, exported_by, exported_at))
    checksums = "".join(f"{_sha256(data)}  {path}\n" for path, data in files.items())
    buffer = io.BytesIO()
    stamp = exported_at.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in {**files, MANIFEST: manifest, CHECKSUMS: checksums.encode()}.items():
            info = zipfile.ZipInfo(path, date_time=stamp)
            # Images are compressed already; deflating them again costs time for nothing.
            info.compress_type = (
                zipfile.ZIP_STORED if path.startswith("images/") else (zipfile.ZIP_DEFLATED)
            )
            archive.writestr(info, data)
    image_count = sum(len(item.files) for item in items)
    return BuiltBundle(buffer.getvalue(), _sha256(manifest), len(items), image_count)


def verify_bundle(data: bytes) -> list[str]:
    """What is wrong with a bundle: files whose digest differs from the manifest, files missing
    or not listed. Empty when every file matches."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
        present = set(archive.namelist()) - {MANIFEST, CHECKSUMS}
        problems = [f"{path} is not in the manifest" for path in sorted(present - set(listed))]
        for path, digest in listed.items():
            if path not in present:
                problems.append(f"{path} is missing")
            elif _sha256(archive.read(path)) != digest:
                problems.append(f"{path} does not match its digest")
    return problems


def _read(item: ReadImages, cameras: Mapping[str, Camera]) -> dict[str, Any]:
    read = item.read
    camera = cameras.get(read.camera_id)
    position = read.location or (None if camera is None else camera.location)
    return {
        "id": read.id,
        "plate_text": read.plate_text,
        "region": read.region,
        "confidence": read.confidence,
        "captured_at": read.captured_at.isoformat(),
        "camera": {
            "id": read.camera_id,
            "name": None if camera is None else camera.name,
            "kind": None if camera is None else camera.kind.value,
        },
        "position": None
        if position is None
        else {"latitude": position.latitude, "longitude": position.longitude},
        "images": sorted(item.files),
    }


def _manifest(
    recipient: Recipient,
    request: ShareRequest,
    files: Mapping[str, bytes],
    exported_by: str,
    exported_at: datetime,
) -> dict[str, Any]:
    order = request.court_order
    # The order the share went under, where there was one: the recipient holds its record too.
    court_order = (
        {}
        if order is None
        else {
            "court_order": {
                "reference": order.reference,
                "court": order.court,
                "issued_on": order.issued_on.isoformat(),
            }
        }
    )
    return court_order | {
        "format": BUNDLE_FORMAT,
        "agency_id": request.agency_id,
        "request_id": request.id,
        "recipient": {
            "id": recipient.id,
            "legal_name": recipient.legal_name,
            "entity_type": recipient.entity_type.value,
            "state": recipient.state,
        },
        "purpose": request.purpose,
        "case_number": request.case_number,
        "requested_by": request.requested_by,
        "approved_by": request.decided_by,
        "approved_at": None if request.decided_at is None else request.decided_at.isoformat(),
        "exported_by": exported_by,
        "exported_at": exported_at.isoformat(),
        "files": [
            {"path": path, "sha256": _sha256(data), "bytes": len(data)}
            for path, data in files.items()
        ],
    }


def _json(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
