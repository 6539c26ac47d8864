"""Bodies of the session routes: signing in, who is signed in, the purposes offered."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from platekeeper.domain.credentials import Principal, csrf_token_for


class LoginBody(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class PasswordChangeBody(BaseModel):
    """The sign-in step for a password someone else set: the owner proves it and chooses one."""

    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class Me(BaseModel):
    username: str
    display_name: str
    agency_id: str
    job_title: str
    roles: list[str]
    permissions: list[str]
    training_expires_on: date | None
    csrf_token: str | None = Field(
        description="Send it as X-CSRF-Token with every request that changes something; "
        "null when signed in with an API token, which needs none."
    )
    signed_in_with: str = Field(
        description="How the person proved who they are, e.g. 'password+totp', 'oidc'."
    )

    @classmethod
    def of(cls, principal: Principal, session_token: str | None) -> Me:
        account = principal.account
        return cls(
            username=account.username,
            display_name=account.display_name,
            agency_id=account.agency_id,
            job_title=account.job_title,
            roles=sorted(role.value for role in account.roles),
            permissions=sorted(p.value for p in principal.permissions),
            training_expires_on=None if account.training is None else account.training.expires_on,
            csrf_token=None if session_token is None else csrf_token_for(session_token),
            signed_in_with=principal.signed_in_with,
        )


class SignedIn(Me):
    """The answer to a sign-in: who is signed in, and the system-use notification."""

    system_use_notice: str = Field(
        description="The system-use notification (CJIS AC-8, accounts.system_use_notice): "
        "a client shows it to the person, as the sign-in pages do, before they go on."
    )

    @classmethod
    def answer(cls, principal: Principal, session_token: str, notice: str) -> SignedIn:
        return cls(**Me.of(principal, session_token).model_dump(), system_use_notice=notice)


class SystemUseNotice(BaseModel):
    system_use_notice: str = Field(
        description="The system-use notification (CJIS AC-8) to show before signing in."
    )


class Purpose(BaseModel):
    code: str
    label: str


class Purposes(BaseModel):
    purposes: list[Purpose]
    case_number_pattern: str
    case_number_example: str
    approval_beyond_days: int | None = Field(
        description="Searches reaching further back need a supervisor's approval; null: none do."
    )
