"""The custodian's attestation that a purpose flagged as misfiled is what its category says.

``policy check`` flags a purpose whose words point at a matter a profile forbids while it is
filed under another category. Nothing but this clears the flag: a custodian (``policy:manage``)
states why, the attestation is stored pinned to the purpose as it stands, and the access log
records it. A purpose filed under a forbidden category cannot be attested at all.
"""

from __future__ import annotations

from platekeeper.config import Settings
from platekeeper.domain.access import AccessOutcome, AccessSink
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.permissions import Permission
from platekeeper.domain.policy import forbidden_by
from platekeeper.domain.policy_purposes import (
    PolicyPurpose,
    PurposeAttestation,
    forbidding,
    misfiled,
)
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict, InvalidInput, NotFound
from platekeeper.policy.effective import load_effective_for
from platekeeper.store import Store

ATTEST_ACTION = "policy:attest"


class AttestationService:
    def __init__(self, settings: Settings, store: Store, log: AccessSink, clock: Clock) -> None:
        self._settings = settings
        self._store = store
        self._gate = AccessGate(log, clock)
        self._clock = clock

    def attest(self, who: Person, purpose_code: str, reason: str) -> PurposeAttestation:
        """Record ``who``'s attestation of ``purpose_code``; refused (and logged) unless the
        purpose is flagged as misfiled and ``who`` may manage the policy."""
        access = Access(
            who,
            Stated(),
            Permission.POLICY_MANAGE,
            {"purpose": purpose_code},
            step=ATTEST_ACTION,
            hint="Only a custodian attests to a purpose.",
        )
        attestation = self._gate.check(access, lambda _: self._record(who, purpose_code, reason))
        self._gate.record(
            access,
            AccessOutcome.ALLOWED,
            f"attested that purpose {purpose_code!r} ({attestation.category.value}, "
            f"{attestation.label!r}) is not a forbidden matter: {attestation.reason}",
        )
        return attestation

    def _record(self, who: Person, purpose_code: str, reason: str) -> PurposeAttestation:
        effective = load_effective_for(self._settings, self._store, self._clock.now().date())
        purpose = _find(effective.policy.purposes, purpose_code)
        rules = forbidden_by(effective.profiles)
        if purpose.category is None:
            raise InvalidInput(
                f"purpose {purpose_code!r} has no category",
                hint="Give it a category in the policy file first.",
            )
        if forbidding(purpose, rules) is not None:
            raise Conflict(
                f"purpose {purpose_code!r} is filed under {purpose.category.value}, which the "
                "law forbids: no attestation can allow it",
                hint="Remove the purpose from the policy file.",
            )
        if misfiled(purpose, rules) is None:
            raise Conflict(
                f"purpose {purpose_code!r} is not flagged: there is nothing to attest",
                hint="'platekeeper policy check' lists the purposes that need an attestation.",
            )
        attestation = PurposeAttestation(
            purpose.code,
            purpose.description,
            purpose.category,
            reason.strip(),
            who.actor.username,
            self._clock.now(),
        )
        self._store.purpose_attestations.add(attestation)
        return attestation


def _find(purposes: tuple[PolicyPurpose, ...], code: str) -> PolicyPurpose:
    found = next((purpose for purpose in purposes if purpose.code == code), None)
    if found is None:
        raise NotFound(
            f"the policy has no purpose {code!r}",
            hint="Name a purpose code from the policy file's [[purposes]].",
        )
    return found
