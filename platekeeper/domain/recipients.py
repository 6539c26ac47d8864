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
from platekeeper.domain.sharing import EntityType, SharingRules
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "created_at", require_utc(self.created_at, "created_at"))
        object.__setattr__(self, "state", self.state.strip().upper())
        if not _STATE.fullmatch(self.state):
            raise InvalidInput(
                f"state {self.state!r} is not a two-letter code", hint="For example 'CA'."
            )
        for name in ("legal_name", "contact", "approving_official", "purpose_and_need"):
            if not getattr(self, name).strip():
                raise InvalidInput(f"the recipient's {name.replace('_', ' ')} is missing")


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
    STATE = "state"
    FORBIDDEN_PURPOSE = "forbidden-purpose"
    AGREEMENT = "agreement"
    REVIEW_OVERDUE = "review-overdue"
    NO_READS = "no-reads"
    TOO_MANY_READS = "too-many-reads"


# Where a rule is written when the rules in force cite nothing more specific for it.
DEFAULT_CITATIONS: dict[ShareRule, str] = {
    ShareRule.SHARING_DISABLED: "PlateKeeper default: sharing is off until the policy enables it",
    ShareRule.RECIPIENT_INACTIVE: "agency sharing policy: only active registered recipients",
    ShareRule.ENTITY_TYPE: "the jurisdiction profile's allowed recipient types",
    ShareRule.STATE: "the jurisdiction profile's allowed recipient states",
    ShareRule.FORBIDDEN_PURPOSE: "the policy's forbidden sharing purposes",
    ShareRule.AGREEMENT: "Civil Code 1798.90.51 (usage and privacy policy: sharing restrictions);"
    " agency sharing policy: only under a current written agreement",
    ShareRule.REVIEW_OVERDUE: "agency sharing policy: each recipient's need is reviewed by its"
    " next review date",
    ShareRule.NO_READS: "agency sharing policy: a request names specific reads",
    ShareRule.TOO_MANY_READS: "agency sharing policy: no bulk sharing"
    " (sharing.max_reads_per_request)",
}

SHARING_OFF = SharingRules(
    enabled=False, allowed_entity_types=frozenset(), allowed_states=frozenset()
)
"""The default: nothing is shared until the policy enables sharing."""
"""California's sharing rules as the sharing work assumes them until the policy file and the
jurisdiction profiles provide ``SharingRules`` (used by the demo and the tests)."""


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "purpose", normalise_purpose(self.purpose))
        object.__setattr__(self, "requested_at", require_utc(self.requested_at, "requested_at"))
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
    rules: SharingRules, recipient: Recipient, purpose: str, today: date
) -> ShareDecision:
    """The checks that need no reads: whether this recipient may receive anything for
    ``purpose`` today. A request is checked with these before any read is looked up."""
    refusal = _recipient_refusal(rules, recipient, purpose, today)
    if refusal is None:
        return ALLOWED
    rule, reason = refusal
    return ShareDecision(False, reason, rule, citation_for(rules, rule))


def citation_for(rules: SharingRules, rule: ShareRule) -> str:
    return rules.citations.get(rule.value) or DEFAULT_CITATIONS[rule]


def _recipient_refusal(
    rules: SharingRules, recipient: Recipient, purpose: str, today: date
) -> tuple[ShareRule, str] | None:
    name = recipient.legal_name
    agreement = recipient.agreement
    checks = (
        (not rules.enabled, ShareRule.SHARING_DISABLED, "sharing is disabled"),
        (
            recipient.status is not RecipientStatus.ACTIVE,
            ShareRule.RECIPIENT_INACTIVE,
            f"{name} is {recipient.status.value}",
        ),
        (
            recipient.entity_type not in rules.allowed_entity_types,
            ShareRule.ENTITY_TYPE,
            f"{name} is a {recipient.entity_type.value} recipient, which may not receive"
            " ALPR information",
        ),
        (
            rules.allowed_states is not None and recipient.state not in rules.allowed_states,
            ShareRule.STATE,
            f"{name} is in {recipient.state}; recipients must be in"
            f" {', '.join(sorted(rules.allowed_states or ()))}",
        ),
        (
            _forbidden_purpose(rules, purpose),
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
