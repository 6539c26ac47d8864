"""Storage behind small protocols; every line of SQL in PlateKeeper lives under this package."""

from platekeeper.store.protocols import (
    AgencyRepository,
    CameraRepository,
    ReadCursor,
    ReadQuery,
    ReadRepository,
    ReadStats,
    Store,
    StoredOutcome,
    StoredRead,
)

__all__ = [
    "AgencyRepository",
    "CameraRepository",
    "ReadCursor",
    "ReadQuery",
    "ReadRepository",
    "ReadStats",
    "Store",
    "StoredOutcome",
    "StoredRead",
]
