"""What edge agents last reported of themselves."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from platekeeper.domain.edge import EdgeHealth


class EdgeHealthRepository(Protocol):
    def report(self, health: EdgeHealth) -> None:
        """Keep ``health`` as its camera's latest; ``NotFound`` if the camera does not exist."""
        ...

    def latest(self, camera_ids: Collection[str]) -> dict[str, EdgeHealth]:
        """The latest report of each of ``camera_ids`` that has reported."""
        ...


class EdgeEventRepository(Protocol):
    """The ids of the edge agents' access events already entered in the access log."""

    def entered(self, event_id: str) -> bool: ...

    def enter(self, event_id: str, camera_id: str, at: datetime) -> bool:
        """Note ``event_id`` as entered; False if it was already."""
        ...
