"""The effective policy for a set of settings: the file read, its profiles applied, checked.

This is what the composition root, the CLI and the API call; everything below it is pure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from platekeeper.config import Settings
from platekeeper.domain.hotlist_exclusions import ExclusionRules
from platekeeper.domain.policy import JurisdictionProfile, UsagePolicy
from platekeeper.domain.policy_purposes import PurposeAttestation
from platekeeper.domain.purposes import CaseNumberFormat, PurposeCatalogue, PurposeCategory
from platekeeper.errors import NotFound, PlateKeeperError
from platekeeper.policy.loader import load_policy
from platekeeper.policy.profiles import load_profiles, profiles_of_state
from platekeeper.policy.resolve import (
    EffectivePolicy,
    forbidden_categories,
    hotlist_exclusions,
    resolve,
)
from platekeeper.store import Store


class PolicyIncomplete(PlateKeeperError):
    code = "policy_incomplete"
    status = 409
    title = "The usage and privacy policy is incomplete"


def policy_path(settings: Settings) -> Path:
    return settings.policy.path or settings.data_dir / "policy.toml"


def load_effective(
    settings: Settings,
    today: date | None = None,
    attestations: Sequence[PurposeAttestation] = (),
    agency_states: Iterable[str] = (),
) -> EffectivePolicy:
    """The policy file named by ``settings`` with its profiles; ``NotFound`` if there is none.

    ``today`` defaults to the UTC date, so that dates are always judged. ``attestations`` are
    the custodian's, from the store; ``agency_states`` the states the agency is registered in.
    """
    policy = load_policy(policy_path(settings))
    codes = profile_codes(policy, settings, agency_states)
    return resolve(policy, load_profiles(codes), today or datetime.now(UTC).date(), attestations)


def profile_codes(
    policy: UsagePolicy, settings: Settings, agency_states: Iterable[str] = ()
) -> list[str]:
    """The profiles that apply: the file's, the settings', and the profile of every state the
    agency is in (the file's agency.state, its registration). A state's law applies whether or
    not anyone names it; settings can add profiles, never take the state's away (R43: the most
    restrictive rule of all of them wins)."""
    states = {policy.agency.state, *agency_states} - {""}
    by_state = [code for state in sorted(states) for code in profiles_of_state(state)]
    return list(dict.fromkeys([*policy.profiles, *settings.policy.profiles, *by_state]))


def require_complete_policy(
    settings: Settings, today: date | None = None, store: Store | None = None
) -> EffectivePolicy:
    """The effective policy, or ``PolicyIncomplete`` when it is missing or incomplete.

    Ingest must not start without a policy the law would accept (1798.90.51(b)).
    """
    try:
        effective = (
            load_effective(settings, today)
            if store is None
            else load_effective_for(settings, store, today)
        )
    except NotFound as exc:
        raise _missing(exc) from None
    refusal = _incomplete(settings, effective)
    if refusal is not None:
        raise refusal
    return effective


@dataclass(frozen=True, slots=True)
class StoringPermit:
    """Whether reads may be stored under the policy the services were built with: the one
    answer every way in asks (``IngestService`` calls ``require_complete`` before it stores
    anything), so that no command, route or watcher stores reads without a complete policy."""

    refusal: PolicyIncomplete | None

    def require_complete(self) -> None:
        if self.refusal is not None:
            # A fresh error each time: an exception carries its traceback along.
            raise PolicyIncomplete(self.refusal.message, hint=self.refusal.hint)


def storing_permit(settings: Settings, effective: EffectivePolicy | None) -> StoringPermit:
    """The permit for ``effective`` (None: there is no policy file) read from ``settings``."""
    if effective is None:
        missing = NotFound(f"there is no policy file at {policy_path(settings)}")
        return StoringPermit(_missing(missing))
    return StoringPermit(_incomplete(settings, effective))


def _missing(exc: NotFound) -> PolicyIncomplete:
    return PolicyIncomplete(
        f"ingest cannot start: {exc.message}",
        hint="Write one with 'platekeeper policy init --profile <state> --agency <id>' and "
        "complete it until 'platekeeper policy check' passes.",
    )


def _incomplete(settings: Settings, effective: EffectivePolicy) -> PolicyIncomplete | None:
    if effective.complete:
        return None
    blocking = [f for f in effective.findings if f.blocking]
    return PolicyIncomplete(
        f"the usage and privacy policy {policy_path(settings)} is incomplete "
        f"({len(blocking)} findings, first: {blocking[0].message}); no reads are stored",
        hint="Run 'platekeeper policy check' to see every finding.",
    )


def purpose_catalogue(settings: Settings) -> PurposeCatalogue:
    """The purposes every access is checked against: the policy's when a policy file exists,
    else ``access.purposes`` from the settings. The case number format is always the settings'.
    """
    try:
        effective = load_effective(settings)
    except NotFound:
        return settings.access.catalogue()
    return PurposeCatalogue(
        effective.purposes,
        CaseNumberFormat(settings.access.case_number_pattern, settings.access.case_number_example),
        effective.forbidden_categories,
    )


def load_effective_for(
    settings: Settings, store: Store, today: date | None = None
) -> EffectivePolicy:
    """``load_effective`` with what the store knows: the custodian's attestations, and the
    state of every agency registered on the host (whose law applies to the data it holds)."""
    pending = store.pending_migrations()
    return load_effective(
        settings,
        today,
        attestations=[] if _lacks(pending, "_purpose_attestations") else stored_attestations(store),
        agency_states=[] if _lacks(pending, "_initial") else registered_states(store),
    )


def stored_attestations(store: Store) -> list[PurposeAttestation]:
    return store.purpose_attestations.list()


def registered_states(store: Store) -> list[str]:
    return [agency.state for agency in store.agencies.list()]


def _lacks(pending: list[str], migration: str) -> bool:
    """Whether the schema lacks the tables of ``migration`` (named, not numbered: numbers may
    change when work is merged); before 'db upgrade' nothing is read from them."""
    return any(name.endswith(migration) for name in pending)


def forbidden_without_policy(settings: Settings, store: Store) -> dict[PurposeCategory, str]:
    """The categories forbidden before any policy file exists: a state's law applies to the
    data its agencies hold whether or not a policy was written, so the profile of every
    registered agency's state, and any the settings add, still forbid what they forbid."""
    return forbidden_categories(_profiles_without_policy(settings, store))


def _profiles_without_policy(settings: Settings, store: Store) -> list[JurisdictionProfile]:
    pending = store.pending_migrations()
    states = [] if _lacks(pending, "_initial") else registered_states(store)
    by_state = [code for state in sorted(set(states)) for code in profiles_of_state(state)]
    return load_profiles(list(dict.fromkeys([*settings.policy.profiles, *by_state])))


def exclusions_in_force(
    settings: Settings, store: Store, effective: EffectivePolicy | None
) -> ExclusionRules:
    """The hot-list records kept out under ``effective`` (None: no policy file yet, and the
    profiles of the agencies' states still apply), with the policy file's SHA-256."""
    if effective is None:
        return hotlist_exclusions(None, _profiles_without_policy(settings, store))
    return hotlist_exclusions(effective.policy, effective.profiles, policy_file_sha256(settings))


def policy_file_sha256(settings: Settings) -> str | None:
    """The SHA-256 of the policy file's bytes, or None when it cannot be read."""
    try:
        return hashlib.sha256(policy_path(settings).read_bytes()).hexdigest()
    except OSError:
        return None
