"""Recipients of shared ALPR data, their requests, and the decision whether a request may go.

Every request names one registered recipient and specific reads (a plate, or read ids); there is
no way to share with everyone. ``decide_share`` applies the sharing rules of the jurisdiction and
the agency to one request and says either that it may wait for a custodian's approval, or which
rule refuses it and where that rule is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from platekeeper.domain.purpose_words import points_at
from platekeeper.domain.sharing import (
    PUBLIC_ROLES,
    DeclarationRule,
    EntityType,
    RecipientRole,
    SharingRules,
)
from platekeeper.domain.time import require_utc
from platekeeper.errors import InvalidInput, PermissionDenied

_STATE = re.compile(r"[A-Z]{2}")
_PURPOSE = re.compile(r"[a-z][a-z0-9-]{1,39}")


class RecipientStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    """Kept on record, receives nothing until reactivated."""
    RETIRED = "retired"


@dataclass(frozen=True, slots=True)
class Agreement:
    """The written sharing agreement with a recipient, valid from ``signed_on`` to
    ``expires_on`` inclusive."""

    signed_on: date
    expires_on: date

    def __post_init__(self) -> None:
        if self.expires_on <= self.signed_on:
            raise InvalidInput(
                "the agreement expires before it is signed",
                hint="expires_on must lie after signed_on.",
            )

    def current(self, today: date) -> bool:
        return self.signed_on <= today <= self.expires_on


@dataclass(frozen=True, slots=True)
class Declaration:
    """A recipient's signed declaration (625 ILCS 5/2-130): who signed it, their title, when,
    and what it says; it may run until ``expires_on`` and be withdrawn on ``withdrawn_on``."""

    signed_by: str
    signer_title: str
    signed_on: date
    text: str
    recorded_by: str
    recorded_at: datetime
    expires_on: date | None = None
    withdrawn_on: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "recorded_at", require_utc(self.recorded_at, "recorded_at"))
        for name in ("signed_by", "signer_title", "text", "recorded_by"):
            if not getattr(self, name).strip():
                raise InvalidInput(f"the declaration's {name.replace('_', ' ')} is missing")
        if self.signed_on > self.recorded_at.date():
            raise InvalidInput(
                f"the declaration is dated {self.signed_on}, after it was recorded",
                hint="Record a declaration once it is signed, with the date it was signed.",
            )
        if self.expires_on is not None and self.expires_on <= self.signed_on:
            raise InvalidInput("the declaration expires before it is signed")

    def current(self, today: date) -> bool:
        return (
            self.signed_on <= today
            and (self.expires_on is None or today <= self.expires_on)
            and (self.withdrawn_on is None or today < self.withdrawn_on)
        )


@dataclass(frozen=True, slots=True)
class Recipient:
    """One entity that may ask the agency (``agency_id``) for ALPR data."""

    id: str
    agency_id: str
    legal_name: str
    entity_type: EntityType
    state: str
    """Two-letter code of the state (US) the recipient is in, upper case."""
    contact: str
    approving_official: str
    """Who at the recipient answers for its requests."""
    purpose_and_need: str
    next_review_on: date
    created_at: datetime
    agreement: Agreement | None = None
    status: RecipientStatus = RecipientStatus.ACTIVE
    role: RecipientRole = RecipientRole.LAW_ENFORCEMENT
    declaration: Declaration | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "created_at", require_utc(self.created_at, "created_at"))
        private = self.entity_type is EntityType.PRIVATE
        if private and self.role is RecipientRole.LAW_ENFORCEMENT:
            # The default role: a private entity is never law enforcement, whatever it says.
            object.__setattr__(self, "role", RecipientRole.OTHER)
        if self.role in PUBLIC_ROLES and private:
            raise InvalidInput(
                f"a private entity cannot be a {self.role.value} recipient",
                hint="Law enforcement, prosecutors and courts are public; a private recipient"
                " is a vendor, the defense, or other.",
            )
        object.__setattr__(self, "state", self.state.strip().upper())
        if not _STATE.fullmatch(self.state):
            raise InvalidInput(
                f"state {self.state!r} is not a two-letter code", hint="For example 'CA'."
            )
        for name in ("legal_name", "contact", "approving_official", "purpose_and_need"):
            if not getattr(self, name).strip():
                raise InvalidInput(f"the recipient's {name.replace('_', ' ')} is missing")


_PLACEHOLDERS = frozenset({"tbd", "tba", "n/a", "na", "none", "unknown", "pending", "x", "-", "?"})


@dataclass(frozen=True, slots=True)
class CourtOrder:
    """The court order behind a share where the law asks for one (Va. Code 2.2-5517 for the
    defence and for courts): its case or order number, the court that issued it, and when.
    A placeholder is no order: ``TBD`` from the "court" of ``n/a`` is refused."""

    reference: str
    court: str
    issued_on: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "reference", self.reference.strip())
        object.__setattr__(self, "court", self.court.strip())
        if self.reference.lower() in _PLACEHOLDERS or not any(c.isalnum() for c in self.reference):
            raise InvalidInput(
                f"court order reference {self.reference!r} is not a case or order number",
                hint="Give the number on the order, e.g. 'CR25-1234'.",
            )
        if self.court.lower() in _PLACEHOLDERS or len(self.court) < 3:
            raise InvalidInput(
                f"court {self.court!r} does not name a court",
                hint="Name the court that issued the order, e.g. 'Fairfax Circuit Court'.",
            )


class ShareStatus(StrEnum):
    REFUSED = "refused"
    """Refused by a rule when submitted; ``rule`` and ``citation`` say which."""
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    """Denied by a custodian."""
    EXPORTED = "exported"


class ShareRule(StrEnum):
    """The rules a request is checked against, in order; each refusal names one."""

    SHARING_DISABLED = "sharing-disabled"
    RECIPIENT_INACTIVE = "recipient-inactive"
    ENTITY_TYPE = "entity-type"
    ROLE = "recipient-role"
    STATE = "state"
    DECLARATION = "declaration"
    FORBIDDEN_PURPOSE = "forbidden-purpose"
    PURPOSE = "purpose"
    CASE_NUMBER = "case-number"
    AGREEMENT = "agreement"
    REVIEW_OVERDUE = "review-overdue"
    COURT_ORDER = "court-order"
    NO_READS = "no-reads"
    TOO_MANY_READS = "too-many-reads"


# Where a rule is written when the rules in force cite nothing more specific for it.
DEFAULT_CITATIONS: dict[ShareRule, str] = {
    ShareRule.SHARING_DISABLED: "PlateKeeper default: sharing is off until the policy enables it",
    ShareRule.RECIPIENT_INACTIVE: "agency sharing policy: only active registered recipients",
    ShareRule.ENTITY_TYPE: "the jurisdiction profile's allowed recipient types",
    ShareRule.ROLE: "the jurisdiction profile's allowed recipient roles",
    ShareRule.STATE: "the jurisdiction profile's allowed recipient states",
    ShareRule.DECLARATION: "the jurisdiction profile's declaration required of out-of-state"
    " recipients",
    ShareRule.FORBIDDEN_PURPOSE: "the policy's forbidden sharing purposes",
    ShareRule.PURPOSE: "Civil Code 1798.90.51(b)(2)(A) and (D): only the usage and privacy"
    " policy's authorised purposes",
    ShareRule.CASE_NUMBER: "Civil Code 1798.90.52(b): every access names its purpose and case;"
    " agency case number format (access.case_number_pattern)",
    ShareRule.AGREEMENT: "Civil Code 1798.90.51 (usage and privacy policy: sharing restrictions);"
    " agency sharing policy: only under a current written agreement",
    ShareRule.REVIEW_OVERDUE: "agency sharing policy: each recipient's need is reviewed by its"
    " next review date",
    ShareRule.COURT_ORDER: "the jurisdiction profile's recipients served only under a court"
    " order (sharing.court_order_roles)",
    ShareRule.NO_READS: "agency sharing policy: a request names specific reads",
    ShareRule.TOO_MANY_READS: "agency sharing policy: no bulk sharing"
    " (sharing.max_reads_per_request)",
}

SHARING_OFF = SharingRules(
    enabled=False, allowed_entity_types=frozenset(EntityType), allowed_states=None
)
"""The default without a policy: no law is known yet, so the registry takes recipients, but
nothing is shared and nobody is listed as one that may receive data until a policy enables
sharing (a recipient the policy's law refuses is then refused at every request)."""


@dataclass(frozen=True, slots=True)
class ShareRequest:
    """A recipient's request for specific reads, entered by ``requested_by`` on its behalf.

    ``plate`` (with an optional time range) or ``read_ids`` as asked; once resolved,
    ``read_ids`` holds the agency's reads the request covers, which the custodian approves.
    """

    id: str
    agency_id: str
    recipient_id: str
    purpose: str
    case_number: str
    requested_by: str
    requested_at: datetime
    read_ids: tuple[str, ...] = ()
    plate: str | None = None
    captured_from: datetime | None = None
    captured_before: datetime | None = None
    status: ShareStatus = ShareStatus.PENDING
    rule: ShareRule | None = None
    citation: str | None = None
    reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    exported_at: datetime | None = None
    bundle_sha256: str | None = None
    court_order: CourtOrder | None = None
    """The order the request is made under, where the recipient's role needs one."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "purpose", normalise_purpose(self.purpose))
        object.__setattr__(self, "requested_at", require_utc(self.requested_at, "requested_at"))
        order = self.court_order
        if order is not None and order.issued_on > self.requested_at.date():
            raise InvalidInput(
                f"the court order is dated {order.issued_on}, after the request",
                hint="A share goes under an order already issued; give the date it was issued.",
            )
        for name in ("captured_from", "captured_before"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, require_utc(value, name))
        if not self.case_number.strip():
            raise InvalidInput("the recipient's case number is missing")
        if (
            self.captured_from
            and self.captured_before
            and self.captured_from >= self.captured_before
        ):
            raise InvalidInput(
                "the time range is empty", hint="captured_from must lie before captured_before."
            )

    def refused(self, decision: ShareDecision) -> ShareRequest:
        return replace(
            self,
            status=ShareStatus.REFUSED,
            rule=decision.rule,
            citation=decision.citation,
            reason=decision.reason,
        )

    def decided(self, by: str, approve: bool, at: datetime) -> ShareRequest:
        """Approved or denied by custodian ``by``; nobody decides a request they entered."""
        if self.status is not ShareStatus.PENDING:
            raise InvalidInput(
                f"share request {self.id} is {self.status.value}, not pending",
                hint="Only a pending request can be approved or denied.",
            )
        if by == self.requested_by:
            raise PermissionDenied(
                "nobody may approve or deny a share request they entered",
                hint="Ask another custodian.",
            )
        status = ShareStatus.APPROVED if approve else ShareStatus.DENIED
        return replace(self, status=status, decided_by=by, decided_at=require_utc(at, "at"))


def normalise_purpose(purpose: str) -> str:
    """A purpose as a code: ``"Immigration Enforcement"`` is ``immigration-enforcement``, so a
    forbidden purpose cannot pass under another spelling."""
    code = re.sub(r"[\s_]+", "-", purpose.strip().lower())
    if not _PURPOSE.fullmatch(code):
        raise InvalidInput(
            f"purpose {purpose!r} is not a purpose code",
            hint="Use 2 to 40 lower-case letters, digits and hyphens, e.g. 'homicide'.",
        )
    return code


@dataclass(frozen=True, slots=True)
class ShareDecision:
    """May the request wait for a custodian's approval; if not, the rule and its citation."""

    allowed: bool
    reason: str
    rule: ShareRule | None = None
    citation: str | None = None


ALLOWED = ShareDecision(True, "allowed by the sharing rules; waits for a custodian's approval")


def decide_share(
    rules: SharingRules,
    recipient: Recipient,
    request: ShareRequest,
    today: date,
    max_reads: int,
) -> ShareDecision:
    """The first rule that refuses ``request`` to ``recipient`` on ``today``, or ``ALLOWED``."""
    decision = decide_recipient(rules, recipient, request.purpose, today)
    if decision.allowed:
        decision = decide_court_order(rules, recipient, request)
    if decision.allowed and points_at(request.case_number, rules.forbidden_categories):
        rule = ShareRule.FORBIDDEN_PURPOSE
        reason = f"the case {request.case_number!r} points at a forbidden matter"
        return ShareDecision(False, reason, rule, citation_for(rules, rule))
    refusal = None if not decision.allowed else _volume_refusal(len(request.read_ids), max_reads)
    if refusal is None:
        return decision
    rule, reason = refusal
    return ShareDecision(False, reason, rule, citation_for(rules, rule))


def decide_recipient(
    rules: SharingRules, recipient: Recipient, purpose: str | None, today: date
) -> ShareDecision:
    """The checks that need no reads: whether this recipient may receive anything for
    ``purpose`` today. A request is checked with these before any read is looked up."""
    refusal = _recipient_refusal(rules, recipient, purpose, today)
    if refusal is None:
        return ALLOWED
    rule, reason = refusal
    return ShareDecision(False, reason, rule, citation_for(rules, rule))


def decide_court_order(
    rules: SharingRules, recipient: Recipient, request: ShareRequest
) -> ShareDecision:
    """Refused where the recipient's role is served only under a court order and the request
    records none: the order's reference, court and date go with the request, or nothing does."""
    if recipient.role not in rules.court_order_roles or request.court_order is not None:
        return ALLOWED
    rule = ShareRule.COURT_ORDER
    reason = (
        f"{recipient.legal_name} is a {recipient.role.value} recipient, served only under a"
        " court order; the request records none (reference, court and date)"
    )
    return ShareDecision(False, reason, rule, citation_for(rules, rule))


def lawful_recipient(rules: SharingRules, recipient: Recipient) -> ShareDecision:
    """Whether the law lets ``recipient`` receive anything at all, whatever it asks and
    whatever its status: its entity type, role and state. A recipient refused here is refused
    at registration, and never listed as one that may receive data."""
    refusal = next(
        ((rule, reason) for refused, rule, reason in _law_checks(rules, recipient) if refused),
        None,
    )
    if refusal is None:
        return ALLOWED
    rule, reason = refusal
    return ShareDecision(False, reason, rule, citation_for(rules, rule))


def may_receive(rules: SharingRules, recipient: Recipient, today: date) -> bool:
    """Whether ``recipient`` may receive data today for some purpose: what a public list of
    recipients may say of it."""
    return decide_recipient(rules, recipient, None, today).allowed


def citation_for(rules: SharingRules, rule: ShareRule) -> str:
    return rules.citations.get(rule.value) or DEFAULT_CITATIONS[rule]


_Check = tuple[bool, ShareRule, str]


def _law_checks(rules: SharingRules, recipient: Recipient) -> tuple[_Check, ...]:
    name = recipient.legal_name
    role = recipient.role
    return (
        (
            recipient.entity_type not in rules.allowed_entity_types,
            ShareRule.ENTITY_TYPE,
            f"{name} is a {recipient.entity_type.value} recipient, which may not receive"
            " ALPR information",
        ),
        (
            rules.allowed_roles is not None and role not in rules.allowed_roles,
            ShareRule.ROLE,
            f"{name} is a {role.value} recipient; recipients must be one of"
            f" {', '.join(sorted(r.value for r in rules.allowed_roles or ()))}",
        ),
        (
            rules.allowed_states is not None
            and recipient.state not in rules.allowed_states
            and role not in rules.any_state_roles,
            ShareRule.STATE,
            f"{name} is in {recipient.state}; recipients must be in"
            f" {', '.join(sorted(rules.allowed_states or ()))}",
        ),
    )


def missing_declaration(rules: SharingRules, recipient: Recipient, today: date) -> str | None:
    """The citation of a declaration ``recipient`` needs and lacks today, or None."""
    declaration = recipient.declaration
    for rule in rules.declarations:
        if not rule.applies_to(recipient.role, recipient.state):
            continue
        if declaration is None or not declaration.current(today):
            return rule.citation
        if not rule.accepts(declaration.text):
            return rule.citation
    return None


def declaration_rule_for(rules: SharingRules, recipient: Recipient) -> DeclarationRule | None:
    return next(
        (r for r in rules.declarations if r.applies_to(recipient.role, recipient.state)), None
    )


def _recipient_refusal(
    rules: SharingRules, recipient: Recipient, purpose: str | None, today: date
) -> tuple[ShareRule, str] | None:
    name = recipient.legal_name
    agreement = recipient.agreement
    declaration = recipient.declaration
    checks = (
        (not rules.enabled, ShareRule.SHARING_DISABLED, "sharing is disabled"),
        (
            recipient.status is not RecipientStatus.ACTIVE,
            ShareRule.RECIPIENT_INACTIVE,
            f"{name} is {recipient.status.value}",
        ),
        *_law_checks(rules, recipient),
        (
            missing_declaration(rules, recipient, today) is not None,
            ShareRule.DECLARATION,
            f"{name} is outside the state and has no current signed declaration"
            + ("" if declaration is None else " covering what the law asks")
            + " that the data will not be used against lawful health care or for"
            " immigration-status enforcement",
        ),
        (
            purpose is not None and _forbidden_purpose(rules, purpose),
            ShareRule.FORBIDDEN_PURPOSE,
            f"the purpose {purpose!r} is forbidden",
        ),
        (
            agreement is None or not agreement.current(today),
            ShareRule.AGREEMENT,
            f"{name} has no current sharing agreement"
            + ("" if agreement is None else f" (it runs until {agreement.expires_on})"),
        ),
        (
            recipient.next_review_on < today,
            ShareRule.REVIEW_OVERDUE,
            f"{name}'s review was due on {recipient.next_review_on}",
        ),
    )
    return next(((rule, reason) for refused, rule, reason in checks if refused), None)


def _forbidden_purpose(rules: SharingRules, purpose: str) -> bool:
    """Forbidden by code, or by words pointing at a forbidden category however it is filed."""
    code = normalise_purpose(purpose)
    return (
        code in rules.forbidden_purposes
        or points_at(purpose, rules.forbidden_categories) is not None
    )


def _volume_refusal(read_count: int, max_reads: int) -> tuple[ShareRule, str] | None:
    if read_count == 0:
        return ShareRule.NO_READS, "the request matches no reads of the agency"
    if read_count > max_reads:
        return (
            ShareRule.TOO_MANY_READS,
            f"the request covers more than {max_reads} reads; ask for specific reads",
        )
    return None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One export, as the sharing ledger keeps it: to whom, under which request, how much, and
    the SHA-256 of the bundle's manifest. No plate text. ``seq`` is 0 until stored."""

    exported_at: datetime
    agency_id: str
    recipient_id: str
    request_id: str
    exported_by: str
    read_count: int
    image_count: int
    bundle_sha256: str
    seq: int = 0
