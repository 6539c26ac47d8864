"""The agency's directory: provisioning tokens, and the people and groups it sent (SCIM)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from platekeeper.domain.directory import DirectoryGroup, DirectoryToken, DirectoryUser
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.sql.database import Repository, Row, Transaction, marks
from platekeeper.store.sql.dialect import ConstraintViolation, TimeCodec, Violation

_CREDENTIAL_COLUMNS = (
    "id, agency_id, name, token_hash, issued_by, created_at, expires_at, last_used_at, revoked_at"
)
_USER_FIELDS = (
    "id", "agency_id", "user_name", "external_id", "display_name", "given_name", "family_name",
    "title", "active", "account_id", "created_at", "updated_at",
)  # fmt: skip
_USER_COLUMNS = ", ".join(_USER_FIELDS)
# An update never moves a user to another id, agency or creation time.
_FIXED = ("id", "agency_id", "created_at")
_USER_SET = ", ".join(f"{name} = ?" for name in _USER_FIELDS if name not in _FIXED)
_GROUP_COLUMNS = "id, agency_id, display_name, external_id, created_at, updated_at"


class SqlDirectoryTokens(Repository):
    def add(self, token: DirectoryToken) -> None:
        try:
            self._execute(
                f"INSERT INTO directory_tokens ({_CREDENTIAL_COLUMNS}) VALUES ({marks(9)})",
                _token_row(token, self._time),
            )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"agency {token.agency_id!r} does not exist") from None
            raise Conflict("that provisioning token already exists") from None

    def get(self, token_id: str) -> DirectoryToken | None:
        return self._one("id", token_id)

    def by_token_hash(self, token_hash: str) -> DirectoryToken | None:
        return self._one("token_hash", token_hash)

    def list(self, agency_id: str) -> list[DirectoryToken]:
        rows = self._fetch_all(
            f"SELECT {_CREDENTIAL_COLUMNS} FROM directory_tokens WHERE agency_id = ?"
            " ORDER BY created_at DESC, id",
            (agency_id,),
        )
        return [_token_from_row(row, self._time) for row in rows]

    def revoke(self, token_id: str, at: datetime) -> bool:
        changed = self._execute(
            "UPDATE directory_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            (self._time.to_db(at), token_id),
        )
        return changed > 0

    def record_use(self, token_id: str, at: datetime) -> None:
        instant = self._time.to_db(at)
        self._execute(
            f"UPDATE directory_tokens SET last_used_at = {self._dialect.later('last_used_at')}"
            " WHERE id = ?",
            (instant, instant, token_id),
        )

    def _one(self, column: str, value: str) -> DirectoryToken | None:
        row = self._fetch_one(
            f"SELECT {_CREDENTIAL_COLUMNS} FROM directory_tokens WHERE {column} = ?", (value,)
        )
        return None if row is None else _token_from_row(row, self._time)


class SqlDirectoryUsers(Repository):
    def add(self, user: DirectoryUser) -> None:
        with _taken(f"userName {user.user_name!r}"):
            self._execute(
                f"INSERT INTO directory_users ({_USER_COLUMNS}) VALUES ({marks(12)})",
                _user_row(user, self._time),
            )

    def get(self, user_id: str) -> DirectoryUser | None:
        return self._first("id = ?", (user_id,))

    def by_account(self, account_id: str) -> DirectoryUser | None:
        return self._first("account_id = ?", (account_id,))

    def list(
        self, agency_id: str, *, user_name: str | None = None, external_id: str | None = None
    ) -> list[DirectoryUser]:
        clauses, params = _matching(agency_id, {"user_name": user_name, "external_id": external_id})
        rows = self._fetch_all(
            f"SELECT {_USER_COLUMNS} FROM directory_users WHERE {clauses} ORDER BY user_name",
            params,
        )
        return [_user_from_row(row, self._time) for row in rows]

    def update(self, user: DirectoryUser) -> None:
        row = dict(zip(_USER_FIELDS, _user_row(user, self._time), strict=True))
        changed = [row[name] for name in _USER_FIELDS if name not in _FIXED]
        with _taken(f"userName {user.user_name!r}"):
            count = self._execute(
                f"UPDATE directory_users SET {_USER_SET} WHERE id = ?", (*changed, user.id)
            )
        if count == 0:
            raise NotFound(f"user {user.id!r} does not exist")

    def delete(self, user_id: str) -> bool:
        return self._execute("DELETE FROM directory_users WHERE id = ?", (user_id,)) > 0

    def _first(self, where: str, params: Sequence[Any]) -> DirectoryUser | None:
        row = self._fetch_one(f"SELECT {_USER_COLUMNS} FROM directory_users WHERE {where}", params)
        return None if row is None else _user_from_row(row, self._time)


class SqlDirectoryGroups(Repository):
    def add(self, group: DirectoryGroup) -> None:
        with _taken(f"group {group.display_name!r}"), self._db.write() as connection:
            connection.execute(
                f"INSERT INTO directory_groups ({_GROUP_COLUMNS}) VALUES ({marks(6)})",
                _group_row(group, self._time),
            )
            _add_members(connection, group)

    def get(self, group_id: str) -> DirectoryGroup | None:
        found = self._select("id = ?", (group_id,))
        return found[0] if found else None

    def of_user(self, user_id: str) -> list[DirectoryGroup]:
        return self._select(
            "id IN (SELECT group_id FROM directory_group_members WHERE user_id = ?)", (user_id,)
        )

    def update(self, group: DirectoryGroup) -> None:
        with _taken(f"group {group.display_name!r}"), self._db.write() as connection:
            count = connection.execute(
                "UPDATE directory_groups SET display_name = ?, external_id = ?, updated_at = ?"
                " WHERE id = ?",
                (
                    group.display_name,
                    group.external_id,
                    self._time.to_db(group.updated_at),
                    group.id,
                ),
            ).rowcount
            if count == 0:
                raise NotFound(f"group {group.id!r} does not exist")
            connection.execute(
                "DELETE FROM directory_group_members WHERE group_id = ?", (group.id,)
            )
            _add_members(connection, group)

    def delete(self, group_id: str) -> bool:
        return self._execute("DELETE FROM directory_groups WHERE id = ?", (group_id,)) > 0

    def _select(self, where: str, params: Sequence[Any]) -> list[DirectoryGroup]:
        with self._db.read() as connection:
            rows = connection.execute(
                f"SELECT {_GROUP_COLUMNS} FROM directory_groups WHERE {where}"
                " ORDER BY display_name",
                params,
            ).fetchall()
            members = {
                row[0]: connection.execute(
                    "SELECT user_id FROM directory_group_members WHERE group_id = ?", (row[0],)
                ).fetchall()
                for row in rows
            }
        return [
            _group_from_row(row, frozenset(m[0] for m in members[row[0]]), self._time)
            for row in rows
        ]

    # Last: below it, ``list`` in an annotation would name this method.
    def list(
        self, agency_id: str, *, display_name: str | None = None, external_id: str | None = None
    ) -> list[DirectoryGroup]:
        clauses, params = _matching(
            agency_id, {"display_name": display_name, "external_id": external_id}
        )
        return self._select(clauses, params)


@contextmanager
def _taken(what: str) -> Iterator[None]:
    """A broken uniqueness as ``Conflict`` naming ``what``; a missing reference as ``NotFound``."""
    try:
        yield
    except ConstraintViolation as exc:
        if exc.kind is Violation.FOREIGN_KEY:
            raise NotFound("a user, account or agency named does not exist") from None
        raise Conflict(f"{what} is taken") from None


def _matching(agency_id: str, columns: dict[str, str | None]) -> tuple[str, list[object]]:
    clauses, params = ["agency_id = ?"], [agency_id]
    for column, value in columns.items():
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return " AND ".join(clauses), list(params)


def _add_members(connection: Transaction, group: DirectoryGroup) -> None:
    connection.executemany(
        "INSERT INTO directory_group_members (group_id, user_id) VALUES (?, ?)",
        [(group.id, user_id) for user_id in sorted(group.members)],
    )


def _token_row(token: DirectoryToken, time: TimeCodec) -> Row:
    return (
        token.id,
        token.agency_id,
        token.name,
        token.token_hash,
        token.issued_by,
        time.to_db(token.created_at),
        time.to_db(token.expires_at),
        time.optional_to_db(token.last_used_at),
        time.optional_to_db(token.revoked_at),
    )


def _token_from_row(row: Row, time: TimeCodec) -> DirectoryToken:
    return DirectoryToken(
        id=row[0],
        agency_id=row[1],
        name=row[2],
        token_hash=row[3],
        issued_by=row[4],
        created_at=time.from_db(row[5]),
        expires_at=time.from_db(row[6]),
        last_used_at=time.optional_from_db(row[7]),
        revoked_at=time.optional_from_db(row[8]),
    )


def _user_row(user: DirectoryUser, time: TimeCodec) -> Row:
    """The values of ``user`` in ``_USER_FIELDS`` order."""
    return (
        user.id,
        user.agency_id,
        user.user_name,
        user.external_id,
        user.display_name,
        user.given_name,
        user.family_name,
        user.title,
        user.active,
        user.account_id,
        time.to_db(user.created_at),
        time.to_db(user.updated_at),
    )


def _user_from_row(row: Row, time: TimeCodec) -> DirectoryUser:
    return DirectoryUser(
        id=row[0],
        agency_id=row[1],
        user_name=row[2],
        external_id=row[3],
        display_name=row[4],
        given_name=row[5],
        family_name=row[6],
        title=row[7],
        active=bool(row[8]),
        account_id=row[9],
        created_at=time.from_db(row[10]),
        updated_at=time.from_db(row[11]),
    )


def _group_row(group: DirectoryGroup, time: TimeCodec) -> Row:
    return (
        group.id,
        group.agency_id,
        group.display_name,
        group.external_id,
        time.to_db(group.created_at),
        time.to_db(group.updated_at),
    )


def _group_from_row(row: Row, members: frozenset[str], time: TimeCodec) -> DirectoryGroup:
    return DirectoryGroup(
        id=row[0],
        agency_id=row[1],
        display_name=row[2],
        external_id=row[3],
        created_at=time.from_db(row[4]),
        updated_at=time.from_db(row[5]),
        members=members,
    )
