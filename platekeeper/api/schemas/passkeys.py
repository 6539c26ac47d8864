"""Bodies of the passkey routes: the browser's options and answers pass through as JSON."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from platekeeper.accounts.passkey_factors import DEFAULT_LABEL
from platekeeper.api.schemas.second_factor import FactorPublic
from platekeeper.domain.factors import MAX_LABEL

_CREDENTIAL = (
    "The browser's answer as PublicKeyCredential.toJSON() gives it (binary fields in base64url)."
)


class PendingPasskey(BaseModel):
    pending_token: str = Field(max_length=100)


class PasskeyAnswer(BaseModel):
    pending_token: str = Field(max_length=100)
    credential: dict[str, Any] = Field(description=_CREDENTIAL)


class PasskeyEnrolment(BaseModel):
    pending_token: str = Field(max_length=100)
    credential: dict[str, Any] = Field(description=_CREDENTIAL)
    label: str = Field(DEFAULT_LABEL, max_length=MAX_LABEL)


class NewPasskey(BaseModel):
    credential: dict[str, Any] = Field(description=_CREDENTIAL)
    label: str = Field(DEFAULT_LABEL, max_length=MAX_LABEL)


class PasskeyAdded(BaseModel):
    factor: FactorPublic
    recovery_codes: list[str] = Field(
        description="Shown this once where the passkey is your first factor; else empty."
    )
