"""With whom ALPR data may be shared, as a jurisdiction's law and the agency's policy say.

California's Civil Code 1798.90.55(b) lets a public agency share ALPR information only with
other public agencies, and the Attorney General's bulletin 2023-DLE-06 reads that as California
public agencies only: no out-of-state, federal or private recipients.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class EntityType(StrEnum):
    PUBLIC_AGENCY = "public-agency"
    PRIVATE = "private"
    FEDERAL = "federal"


@dataclass(frozen=True, slots=True)
class SharingRules:
    """What the applicable law and policy allow. ``allowed_states`` None means any state;
    ``citations`` names the rule behind each restriction, for refusals that cite it."""

    enabled: bool
    allowed_entity_types: frozenset[EntityType]
    allowed_states: frozenset[str] | None
    forbidden_purposes: frozenset[str] = frozenset()
    citations: Mapping[str, str] = field(default_factory=dict)
    forbidden_categories: frozenset[str] = frozenset()
    """Purpose categories the law forbids (``PurposeCategory`` values): a request whose purpose
    or case text points at one is refused however it is spelt (``purpose_words``)."""
