"""The PostgreSQL backend (psycopg 3): reads partitioned by capture day."""

from platekeeper.store.postgres.store import PostgresStore

__all__ = ["PostgresStore"]
