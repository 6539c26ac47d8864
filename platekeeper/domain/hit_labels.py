"""What a hit's codes say in people's words: one table, used by the pages and the reports alike,
so that nobody reads ``no-stop`` where ``No stop`` was meant."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from platekeeper.domain.hit_tiers import reading_words
from platekeeper.domain.hotlists import (
    AlertLevel,
    HitOutcome,
    HitStatus,
    HitTier,
    MatchKind,
    OneOffPolicy,
    RejectionReason,
    StateAgreement,
)

HIT_STATUS_LABELS: Mapping[HitStatus, str] = MappingProxyType(
    {
        HitStatus.PENDING: "Awaiting verification",
        HitStatus.CONFIRMED: "Confirmed",
        HitStatus.REJECTED: "Rejected",
    }
)
REJECTION_LABELS: Mapping[RejectionReason, str] = MappingProxyType(
    {
        RejectionReason.MISREAD: "Misread: the characters differ",
        RejectionReason.WRONG_STATE: "Wrong state",
        RejectionReason.EXPIRED_ENTRY: "The entry expired or was cleared",
        RejectionReason.OTHER: "Other (see the note)",
    }
)
OUTCOME_LABELS: Mapping[HitOutcome, str] = MappingProxyType(
    {
        HitOutcome.NO_STOP: "No stop",
        HitOutcome.STOP: "Stop",
        HitOutcome.ARREST: "Arrest",
        HitOutcome.FALSE_HIT: "False hit",
    }
)
LEVEL_LABELS: Mapping[AlertLevel, str] = MappingProxyType(
    {AlertLevel.INFO: "Info", AlertLevel.WARNING: "Warning", AlertLevel.CRITICAL: "Critical"}
)
MATCH_LABELS: Mapping[MatchKind, str] = MappingProxyType(
    {
        MatchKind.EXACT: "Exact match",
        MatchKind.CONFUSABLE: "Look-alike characters (such as O and 0)",
        MatchKind.ONE_OFF: "One character off",
    }
)
TIER_LABELS: Mapping[HitTier, str] = MappingProxyType(
    {
        HitTier.ALERT: "Alert",
        HitTier.LOWER: "Lower tier: recorded, no alert",
    }
)
ONE_OFF_LABELS: Mapping[OneOffPolicy, str] = MappingProxyType(
    {
        OneOffPolicy.ALERT: "Alert",
        OneOffPolicy.RECORD: "Record as lower-tier hits, without an alert",
        OneOffPolicy.AUTO: "Alert while the list is small enough (automatic)",
    }
)
STATE_LABELS: Mapping[StateAgreement, str] = MappingProxyType(
    {
        StateAgreement.AGREES: "state agrees",
        StateAgreement.DIFFERS: "state differs",
        StateAgreement.UNKNOWN: "state unknown",
    }
)
NO_OUTCOME_YET = "No outcome yet"

_ALL: Mapping[str, str] = MappingProxyType(
    {
        **{status.value: text for status, text in HIT_STATUS_LABELS.items()},
        **{reason.value: text for reason, text in REJECTION_LABELS.items()},
        **{outcome.value: text for outcome, text in OUTCOME_LABELS.items()},
        **{level.value: text for level, text in LEVEL_LABELS.items()},
        **{kind.value: text for kind, text in MATCH_LABELS.items()},
        **{tier.value: text for tier, text in TIER_LABELS.items()},
        **{agreement.value: text for agreement, text in STATE_LABELS.items()},
    }
)


def outcome_label(outcome: HitOutcome | str | None) -> str:
    """The words for ``outcome``, a member or its stored code; none recorded yet says so."""
    if outcome is None:
        return NO_OUTCOME_YET
    return OUTCOME_LABELS[HitOutcome(outcome)]


def hit_label(
    code: HitStatus
    | RejectionReason
    | HitOutcome
    | AlertLevel
    | MatchKind
    | HitTier
    | StateAgreement,
) -> str:
    """The words for any of a hit's codes (the templates' ``label`` helper)."""
    return _ALL[code.value]


def code_label(code: str) -> str:
    """The words for a hit's code as stored (a report's figures keep codes); any other text
    as it is."""
    return _ALL.get(code, code)


_MATCH_WORDS: Mapping[MatchKind, str] = MappingProxyType(
    {
        MatchKind.EXACT: "matches the listed plate exactly",
        MatchKind.CONFUSABLE: "matches the listed plate but for look-alike characters",
        MatchKind.ONE_OFF: "is one character off the listed plate",
    }
)


def how_matched(kind: MatchKind, reading: int) -> str:
    """How a hit matched, in a sentence: "The reader's second reading matches the listed plate
    but for look-alike characters." (``reading`` 0 is the read's own text)."""
    sentence = f"{reading_words(reading)} {_MATCH_WORDS[kind]}."
    return sentence[0].upper() + sentence[1:]
