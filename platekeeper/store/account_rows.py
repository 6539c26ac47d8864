"""Accounts, sessions and API tokens as rows and back, in one column order for both backends.

Credentials (password hash, failures in a row, lock) are columns of ``accounts`` but not of
``ACCOUNT_COLUMNS``: reading an ``Account`` never reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from platekeeper.domain.credentials import ApiToken, PasswordState, Session
from platekeeper.domain.people import (
    Account,
    AccountStatus,
    Role,
    SuspensionReason,
    TrainingRecord,
)
from platekeeper.store.rows import Row
from platekeeper.store.sql.dialect import TimeCodec

ACCOUNT_COLUMNS = (
    "id, username, display_name, agency_id, job_title, roles, status, suspension_reason,"
    " training_completed_on, training_expires_on, created_at, last_active_at"
)
ACCOUNT_UPDATE_COLUMNS = (
    "display_name",
    "job_title",
    "roles",
    "status",
    "suspension_reason",
    "training_completed_on",
    "training_expires_on",
    "last_active_at",
)
LOGIN_STATE_COLUMNS = "password_hash, failed_logins, locked_until"
SESSION_COLUMNS = "id, account_id, token_hash, created_at, last_seen_at, expires_at, client_address"
API_CREDENTIAL_COLUMNS = (
    "id, account_id, name, token_hash, created_at, expires_at, last_used_at, revoked_at"
)


@dataclass(frozen=True, slots=True)
class DayCodec:
    """How a backend keeps a calendar day (SQLite: ISO text; PostgreSQL: date)."""

    to_db: Callable[[date], Any]
    from_db: Callable[[Any], date]


SQLITE_DAY = DayCodec(to_db=date.isoformat, from_db=date.fromisoformat)
POSTGRES_DAY = DayCodec(to_db=lambda day: day, from_db=lambda value: value)


def roles_to_db(roles: frozenset[Role]) -> str:
    return ",".join(sorted(role.value for role in roles))


def roles_from_db(value: str) -> frozenset[Role]:
    return frozenset(Role(name) for name in value.split(","))


def account_row(account: Account, time: TimeCodec, day: DayCodec) -> Row:
    """The values of ``account`` in ``ACCOUNT_COLUMNS`` order."""
    training = account.training
    return (
        account.id,
        account.username,
        account.display_name,
        account.agency_id,
        account.job_title,
        roles_to_db(account.roles),
        account.status.value,
        None if account.suspension_reason is None else account.suspension_reason.value,
        None if training is None else day.to_db(training.completed_on),
        None if training is None else day.to_db(training.expires_on),
        time.to_db(account.created_at),
        time.optional_to_db(account.last_active_at),
    )


def account_update_row(account: Account, time: TimeCodec, day: DayCodec) -> Row:
    """The values of ``account`` in ``ACCOUNT_UPDATE_COLUMNS`` order."""
    training = account.training
    return (
        account.display_name,
        account.job_title,
        roles_to_db(account.roles),
        account.status.value,
        None if account.suspension_reason is None else account.suspension_reason.value,
        None if training is None else day.to_db(training.completed_on),
        None if training is None else day.to_db(training.expires_on),
        time.optional_to_db(account.last_active_at),
    )


def account_from_row(row: Row, time: TimeCodec, day: DayCodec) -> Account:
    training = None if row[8] is None else TrainingRecord(day.from_db(row[8]), day.from_db(row[9]))
    return Account(
        id=row[0],
        username=row[1],
        display_name=row[2],
        agency_id=row[3],
        job_title=row[4],
        roles=roles_from_db(row[5]),
        status=AccountStatus(row[6]),
        suspension_reason=None if row[7] is None else SuspensionReason(row[7]),
        training=training,
        created_at=time.from_db(row[10]),
        last_active_at=time.optional_from_db(row[11]),
    )


def password_state_from_row(row: Row, time: TimeCodec) -> PasswordState:
    return PasswordState(
        password_hash=row[0], failed_logins=row[1], locked_until=time.optional_from_db(row[2])
    )


def session_row(session: Session, time: TimeCodec) -> Row:
    return (
        session.id,
        session.account_id,
        session.token_hash,
        time.to_db(session.created_at),
        time.to_db(session.last_seen_at),
        time.to_db(session.expires_at),
        session.client_address,
    )


def session_from_row(row: Row, time: TimeCodec) -> Session:
    return Session(
        id=row[0],
        account_id=row[1],
        token_hash=row[2],
        created_at=time.from_db(row[3]),
        last_seen_at=time.from_db(row[4]),
        expires_at=time.from_db(row[5]),
        client_address=row[6],
    )


def api_token_row(token: ApiToken, time: TimeCodec) -> Row:
    return (
        token.id,
        token.account_id,
        token.name,
        token.token_hash,
        time.to_db(token.created_at),
        time.to_db(token.expires_at),
        time.optional_to_db(token.last_used_at),
        time.optional_to_db(token.revoked_at),
    )


def api_token_from_row(row: Row, time: TimeCodec) -> ApiToken:
    return ApiToken(
        id=row[0],
        account_id=row[1],
        name=row[2],
        token_hash=row[3],
        created_at=time.from_db(row[4]),
        expires_at=time.from_db(row[5]),
        last_used_at=time.optional_from_db(row[6]),
        revoked_at=time.optional_from_db(row[7]),
    )
