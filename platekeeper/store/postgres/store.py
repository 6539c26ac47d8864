"""Placeholder until the PostgreSQL store lands in this change."""

from __future__ import annotations


class PostgresStore:
    def __init__(self, dsn: str, *, min_size: int = 1, max_size: int = 8) -> None:
        raise NotImplementedError
