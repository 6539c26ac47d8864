"""The policy combined with its jurisdiction profiles: what the system enforces.

Pure: the rules come out as the values the retention and sharing services take
(``RetentionRule`` per data class, ``SharingRules``), with the check's findings beside them.
Where several sources speak, the most restrictive wins; a contradiction that cannot be resolved
that way (a floor above a ceiling) stays in the findings for a person to settle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from platekeeper.domain.collection import CollectionRules
from platekeeper.domain.hotlist_exclusions import ExclusionRules, folded
from platekeeper.domain.policy import (
    POLICY_SOURCE,
    JurisdictionProfile,
    PolicyFinding,
    UsagePolicy,
    check_policy,
    collection_rules,
    effective_retention,
    forbidden_by,
    is_complete,
)
from platekeeper.domain.policy_purposes import PurposeAttestation, enforceable
from platekeeper.domain.purposes import PurposeCategory, SearchPurpose
from platekeeper.domain.recipients import ShareRule
from platekeeper.domain.retention import DataClass, RetentionRule
from platekeeper.domain.sharing import DeclarationRule, EntityType, RecipientRole, SharingRules


@dataclass(frozen=True, slots=True)
class EffectivePolicy:
    policy: UsagePolicy
    profiles: tuple[JurisdictionProfile, ...]
    retention: Mapping[DataClass, RetentionRule]
    sharing: SharingRules
    purposes: tuple[SearchPurpose, ...]
    """The authorised purposes, less any a profile forbids."""
    findings: tuple[PolicyFinding, ...]

    @property
    def complete(self) -> bool:
        return is_complete(self.findings)

    @property
    def collection(self) -> CollectionRules:
        """End-user mode and plate crops only, as ingest enforces them (R02, R28)."""
        return collection_rules(self.policy, self.profiles)

    @property
    def forbidden_categories(self) -> dict[PurposeCategory, str]:
        """Each category a profile forbids, with the law: the access check refuses them."""
        return forbidden_categories(self.profiles)


def resolve(
    policy: UsagePolicy,
    profiles: Sequence[JurisdictionProfile],
    today: date | None = None,
    attestations: Sequence[PurposeAttestation] = (),
) -> EffectivePolicy:
    return EffectivePolicy(
        policy=policy,
        profiles=tuple(profiles),
        retention=effective_retention(policy, profiles),
        sharing=sharing_rules(policy, profiles),
        purposes=authorised_purposes(policy, profiles, attestations),
        findings=tuple(check_policy(policy, profiles, today, attestations)),
    )


def sharing_rules(policy: UsagePolicy, profiles: Sequence[JurisdictionProfile]) -> SharingRules:
    """What may be shared: the policy's own allowance narrowed by every profile.

    Citations are keyed by the sharing rule they back (``ShareRule``: entity type, state,
    forbidden purpose), so that a refusal cites the law that made it.
    """
    wanted = policy.sharing
    entity_types = frozenset(wanted.entity_types)
    states = wanted.states
    citations: dict[str, str] = {}
    forbidden = set(wanted.forbidden_purposes)
    if wanted.forbidden_purposes:
        citations[_PURPOSE] = POLICY_SOURCE
    roles: frozenset[RecipientRole] | None = None
    # A role escapes the state limit only where every law that limits states lets it.
    any_state: frozenset[RecipientRole] = frozenset()
    declarations: list[DeclarationRule] = []
    court_order_roles: set[RecipientRole] = set()
    for profile in profiles:
        law = profile.sharing
        if law is not None:
            if law.entity_types != frozenset(EntityType):
                citations[_TYPE] = _join(citations.get(_TYPE), law.citation)
            entity_types &= law.entity_types
            if law.states is not None:
                any_state = (
                    law.any_state_roles if states is None else any_state & law.any_state_roles
                )
                states = law.states if states is None else states & law.states
                citations[_STATE] = _join(citations.get(_STATE), law.citation)
            if law.roles is not None:
                roles = law.roles if roles is None else roles & law.roles
                citations[_ROLE] = _join(citations.get(_ROLE), law.citation)
            if law.court_order_roles:
                # Every profile's orders are asked for: the most restrictive rule wins.
                court_order_roles |= law.court_order_roles
                citations[_COURT_ORDER] = _join(citations.get(_COURT_ORDER), law.citation)
            if law.declaration is not None:
                declarations.append(law.declaration)
                citations[_DECLARATION] = _join(
                    citations.get(_DECLARATION), law.declaration.citation
                )
        for rule in profile.forbidden_purposes:
            forbidden.add(rule.category.value)
            citations[_PURPOSE] = _join(citations.get(_PURPOSE), rule.citation)
    return SharingRules(
        enabled=wanted.enabled and bool(entity_types) and states != frozenset(),
        allowed_entity_types=entity_types,
        allowed_states=states,
        forbidden_purposes=frozenset(forbidden),
        citations=citations,
        allowed_roles=roles,
        any_state_roles=any_state if wanted.states is None else frozenset(),
        declarations=tuple(declarations),
        forbidden_categories=frozenset(forbidden_categories(profiles)),
        court_order_roles=frozenset(court_order_roles),
    )


_TYPE = ShareRule.ENTITY_TYPE.value
_STATE = ShareRule.STATE.value
_ROLE = ShareRule.ROLE.value
_DECLARATION = ShareRule.DECLARATION.value
_PURPOSE = ShareRule.FORBIDDEN_PURPOSE.value
_COURT_ORDER = ShareRule.COURT_ORDER.value


def _join(before: str | None, citation: str) -> str:
    if before is None or before == POLICY_SOURCE:
        return citation
    return before if citation in before else f"{before}; {citation}"


def forbidden_categories(profiles: Sequence[JurisdictionProfile]) -> dict[PurposeCategory, str]:
    """Each category any profile forbids, with the law (several laws joined)."""
    found: dict[PurposeCategory, str] = {}
    for by in forbidden_by(profiles):
        law = f"{by.profile_name} ({by.rule.citation})"
        before = found.get(by.rule.category)
        found[by.rule.category] = law if before is None else f"{before}; {law}"
    return found


def hotlist_exclusions(
    policy: UsagePolicy | None,
    profiles: Sequence[JurisdictionProfile],
    policy_sha256: str | None = None,
) -> ExclusionRules:
    """Which hot-list records are kept out: the files a profile names for a category it forbids,
    the files and message keys the policy file names, and any whose words point at a forbidden
    category. Each rule is said as the reports show it."""
    files: dict[str, str] = {}
    for by in forbidden_by(profiles):
        law = f"{by.rule.category.value}, forbidden by {by.profile_name} ({by.rule.citation})"
        for name in by.rule.hotlist_files:
            files.setdefault(folded(name), law)
    keys: dict[str, str] = {}
    if policy is not None:
        for name in policy.hotlists.source_files:
            files.setdefault(folded(name), f"excluded by the {_OWN}.exclude_source_files")
        for key in policy.hotlists.message_keys:
            keys.setdefault(key.upper(), f"excluded by the {_OWN}.exclude_message_keys")
    return ExclusionRules(files, keys, forbidden_categories(profiles), policy_sha256)


_OWN = f"{POLICY_SOURCE}'s hotlists"


def authorised_purposes(
    policy: UsagePolicy,
    profiles: Sequence[JurisdictionProfile],
    attestations: Sequence[PurposeAttestation] = (),
) -> tuple[SearchPurpose, ...]:
    """The policy's purposes as the access check takes them. One without a category, of a
    forbidden category, or misfiled and not attested is left out, so that a conflict reported by
    the check is also never enforced as allowed."""
    rules = forbidden_by(profiles)
    return tuple(
        SearchPurpose(purpose.code, purpose.description.strip() or purpose.code, purpose.category)
        for purpose in policy.purposes
        if purpose.category is not None and enforceable(purpose, rules, attestations)
    )
