"""Bodies of the second-factor routes: the second step of signing in, enrolling, and managing
one's own factors."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from platekeeper.accounts.pending import Challenge
from platekeeper.accounts.second_factor import DEFAULT_LABEL, TotpEnrolment
from platekeeper.api.schemas.session import Me
from platekeeper.domain.factors import MAX_LABEL, SecondFactor


class SecondFactorChallenge(BaseModel):
    """The answer to a right password while second factors are required: no session yet."""

    second_factor_required: bool = Field(
        True, description="Always true here: POST /auth/second-factor completes the sign-in."
    )
    pending_token: str = Field(
        description="Names this sign-in for the second step only; expires in minutes."
    )
    methods: list[str] = Field(
        description="What the person can show: 'totp', 'webauthn', 'recovery-code'. Empty: "
        "they have none and enrol one (POST /auth/second-factor/enrol)."
    )
    must_enrol: bool
    expires_at: datetime
    system_use_notice: str = Field(
        description="The system-use notification (CJIS AC-8, accounts.system_use_notice), "
        "to show before the person goes on."
    )

    @classmethod
    def of(cls, challenge: Challenge, notice: str) -> SecondFactorChallenge:
        return cls(
            pending_token=challenge.token,
            methods=list(challenge.methods),
            must_enrol=challenge.must_enrol,
            expires_at=challenge.expires_at,
            system_use_notice=notice,
        )


class SecondStepBody(BaseModel):
    pending_token: str = Field(max_length=100)
    code: str = Field(
        max_length=32, description="A six-digit code from the authenticator, or a recovery code."
    )


class EnrolBody(BaseModel):
    pending_token: str = Field(max_length=100)
    label: str = Field(DEFAULT_LABEL, max_length=MAX_LABEL)


class EnrolConfirmBody(BaseModel):
    pending_token: str = Field(max_length=100)
    factor_id: str = Field(max_length=64)
    code: str = Field(max_length=32)


class PasswordAgain(BaseModel):
    """Changing what proves who one is asks for the password again."""

    password: str = Field(max_length=1024)


class TotpLabel(PasswordAgain):
    label: str = Field(DEFAULT_LABEL, max_length=MAX_LABEL)


class TotpCode(BaseModel):
    code: str = Field(max_length=32)


class TotpEnrolmentPublic(BaseModel):
    """A new TOTP secret, shown this once: type it, or scan the QR code, into an app."""

    factor_id: str
    secret: str
    otpauth_uri: str
    qr_svg: str

    @classmethod
    def of(cls, enrolment: TotpEnrolment) -> TotpEnrolmentPublic:
        return cls(
            factor_id=enrolment.factor_id,
            secret=enrolment.secret,
            otpauth_uri=enrolment.uri,
            qr_svg=enrolment.qr_svg,
        )


class SignedInWithCodes(Me):
    """The session of a sign-in that enrolled the first factor, and its recovery codes."""

    recovery_codes: list[str] = Field(description="Shown this once; each works once.")


class RecoveryCodes(BaseModel):
    recovery_codes: list[str] = Field(
        description="Shown this once; each works once. Empty when none were made."
    )


class FactorPublic(BaseModel):
    id: str
    kind: str
    label: str
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def of(cls, factor: SecondFactor) -> FactorPublic:
        return cls(
            id=factor.id,
            kind=factor.kind.value,
            label=factor.label,
            created_at=factor.created_at,
            last_used_at=factor.last_used_at,
        )


class FactorList(BaseModel):
    factors: list[FactorPublic]
    recovery_codes_left: int
    signed_in_with: str
