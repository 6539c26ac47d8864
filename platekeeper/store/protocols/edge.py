"""What edge agents last reported of themselves."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from platekeeper.domain.edge import EdgeHealth


class EdgeHealthRepository(Protocol):
    def report(self, health: EdgeHealth) -> None:
        """Keep ``health`` as its camera's latest; ``NotFound`` if the camera does not exist."""
        ...

    def latest(self, camera_ids: Collection[str]) -> dict[str, EdgeHealth]:
        """The latest report of each of ``camera_ids`` that has reported."""
        ...
