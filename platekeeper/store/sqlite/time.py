"""SQLite keeps instants as integer microseconds since the Unix epoch, UTC: exact, compact and
ordered as numbers."""

from platekeeper.domain.time import from_epoch_us, to_epoch_us
from platekeeper.store.rows import TimeCodec

SQLITE_TIME = TimeCodec(to_db=to_epoch_us, from_db=from_epoch_us)
