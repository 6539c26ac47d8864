"""Second factors, recovery codes and pending sign-ins.

The two checks that stop a replay are single statements: a TOTP step is accepted only by an
UPDATE that finds it later than the last, a recovery code spent only by one that finds it
unspent, so two requests racing with the same code cannot both succeed; a passkey's signature
counter moves only forward, the same way.
"""

from __future__ import annotations

from datetime import datetime

from platekeeper.domain.factors import FactorKind, PendingSignIn, SecondFactor
from platekeeper.errors import Conflict, NotFound
from platekeeper.store.sql.database import Repository, Row, marks
from platekeeper.store.sql.dialect import ConstraintViolation, TimeCodec, Violation

_FACTOR_COLUMNS = (
    "id, account_id, kind, label, created_at, confirmed_at, last_used_at, sealed_secret,"
    " last_step, credential_id, public_key, sign_count"
)
_PENDING_COLUMNS = (
    "id, account_id, token_hash, created_at, expires_at, first_factor, client_address"
)


class SqlSecondFactors(Repository):
    def add(self, factor: SecondFactor) -> None:
        try:
            self._execute(
                f"INSERT INTO second_factors ({_FACTOR_COLUMNS}) VALUES ({marks(12)})",
                _factor_row(factor, self._time),
            )
        except ConstraintViolation as exc:
            if exc.kind is Violation.FOREIGN_KEY:
                raise NotFound(f"account {factor.account_id!r} does not exist") from None
            raise Conflict(
                "that security key or passkey is registered already",
                hint="Each key is registered once; remove the old entry first.",
            ) from None

    def get(self, factor_id: str) -> SecondFactor | None:
        return self._one("id", factor_id)

    def by_credential_id(self, credential_id: str) -> SecondFactor | None:
        return self._one("credential_id", credential_id)

    def list(self, account_id: str, *, confirmed_only: bool = True) -> list[SecondFactor]:
        confirmed = " AND confirmed_at IS NOT NULL" if confirmed_only else ""
        rows = self._fetch_all(
            f"SELECT {_FACTOR_COLUMNS} FROM second_factors WHERE account_id = ?{confirmed}"
            " ORDER BY created_at, id",
            (account_id,),
        )
        return [_factor_from_row(row, self._time) for row in rows]

    def confirm(self, factor_id: str, at: datetime, step: int | None = None) -> bool:
        instant = self._time.to_db(at)
        changed = self._execute(
            "UPDATE second_factors SET confirmed_at = ?, last_used_at = ?, last_step = ?"
            " WHERE id = ? AND confirmed_at IS NULL",
            (instant, instant, step, factor_id),
        )
        return changed > 0

    def accept_step(self, factor_id: str, step: int, at: datetime) -> bool:
        changed = self._execute(
            "UPDATE second_factors SET last_step = ?, last_used_at = ?"
            " WHERE id = ? AND (last_step IS NULL OR last_step < ?)",
            (step, self._time.to_db(at), factor_id, step),
        )
        return changed > 0

    def record_use(self, factor_id: str, at: datetime, sign_count: int | None = None) -> None:
        if sign_count is None:
            self._execute(
                "UPDATE second_factors SET last_used_at = ? WHERE id = ?",
                (self._time.to_db(at), factor_id),
            )
            return
        self._execute(
            "UPDATE second_factors SET last_used_at = ?, sign_count = ? WHERE id = ?",
            (self._time.to_db(at), sign_count, factor_id),
        )

    def advance_sign_count(self, factor_id: str, sign_count: int, at: datetime) -> bool:
        # One statement, as for TOTP steps: two answers racing with one counter value (a copied
        # key's and the original's) cannot both be accepted.
        changed = self._execute(
            "UPDATE second_factors SET sign_count = ?, last_used_at = ?"
            " WHERE id = ? AND kind = 'webauthn'"
            " AND (sign_count < ? OR (sign_count = 0 AND ? = 0))",
            (sign_count, self._time.to_db(at), factor_id, sign_count, sign_count),
        )
        return changed > 0

    def delete(self, factor_id: str) -> bool:
        return self._execute("DELETE FROM second_factors WHERE id = ?", (factor_id,)) > 0

    def delete_unconfirmed(self, account_id: str) -> int:
        return self._execute(
            "DELETE FROM second_factors WHERE account_id = ? AND confirmed_at IS NULL",
            (account_id,),
        )

    def delete_for_account(self, account_id: str) -> int:
        return self._execute("DELETE FROM second_factors WHERE account_id = ?", (account_id,))

    def _one(self, column: str, value: str) -> SecondFactor | None:
        row = self._fetch_one(
            f"SELECT {_FACTOR_COLUMNS} FROM second_factors WHERE {column} = ?", (value,)
        )
        return None if row is None else _factor_from_row(row, self._time)


class SqlRecoveryCodes(Repository):
    def replace(self, account_id: str, code_hashes: list[str], at: datetime) -> None:
        instant = self._time.to_db(at)
        with self._db.write() as connection:
            connection.execute("DELETE FROM recovery_codes WHERE account_id = ?", (account_id,))
            connection.executemany(
                "INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES (?, ?, ?)",
                [(account_id, code_hash, instant) for code_hash in code_hashes],
            )

    def use(self, account_id: str, code_hash: str, at: datetime) -> bool:
        changed = self._execute(
            "UPDATE recovery_codes SET used_at = ?"
            " WHERE account_id = ? AND code_hash = ? AND used_at IS NULL",
            (self._time.to_db(at), account_id, code_hash),
        )
        return changed > 0

    def remaining(self, account_id: str) -> int:
        row = self._fetch_one(
            "SELECT count(*) FROM recovery_codes WHERE account_id = ? AND used_at IS NULL",
            (account_id,),
        )
        return 0 if row is None else int(row[0])

    def delete_for_account(self, account_id: str) -> int:
        return self._execute("DELETE FROM recovery_codes WHERE account_id = ?", (account_id,))


class SqlPendingSignIns(Repository):
    def add(self, pending: PendingSignIn) -> None:
        self._execute(
            f"INSERT INTO pending_sign_ins ({_PENDING_COLUMNS}) VALUES ({marks(7)})",
            (
                pending.id,
                pending.account_id,
                pending.token_hash,
                self._time.to_db(pending.created_at),
                self._time.to_db(pending.expires_at),
                pending.first_factor,
                pending.client_address,
            ),
        )

    def by_token_hash(self, token_hash: str) -> PendingSignIn | None:
        row = self._fetch_one(
            f"SELECT {_PENDING_COLUMNS} FROM pending_sign_ins WHERE token_hash = ?", (token_hash,)
        )
        if row is None:
            return None
        return PendingSignIn(
            id=row[0],
            account_id=row[1],
            token_hash=row[2],
            created_at=self._time.from_db(row[3]),
            expires_at=self._time.from_db(row[4]),
            first_factor=row[5],
            client_address=row[6],
        )

    def delete(self, pending_id: str) -> bool:
        return self._execute("DELETE FROM pending_sign_ins WHERE id = ?", (pending_id,)) > 0

    def delete_for_account(self, account_id: str) -> int:
        return self._execute("DELETE FROM pending_sign_ins WHERE account_id = ?", (account_id,))

    def delete_ended(self, now: datetime) -> int:
        return self._execute(
            "DELETE FROM pending_sign_ins WHERE expires_at <= ?", (self._time.to_db(now),)
        )


def _factor_row(factor: SecondFactor, time: TimeCodec) -> Row:
    return (
        factor.id,
        factor.account_id,
        factor.kind.value,
        factor.label,
        time.to_db(factor.created_at),
        time.optional_to_db(factor.confirmed_at),
        time.optional_to_db(factor.last_used_at),
        factor.sealed_secret,
        factor.last_step,
        factor.credential_id,
        factor.public_key,
        factor.sign_count,
    )


def _factor_from_row(row: Row, time: TimeCodec) -> SecondFactor:
    return SecondFactor(
        id=row[0],
        account_id=row[1],
        kind=FactorKind(row[2]),
        label=row[3],
        created_at=time.from_db(row[4]),
        confirmed_at=time.optional_from_db(row[5]),
        last_used_at=time.optional_from_db(row[6]),
        sealed_secret=row[7],
        last_step=row[8],
        credential_id=row[9],
        public_key=row[10],
        sign_count=row[11],
    )
