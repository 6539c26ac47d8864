"""Bodies of the policy routes: the effective policy and the review's findings."""

from __future__ import annotations

from pydantic import BaseModel, Field

from platekeeper.domain.policy import Severity
from platekeeper.domain.retention import DataClass
from platekeeper.domain.sharing import EntityType
from platekeeper.policy.resolve import EffectivePolicy


class PurposePublic(BaseModel):
    code: str
    description: str


class RetentionPublic(BaseModel):
    data_class: DataClass
    max_age_s: int | None = Field(description="Kept no longer than this; null: no ceiling.")
    min_age_s: int | None = Field(description="Kept at least this long; null: no floor.")
    source: str
    conflict: str | None


class SharingPublic(BaseModel):
    enabled: bool
    allowed_entity_types: list[EntityType]
    allowed_states: list[str] | None = Field(description="null: any state.")
    forbidden_purposes: list[str]
    citations: dict[str, str]


class FindingPublic(BaseModel):
    element: str = Field(
        description="A-G (Civil Code 1798.90.51(b)(2)), public-comment, or profile:<code>."
    )
    severity: Severity
    key: str
    message: str


class PolicyPublic(BaseModel):
    agency_id: str
    custodian_title: str
    profiles: list[str]
    complete: bool
    purposes: list[PurposePublic]
    retention: list[RetentionPublic]
    sharing: SharingPublic
    findings: list[FindingPublic]

    @classmethod
    def of(cls, effective: EffectivePolicy) -> PolicyPublic:
        sharing = effective.sharing
        return cls(
            agency_id=effective.policy.agency.id,
            custodian_title=effective.policy.custodian_title,
            profiles=[profile.code for profile in effective.profiles],
            complete=effective.complete,
            purposes=[PurposePublic(code=p.code, description=p.label) for p in effective.purposes],
            retention=[
                RetentionPublic(
                    data_class=rule.data_class,
                    max_age_s=int(rule.max_age.total_seconds()) if rule.max_age else None,
                    min_age_s=int(rule.min_age.total_seconds()) if rule.min_age else None,
                    source=rule.source,
                    conflict=rule.conflict,
                )
                for rule in effective.retention.values()
            ],
            sharing=SharingPublic(
                enabled=sharing.enabled,
                allowed_entity_types=sorted(sharing.allowed_entity_types),
                allowed_states=None
                if sharing.allowed_states is None
                else sorted(sharing.allowed_states),
                forbidden_purposes=sorted(sharing.forbidden_purposes),
                citations=dict(sharing.citations),
            ),
            findings=[
                FindingPublic(element=f.element, severity=f.severity, key=f.key, message=f.message)
                for f in effective.findings
            ],
        )
