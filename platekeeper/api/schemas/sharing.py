"""Bodies of the sharing routes: recipients, share requests, the ledger and the public list."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from platekeeper.domain.recipients import (
    Agreement,
    CourtOrder,
    Declaration,
    LedgerEntry,
    Recipient,
    RecipientStatus,
    ShareRequest,
    ShareStatus,
)
from platekeeper.domain.sharing import EntityType, RecipientRole
from platekeeper.sharing.service import (
    DeclarationDraft,
    PublishedRecipient,
    RecipientDraft,
    ShareOrder,
)


class DeclarationCreate(BaseModel):
    """A recipient's signed declaration (625 ILCS 5/2-130), as signed."""

    signed_by: str = Field(min_length=1, max_length=300)
    signer_title: str = Field(min_length=1, max_length=300)
    signed_on: date
    text: str | None = Field(
        default=None,
        min_length=20,
        max_length=5000,
        description="What was signed; default: the statement the law asks for.",
    )
    expires_on: date | None = None

    def draft(self) -> DeclarationDraft:
        return DeclarationDraft(
            self.signed_by, self.signer_title, self.signed_on, self.text, self.expires_on
        )


class DeclarationOut(BaseModel):
    signed_by: str
    signer_title: str
    signed_on: date
    text: str
    recorded_by: str
    recorded_at: datetime
    expires_on: date | None
    withdrawn_on: date | None

    @classmethod
    def of(cls, declaration: Declaration) -> DeclarationOut:
        return cls(
            signed_by=declaration.signed_by,
            signer_title=declaration.signer_title,
            signed_on=declaration.signed_on,
            text=declaration.text,
            recorded_by=declaration.recorded_by,
            recorded_at=declaration.recorded_at,
            expires_on=declaration.expires_on,
            withdrawn_on=declaration.withdrawn_on,
        )


class RecipientCreate(BaseModel):
    legal_name: str = Field(min_length=1, max_length=300)
    entity_type: EntityType
    state: str = Field(min_length=2, max_length=2, description="Two-letter state code, e.g. CA.")
    contact: str = Field(min_length=1, max_length=500)
    approving_official: str = Field(min_length=1, max_length=300)
    purpose_and_need: str = Field(min_length=1, max_length=2000)
    next_review_on: date
    agreement_signed_on: date | None = None
    agreement_expires_on: date | None = None
    status: RecipientStatus = RecipientStatus.ACTIVE
    role: RecipientRole | None = Field(
        default=None,
        description="What the recipient does (Virginia names recipients by role); default:"
        " law-enforcement for a public or federal agency, other for a private entity.",
    )

    @model_validator(mode="after")
    def _agreement_whole(self) -> RecipientCreate:
        if (self.agreement_signed_on is None) != (self.agreement_expires_on is None):
            raise ValueError("an agreement has both agreement_signed_on and agreement_expires_on")
        return self

    def draft(self) -> RecipientDraft:
        agreement = (
            None
            if self.agreement_signed_on is None or self.agreement_expires_on is None
            else Agreement(self.agreement_signed_on, self.agreement_expires_on)
        )
        return RecipientDraft(
            legal_name=self.legal_name,
            entity_type=self.entity_type,
            state=self.state,
            contact=self.contact,
            approving_official=self.approving_official,
            purpose_and_need=self.purpose_and_need,
            next_review_on=self.next_review_on,
            agreement=agreement,
            status=self.status,
            role=self.role,
        )


class RecipientUpdate(RecipientCreate):
    """Every field again: an update replaces the recipient's record."""


class RecipientOut(BaseModel):
    id: str
    legal_name: str
    entity_type: EntityType
    state: str
    contact: str
    approving_official: str
    purpose_and_need: str
    next_review_on: date
    agreement_signed_on: date | None
    agreement_expires_on: date | None
    status: RecipientStatus
    created_at: datetime
    role: RecipientRole
    declaration: DeclarationOut | None

    @classmethod
    def of(cls, recipient: Recipient) -> RecipientOut:
        agreement = recipient.agreement
        return cls(
            id=recipient.id,
            legal_name=recipient.legal_name,
            entity_type=recipient.entity_type,
            state=recipient.state,
            contact=recipient.contact,
            approving_official=recipient.approving_official,
            purpose_and_need=recipient.purpose_and_need,
            next_review_on=recipient.next_review_on,
            agreement_signed_on=None if agreement is None else agreement.signed_on,
            agreement_expires_on=None if agreement is None else agreement.expires_on,
            status=recipient.status,
            created_at=recipient.created_at,
            role=recipient.role,
            declaration=None
            if recipient.declaration is None
            else DeclarationOut.of(recipient.declaration),
        )


class RecipientList(BaseModel):
    recipients: list[RecipientOut]


class RecipientPublic(BaseModel):
    """A recipient on the public list: no contact details, agreement or people."""

    legal_name: str
    entity_type: EntityType
    state: str
    next_review_on: date

    @classmethod
    def of(cls, recipient: PublishedRecipient) -> RecipientPublic:
        return cls(
            legal_name=recipient.legal_name,
            entity_type=recipient.entity_type,
            state=recipient.state,
            next_review_on=recipient.next_review_on,
        )


class RecipientPublicList(BaseModel):
    recipients: list[RecipientPublic]


class CourtOrderIn(BaseModel):
    """The court order a share goes under (Virginia: the defence and courts)."""

    reference: str = Field(min_length=1, max_length=100, description="Case or order number.")
    court: str = Field(min_length=3, max_length=200, description="The court that issued it.")
    issued_on: date

    def order(self) -> CourtOrder:
        return CourtOrder(self.reference, self.court, self.issued_on)

    @classmethod
    def of(cls, order: CourtOrder | None) -> CourtOrderIn | None:
        if order is None:
            return None
        return cls(reference=order.reference, court=order.court, issued_on=order.issued_on)


class ShareRequestCreate(BaseModel):
    """A recipient's request: a plate (and time range) or read ids, never both, never neither."""

    recipient_id: str = Field(min_length=1, max_length=200)
    purpose: str = Field(min_length=2, max_length=60, description="e.g. 'stolen-vehicle'.")
    case_number: str = Field(min_length=1, max_length=100, description="The recipient's case.")
    plate: str | None = Field(default=None, min_length=1, max_length=20)
    read_ids: list[str] = Field(default_factory=list, max_length=10_000)
    captured_from: AwareDatetime | None = None
    captured_before: AwareDatetime | None = None
    court_order: CourtOrderIn | None = None

    def order(self) -> ShareOrder:
        return ShareOrder(
            recipient_id=self.recipient_id,
            purpose=self.purpose,
            case_number=self.case_number,
            plate=self.plate,
            read_ids=tuple(self.read_ids),
            captured_from=self.captured_from,
            captured_before=self.captured_before,
            court_order=None if self.court_order is None else self.court_order.order(),
        )


class ShareRequestOut(BaseModel):
    id: str
    recipient_id: str
    purpose: str
    case_number: str
    plate: str | None
    read_ids: list[str]
    captured_from: datetime | None
    captured_before: datetime | None
    requested_by: str
    requested_at: datetime
    status: ShareStatus
    rule: str | None = Field(description="The rule that refused the request.")
    citation: str | None = Field(description="Where that rule is written.")
    reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    exported_at: datetime | None
    bundle_sha256: str | None
    court_order: CourtOrderIn | None = None

    @classmethod
    def of(cls, request: ShareRequest) -> ShareRequestOut:
        return cls(
            id=request.id,
            recipient_id=request.recipient_id,
            purpose=request.purpose,
            case_number=request.case_number,
            plate=request.plate,
            read_ids=list(request.read_ids),
            captured_from=request.captured_from,
            captured_before=request.captured_before,
            requested_by=request.requested_by,
            requested_at=request.requested_at,
            status=request.status,
            rule=None if request.rule is None else request.rule.value,
            citation=request.citation,
            reason=request.reason,
            decided_by=request.decided_by,
            decided_at=request.decided_at,
            exported_at=request.exported_at,
            court_order=CourtOrderIn.of(request.court_order),
            bundle_sha256=request.bundle_sha256,
        )


class ShareRequestList(BaseModel):
    requests: list[ShareRequestOut]


class LedgerEntryOut(BaseModel):
    seq: int
    exported_at: datetime
    recipient_id: str
    request_id: str
    exported_by: str
    read_count: int
    image_count: int
    bundle_sha256: str

    @classmethod
    def of(cls, entry: LedgerEntry) -> LedgerEntryOut:
        return cls(
            seq=entry.seq,
            exported_at=entry.exported_at,
            recipient_id=entry.recipient_id,
            request_id=entry.request_id,
            exported_by=entry.exported_by,
            read_count=entry.read_count,
            image_count=entry.image_count,
            bundle_sha256=entry.bundle_sha256,
        )


class LedgerList(BaseModel):
    entries: list[LedgerEntryOut]
