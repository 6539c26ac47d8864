"""A pool of connections to one PostgreSQL database, and the schema migrations applied through it.

Connection trouble leaves this module as ``StoreError`` with a hint, never as a driver traceback:
the DSN may carry a password, so neither it nor a message quoting it is ever shown.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import orjson
import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import set_json_loads
from psycopg_pool import ConnectionPool, PoolTimeout

from platekeeper.errors import StoreError
from platekeeper.store.migrations import Migration, load_migrations
from platekeeper.store.postgres.dialect import POSTGRES, Connection, PostgresTransaction
from platekeeper.store.sql.database import constraint_violations

_MIGRATIONS_PACKAGE = "platekeeper.store.postgres.migrations"
OPEN_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 5
# Advisory locks share one key space per database; the first half of the key says "migrations of
# PlateKeeper", the second which schema, so stores in different schemas never wait on each other.
_MIGRATION_LOCK_CLASS = 0x504B  # "PK"
_CONNECTION_HINT = (
    "Check that PostgreSQL is running and that the store DSN (PLATEKEEPER_STORE__DSN) names the "
    "right host, port, database, user and password."
)

logger = logging.getLogger(__name__)


class PostgresDatabase:
    """Hands out pooled connections in autocommit mode.

    Statements that must stand or fall together go in ``connection.transaction()``, or in
    ``write()``, the shared repositories' transaction.
    """

    dialect = POSTGRES

    def __init__(self, dsn: str, *, min_size: int = 1, max_size: int = 8) -> None:
        params = _parse(dsn)
        password = params.get("password")
        self._secret = str(password) if password else None
        # A lone statement commits by itself: no BEGIN and COMMIT round trips around a SELECT.
        kwargs: dict[str, object] = {"autocommit": True}
        if "connect_timeout" not in params:
            # Without it a silent host keeps a connection attempt hanging for minutes.
            kwargs["connect_timeout"] = CONNECT_TIMEOUT_S
        self._pool: ConnectionPool[Connection] = ConnectionPool(
            dsn,
            kwargs=kwargs,
            min_size=min_size,
            max_size=max_size,
            open=False,
            configure=_configure,
            name="platekeeper",
        )
        try:
            self._pool.open(wait=True, timeout=OPEN_TIMEOUT_S)
        except PoolTimeout:
            self._pool.close()
            raise self._unreachable(dsn) from None
        try:
            self._require_utf8()
        except BaseException:
            self._pool.close()
            raise

    def _require_utf8(self) -> None:
        """Refuse a database whose text is not UTF-8. Under ``SQL_ASCII`` PostgreSQL neither
        checks nor converts text, and the driver hands back bytes where the store expects
        strings: a store on one would fail at its first hot-list reload or read, not here."""
        with self.connection() as connection:
            encoding = connection.info.parameter_status("server_encoding") or "unknown"
        if encoding != "UTF8":
            raise StoreError(
                f"the PostgreSQL database's encoding is {encoding}; PlateKeeper needs UTF8",
                hint="Create the database with UTF-8 text, for example"
                " 'createdb --encoding=UTF8 --template=template0 platekeeper', and point"
                " the store DSN (PLATEKEEPER_STORE__DSN) at it.",
            )

    def _unreachable(self, dsn: str) -> StoreError:
        # The pool only says that it timed out; one direct attempt tells why.
        try:
            psycopg.connect(dsn, connect_timeout=CONNECT_TIMEOUT_S).close()
        except psycopg.Error as exc:
            reason = self._redact(exc)
        else:
            reason = f"no connection within {OPEN_TIMEOUT_S:g} s"
        return StoreError(f"cannot connect to PostgreSQL: {reason}", hint=_CONNECTION_HINT)

    def _redact(self, exc: BaseException) -> str:
        message = " ".join(str(exc).split())
        return message.replace(self._secret, "***") if self._secret else message

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A pooled connection for the length of the block."""
        try:
            with self._pool.connection() as connection:
                yield connection
        except PoolTimeout:
            raise StoreError(
                "no PostgreSQL connection became free in time",
                hint="Raise store.pool_max_size, or look for slow queries holding connections.",
            ) from None
        except psycopg.OperationalError as exc:
            raise StoreError(
                f"PostgreSQL failed: {self._redact(exc)}", hint=_CONNECTION_HINT
            ) from None

    @contextmanager
    def read(self) -> Iterator[PostgresTransaction]:
        """A pooled connection whose statements each commit alone."""
        with self.connection() as connection:
            yield PostgresTransaction(connection)

    @contextmanager
    def write(self) -> Iterator[PostgresTransaction]:
        """One transaction, committed on success and rolled back on any error."""
        with (
            constraint_violations(POSTGRES),
            self.connection() as connection,
            connection.transaction(),
        ):
            yield PostgresTransaction(connection)

    def schema_version(self) -> int:
        with self.connection() as connection:
            row = connection.execute("SELECT to_regclass('schema_migrations')").fetchone()
            if row is None or row[0] is None:
                return 0
            version = connection.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return 0 if version is None or version[0] is None else int(version[0])

    def pending_migrations(self) -> list[str]:
        version = self.schema_version()
        return [m.label for m in load_migrations(_MIGRATIONS_PACKAGE) if m.version > version]

    def upgrade(self) -> list[str]:
        applied: list[str] = []
        with self.connection() as connection:
            with connection.transaction():
                _lock_migrations(connection)
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version integer PRIMARY KEY, name text NOT NULL,"
                    " applied_at timestamptz NOT NULL)"
                )
            for migration in load_migrations(_MIGRATIONS_PACKAGE):
                if _apply_if_pending(connection, migration):
                    logger.info("applied PostgreSQL migration %s", migration.label)
                    applied.append(migration.label)
        return applied

    def close(self) -> None:
        self._pool.close()


def _configure(connection: Connection) -> None:
    # jsonb columns (candidates, box) come back through orjson, several times faster than json.
    set_json_loads(orjson.loads, connection)
    # The retention conditions repeated over every day partition give the planner huge cost
    # estimates, and past them PostgreSQL compiles the plan with LLVM: a one-second suffix search
    # spent 35 s compiling (benchmarks/store_scale.py at 1 M reads). Short indexed queries never
    # gain from it.
    connection.execute("SET jit = off")
    _read_ahead(connection)


READ_AHEAD = 64
"""Pages a bitmap scan asks the storage for ahead of reading them, unless the server's
administrator chose a number (``effective_io_concurrency``)."""


def _read_ahead(connection: Connection) -> None:
    # PostgreSQL's default reads a bitmap scan's pages one at a time, as for a single disk. A
    # prefix's reads or a pattern's plates are hundreds of pages scattered over a store larger
    # than memory, and SSD or network storage serves many at once: at 51 M reads, from a cold
    # cache, a prefix search by bitmap scans had a p50 of 189 ms one page at a time and 91 ms
    # 64 pages ahead.
    # A number set in the server's configuration, for the database or role, or in the DSN's
    # options is the administrator's and stays.
    row = connection.execute(
        "SELECT source FROM pg_settings WHERE name = 'effective_io_concurrency'"
    ).fetchone()
    if row is None or row[0] != "default":
        return
    try:
        connection.execute(f"SET effective_io_concurrency = {READ_AHEAD}")
    except psycopg.errors.InvalidParameterValue:
        # A platform without posix_fadvise (macOS) takes only 0 or 1.
        logger.debug("PostgreSQL reads no pages ahead here; effective_io_concurrency unchanged")


def _lock_migrations(connection: Connection) -> None:
    """Wait until no other process migrates this schema; the lock ends with the transaction."""
    connection.execute(
        "SELECT pg_advisory_xact_lock(%s, hashtext(coalesce(current_schema(), '')))",
        (_MIGRATION_LOCK_CLASS,),
    )


def _apply_if_pending(connection: Connection, migration: Migration) -> bool:
    """Apply one migration in its own transaction unless another process got there first."""
    with connection.transaction():
        _lock_migrations(connection)
        done = connection.execute(
            "SELECT 1 FROM schema_migrations WHERE version = %s", (migration.version,)
        ).fetchone()
        if done is not None:
            return False
        # Without parameters psycopg sends the script as one simple query, several statements.
        connection.execute(migration.sql.encode())
        connection.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, now())",
            (migration.version, migration.name),
        )
    return True


def _parse(dsn: str) -> dict[str, object]:
    try:
        return dict(conninfo_to_dict(dsn))
    except psycopg.ProgrammingError:
        # The parser's message quotes the DSN, password and all.
        raise StoreError(
            "the PostgreSQL DSN is not a valid connection string",
            hint="Write it as postgresql://USER:PASSWORD@HOST:PORT/DATABASE.",
        ) from None
