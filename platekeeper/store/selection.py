"""The reads a person picked from a search results, as a hold or a share request names them:
when and by which camera each was captured, never its plate.

An id that names another agency's read reads as one that names no read at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from platekeeper.domain.scope import AgencyScope
from platekeeper.store.protocols import Store


@dataclass(frozen=True, slots=True)
class SelectedRead:
    id: str
    captured_at: datetime
    camera_name: str


@dataclass(frozen=True, slots=True)
class Selection:
    reads: tuple[SelectedRead, ...]
    missing: tuple[str, ...]
    """The ids that name no read of the scope, in the order given."""


def select_reads(store: Store, scope: AgencyScope, read_ids: Iterable[str]) -> Selection:
    found: list[SelectedRead] = []
    missing: list[str] = []
    for read_id in dict.fromkeys(read_ids):
        read = store.reads.get(read_id)
        camera = None if read is None else store.cameras.get(read.camera_id)
        if read is None or camera is None or not scope.admits(camera.agency_id):
            missing.append(read_id)
        else:
            found.append(SelectedRead(read.id, read.captured_at, camera.name))
    return Selection(tuple(found), tuple(missing))
