"""Single sign-on's records: linked identities, sign-ins on their way, federated sessions."""

from __future__ import annotations

from datetime import datetime

from platekeeper.domain.sign_on import FederatedIdentity, SignOnRequest
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.sql.database import Repository, Row, marks
from platekeeper.store.sql.dialect import ConstraintViolation, Violation

_IDENTITY_COLUMNS = "issuer, subject, account_id, linked_at, last_sign_in_at"
_REQUEST_COLUMNS = "binding_hash, state, nonce, code_verifier, next_page, created_at"


class SqlFederatedIdentities(Repository):
    def get(self, issuer: str, subject: str) -> FederatedIdentity | None:
        row = self._fetch_one(
            f"SELECT {_IDENTITY_COLUMNS} FROM federated_identities"
            " WHERE issuer = ? AND subject = ?",
            (issuer, subject),
        )
        return None if row is None else self._identity(row)

    def of_account(self, issuer: str, account_id: str) -> FederatedIdentity | None:
        row = self._fetch_one(
            f"SELECT {_IDENTITY_COLUMNS} FROM federated_identities"
            " WHERE issuer = ? AND account_id = ?",
            (issuer, account_id),
        )
        return None if row is None else self._identity(row)

    def link(self, identity: FederatedIdentity) -> None:
        try:
            self._execute(
                f"INSERT INTO federated_identities ({_IDENTITY_COLUMNS}) VALUES ({marks(5)})",
                (
                    identity.issuer,
                    identity.subject,
                    identity.account_id,
                    self._time.to_db(identity.linked_at),
                    self._time.optional_to_db(identity.last_sign_in_at),
                ),
            )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"account {identity.account_id!r} does not exist") from None
            raise Conflict(
                "the provider's person or the account is linked already",
                hint="One person of the directory signs in to one account.",
            ) from None

    def record_sign_in(self, issuer: str, subject: str, at: datetime) -> None:
        self._execute(
            "UPDATE federated_identities SET last_sign_in_at = ? WHERE issuer = ? AND subject = ?",
            (self._time.to_db(at), issuer, subject),
        )

    def _identity(self, row: Row) -> FederatedIdentity:
        return FederatedIdentity(
            row[0],
            row[1],
            row[2],
            self._time.from_db(row[3]),
            self._time.optional_from_db(row[4]),
        )


class SqlSignOnRequests(Repository):
    def add(self, request: SignOnRequest) -> None:
        self._execute(
            f"INSERT INTO sign_on_requests ({_REQUEST_COLUMNS}) VALUES ({marks(6)})",
            (
                request.binding_hash,
                request.state,
                request.nonce,
                request.code_verifier,
                request.next_page,
                self._time.to_db(request.created_at),
            ),
        )

    def take(self, binding_hash: str) -> SignOnRequest | None:
        # DELETE ... RETURNING: two answers racing for one request, only one gets it.
        with self._db.write() as connection:
            row = connection.execute(
                f"DELETE FROM sign_on_requests WHERE binding_hash = ? RETURNING {_REQUEST_COLUMNS}",
                (binding_hash,),
            ).fetchone()
        if row is None:
            return None
        return SignOnRequest(row[0], row[1], row[2], row[3], row[4], self._time.from_db(row[5]))

    def forget_before(self, instant: datetime) -> int:
        return self._execute(
            "DELETE FROM sign_on_requests WHERE created_at < ?", (self._time.to_db(instant),)
        )


class SqlFederatedSessions(Repository):
    def add(self, session_id: str, issuer: str, id_token: str) -> None:
        self._execute(
            "INSERT INTO federated_sessions (session_id, issuer, id_token) VALUES (?, ?, ?)",
            (session_id, issuer, id_token),
        )

    def id_token(self, session_id: str) -> tuple[str, str] | None:
        row = self._fetch_one(
            "SELECT issuer, id_token FROM federated_sessions WHERE session_id = ?", (session_id,)
        )
        return None if row is None else (str(row[0]), str(row[1]))
