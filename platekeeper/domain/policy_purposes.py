"""The policy's authorised purposes against the categories a jurisdiction forbids.

A profile forbids a *category* (immigration enforcement), never a code: renaming a purpose does
not move it out of reach. Two checks hold it:

- a purpose filed under a forbidden category is a conflict, and is never enforced as allowed;
- a purpose whose code or label points at a forbidden matter while filed under another category
  (``purpose_words``) is a conflict too, *misfiled*, until the custodian records an attestation
  that it is not what its words say. The attestation is pinned to the purpose's code, label and
  category: change any of them and the flag is raised again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from platekeeper.domain.findings import PolicyFinding, Severity, missing_text
from platekeeper.domain.purpose_words import points_at
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.domain.time import require_utc
from platekeeper.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class PolicyPurpose:
    code: str
    description: str
    category: PurposeCategory | None = None
    """None only while the policy file leaves it out, which the check reports as missing."""


@dataclass(frozen=True, slots=True)
class ForbiddenCategory:
    """A category of purpose that a jurisdiction's law forbids, with the law."""

    category: PurposeCategory
    description: str
    citation: str
    hotlist_files: tuple[str, ...] = ()
    """Hot-list source files that serve the category, named so that none of their records is
    loaded whatever its words ('Immigration Violator File')."""

    def matches(self, purpose: PolicyPurpose) -> bool:
        return purpose.category is self.category


@dataclass(frozen=True, slots=True)
class ForbiddenBy:
    """One forbidden category and the profile whose law forbids it."""

    profile_code: str
    profile_name: str
    rule: ForbiddenCategory


@dataclass(frozen=True, slots=True)
class PurposeAttestation:
    """The custodian's recorded word that a purpose flagged as misfiled is what its category
    says. It covers the purpose only as it stood when attested."""

    purpose_code: str
    label: str
    category: PurposeCategory
    reason: str
    attested_by: str
    attested_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "attested_at", require_utc(self.attested_at, "attested_at"))
        if len(self.reason.strip()) < 10:
            raise InvalidInput(
                "an attestation needs a reason of at least 10 characters",
                hint="Say why the purpose is not the forbidden matter its words point at.",
            )

    def covers(self, purpose: PolicyPurpose) -> bool:
        return (purpose.code, purpose.description, purpose.category) == (
            self.purpose_code,
            self.label,
            self.category,
        )


@dataclass(frozen=True, slots=True)
class Misfiled:
    """A purpose whose words point at a forbidden matter it is not filed under."""

    forbidden: ForbiddenBy
    word: str


def forbidding(purpose: PolicyPurpose, rules: Sequence[ForbiddenBy]) -> ForbiddenBy | None:
    """The rule that forbids ``purpose``'s category, if any."""
    return next((rule for rule in rules if rule.rule.matches(purpose)), None)


def misfiled(purpose: PolicyPurpose, rules: Sequence[ForbiddenBy]) -> Misfiled | None:
    """Whether ``purpose``'s code or label points at a forbidden matter of another category."""
    by_category = {rule.rule.category.value: rule for rule in rules}
    found = points_at(f"{purpose.code} {purpose.description}", by_category)
    if found is None:
        return None
    category, word = found
    return Misfiled(by_category[category], word)


def enforceable(
    purpose: PolicyPurpose,
    rules: Sequence[ForbiddenBy],
    attestations: Sequence[PurposeAttestation] = (),
) -> bool:
    """Whether the access check may take ``purpose``: categorised, not forbidden, and not
    misfiled unless an attestation covers it as it stands."""
    if purpose.category is None or forbidding(purpose, rules) is not None:
        return False
    if misfiled(purpose, rules) is None:
        return True
    return any(attestation.covers(purpose) for attestation in attestations)


def check_purposes(
    purposes: Sequence[PolicyPurpose],
    rules: Sequence[ForbiddenBy],
    attestations: Sequence[PurposeAttestation] = (),
) -> Iterator[PolicyFinding]:
    """Element (A): each purpose described, categorised, not forbidden and not misfiled."""
    if not purposes:
        yield PolicyFinding(
            "A",
            Severity.MISSING,
            "purposes",
            "no authorised purposes: add [[purposes]] tables with code, category and description",
        )
    for index, purpose in enumerate(purposes):
        key = f"purposes.{index}"
        yield from missing_text("A", f"{key}.description", purpose.description, "what it covers")
        if purpose.category is None:
            yield _uncategorised(key, purpose)
            continue
        rule = forbidding(purpose, rules)
        if rule is not None:
            yield _forbidden(key, purpose, rule)
            continue
        yield from _misfiled(key, purpose, rules, attestations)


def _uncategorised(key: str, purpose: PolicyPurpose) -> PolicyFinding:
    known = ", ".join(category.value for category in PurposeCategory)
    return PolicyFinding(
        "A",
        Severity.MISSING,
        f"{key}.category",
        f"purpose {purpose.code!r} has no category: write category = one of {known}",
    )


def _forbidden(key: str, purpose: PolicyPurpose, by: ForbiddenBy) -> PolicyFinding:
    return PolicyFinding(
        f"profile:{by.profile_code}",
        Severity.CONFLICT,
        f"{key}.category",
        f"purpose {purpose.code!r} is {by.rule.description}, which {by.profile_name} forbids "
        f"({by.rule.citation}): remove it",
    )


def _misfiled(
    key: str,
    purpose: PolicyPurpose,
    rules: Sequence[ForbiddenBy],
    attestations: Sequence[PurposeAttestation],
) -> Iterator[PolicyFinding]:
    found = misfiled(purpose, rules)
    if found is None:
        return
    by = found.forbidden
    covering = next((a for a in attestations if a.covers(purpose)), None)
    if covering is not None:
        yield PolicyFinding(
            f"profile:{by.profile_code}",
            Severity.WARNING,
            f"{key}.code",
            f"purpose {purpose.code!r} says {found.word!r}; {covering.attested_by} attested on "
            f"{covering.attested_at.date().isoformat()} that it is not {by.rule.description}: "
            f"{covering.reason}",
        )
        return
    yield PolicyFinding(
        f"profile:{by.profile_code}",
        Severity.CONFLICT,
        f"{key}.code",
        f"purpose {purpose.code!r} is filed as {purpose.category} but says {found.word!r}, "
        f"which points at {by.rule.description}, forbidden by {by.profile_name} "
        f"({by.rule.citation}): remove or rename it, or have the custodian attest to it with "
        f"'platekeeper policy attest --purpose {purpose.code} --reason ...'",
    )
