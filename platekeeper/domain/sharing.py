"""With whom ALPR data may be shared, as a jurisdiction's law and the agency's policy say.

California's Civil Code 1798.90.55(b) lets a public agency share ALPR information only with
other public agencies, and the Attorney General's bulletin 2023-DLE-06 reads that as California
public agencies only: no out-of-state, federal or private recipients. Virginia (Va. Code
2.2-5517) names recipients by what they do, not only by what they are, hence ``RecipientRole``;
Illinois (625 ILCS 5/2-130) asks an out-of-state law-enforcement recipient for a signed
declaration first, hence ``DeclarationRule``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class EntityType(StrEnum):
    PUBLIC_AGENCY = "public-agency"
    PRIVATE = "private"
    FEDERAL = "federal"


class RecipientRole(StrEnum):
    """What the recipient does, for laws that name recipients by their role."""

    LAW_ENFORCEMENT = "law-enforcement"
    PROSECUTOR = "prosecutor"
    """A prosecutor's office, e.g. a Virginia Commonwealth's Attorney."""
    DEFENSE = "defense"
    """A criminal defendant or their counsel."""
    VENDOR = "vendor"
    """The ALPR system's vendor."""
    COURT = "court"
    """A court, or whoever a court order names."""
    OTHER = "other"


# A private entity cannot be a law-enforcement agency, a prosecutor or a court: these roles are
# public ones, so that a law allowing "law enforcement" never lets a company through.
PUBLIC_ROLES = frozenset(
    {RecipientRole.LAW_ENFORCEMENT, RecipientRole.PROSECUTOR, RecipientRole.COURT}
)


@dataclass(frozen=True, slots=True)
class DeclarationRule:
    """A recipient of ``roles`` outside ``home_states`` needs a current signed declaration
    whose text names every one of ``terms`` (lower case) before anything is shared with it."""

    home_states: frozenset[str]
    roles: frozenset[RecipientRole]
    terms: tuple[str, ...]
    text: str
    """The statement the recipient signs, as the law asks for it."""
    citation: str

    def applies_to(self, role: RecipientRole, state: str) -> bool:
        return role in self.roles and state not in self.home_states

    def accepts(self, text: str) -> bool:
        lowered = text.lower()
        return all(term in lowered for term in self.terms)


@dataclass(frozen=True, slots=True)
class SharingRules:
    """What the applicable law and policy allow. ``allowed_states`` None means any state;
    ``allowed_roles`` None means any role; recipients of ``any_state_roles`` are not held to
    ``allowed_states`` (a vendor may sit anywhere); ``citations`` names the rule behind each
    restriction, for refusals that cite it."""

    enabled: bool
    allowed_entity_types: frozenset[EntityType]
    allowed_states: frozenset[str] | None
    forbidden_purposes: frozenset[str] = frozenset()
    citations: Mapping[str, str] = field(default_factory=dict)
    allowed_roles: frozenset[RecipientRole] | None = None
    any_state_roles: frozenset[RecipientRole] = frozenset()
    declarations: tuple[DeclarationRule, ...] = ()
    forbidden_categories: frozenset[str] = frozenset()
    """Purpose categories the law forbids (``PurposeCategory`` values): a request whose purpose
    or case text points at one is refused however it is spelt (``purpose_words``)."""
    court_order_roles: frozenset[RecipientRole] = frozenset()
    """Recipients of these roles get data only under a court order the request records."""
