"""Bodies of the system routes: the health check."""

from __future__ import annotations

from pydantic import BaseModel


class Health(BaseModel):
    status: str
    version: str
    schema_version: int
    store: str
