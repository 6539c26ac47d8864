"""Bodies of the account routes: accounts, roles, training, passwords and API tokens."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from platekeeper.domain.credentials import ApiToken
from platekeeper.domain.people import Account, AccountStatus, Role, SuspensionReason
from platekeeper.domain.token_scopes import TokenScope


class AccountPublic(BaseModel):
    id: str
    username: str
    display_name: str
    agency_id: str
    job_title: str
    roles: list[Role]
    status: AccountStatus
    suspension_reason: SuspensionReason | None
    training_completed_on: date | None
    training_expires_on: date | None
    created_at: datetime
    last_active_at: datetime | None

    @classmethod
    def of(cls, account: Account) -> AccountPublic:
        training = account.training
        return cls(
            id=account.id,
            username=account.username,
            display_name=account.display_name,
            agency_id=account.agency_id,
            job_title=account.job_title,
            roles=sorted(account.roles),
            status=account.status,
            suspension_reason=account.suspension_reason,
            training_completed_on=None if training is None else training.completed_on,
            training_expires_on=None if training is None else training.expires_on,
            created_at=account.created_at,
            last_active_at=account.last_active_at,
        )


class AccountList(BaseModel):
    accounts: list[AccountPublic]


class TrainingIn(BaseModel):
    completed_on: date
    expires_on: date | None = Field(
        default=None, description="Defaults to completed_on plus accounts.training_valid_days."
    )


class AccountCreate(BaseModel):
    username: str = Field(max_length=64)
    display_name: str = Field(min_length=1, max_length=200)
    job_title: str = Field(min_length=1, max_length=200)
    roles: list[Role] = Field(min_length=1)
    training: TrainingIn
    password: str | None = Field(
        default=None,
        max_length=1024,
        description="An initial password; without one nobody can sign in until it is set.",
    )


class RolesIn(BaseModel):
    roles: list[Role] = Field(min_length=1)


class ReactivateIn(BaseModel):
    training: TrainingIn | None = Field(
        default=None,
        description="A new training record; without it the one on file must be current.",
    )


class PasswordSet(BaseModel):
    password: str = Field(max_length=1024)


class OwnPasswordChange(BaseModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="The service that will use it.")
    scopes: list[TokenScope] = Field(
        min_length=1,
        description="What the token may be used for; it acts with the permissions these name "
        "and your roles grant, never more (docs/api.md, 'API tokens').",
    )
    days: int | None = Field(
        default=None,
        ge=1,
        le=730,
        description="Lifetime; by default accounts.api_token_default_days, at most "
        "accounts.api_token_max_days.",
    )


class TokenPublic(BaseModel):
    id: str
    name: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    scopes: list[TokenScope] = Field(description="Empty for a token issued before scopes: void.")

    @classmethod
    def of(cls, token: ApiToken) -> TokenPublic:
        return cls(
            id=token.id,
            name=token.name,
            scopes=sorted(token.scopes),
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


class TokenIssued(TokenPublic):
    token: str = Field(description="Shown this once; only its hash is kept.")


class TokenList(BaseModel):
    tokens: list[TokenPublic]
