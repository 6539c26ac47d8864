"""The effective policy for a set of settings: the file read, its profiles applied, checked.

This is what the composition root, the CLI and the API call; everything below it is pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from platekeeper.config import Settings
from platekeeper.domain.purposes import CaseNumberFormat, PurposeCatalogue
from platekeeper.errors import NotFound, PlateKeeperError
from platekeeper.policy.loader import load_policy
from platekeeper.policy.profiles import load_profiles
from platekeeper.policy.resolve import EffectivePolicy, resolve


class PolicyIncomplete(PlateKeeperError):
    code = "policy_incomplete"
    status = 409
    title = "The usage and privacy policy is incomplete"


def policy_path(settings: Settings) -> Path:
    return settings.policy.path or settings.data_dir / "policy.toml"


def load_effective(settings: Settings, today: date | None = None) -> EffectivePolicy:
    """The policy file named by ``settings`` with its profiles; ``NotFound`` if there is none.

    ``policy.profiles`` in the settings, when set, replaces the profiles the file names: an
    operator can hold a file to a jurisdiction without editing it.
    """
    policy = load_policy(policy_path(settings))
    codes = settings.policy.profiles or policy.profiles
    return resolve(policy, load_profiles(codes), today)


def require_complete_policy(settings: Settings, today: date | None = None) -> EffectivePolicy:
    """The effective policy, or ``PolicyIncomplete`` when it is missing or incomplete.

    Ingest must not start without a policy the law would accept (1798.90.51(b)).
    """
    try:
        effective = load_effective(settings, today)
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
    )
