"""PostgreSQL keeps instants as timestamptz; they come back in the session's zone, made UTC here."""

from datetime import UTC, datetime

from platekeeper.store.rows import TimeCodec


def _from_db(value: datetime) -> datetime:
    return value.astimezone(UTC)


POSTGRES_TIME = TimeCodec(to_db=lambda instant: instant, from_db=_from_db)
