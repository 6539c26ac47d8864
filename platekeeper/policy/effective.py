"""The effective policy for a set of settings: the file read, its profiles applied, checked.

This is what the composition root, the CLI and the API call; everything below it is pure.
"""

from __future__ import annotations

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
        raise PolicyIncomplete(
            f"ingest cannot start: {exc.message}",
            hint="Write one with 'platekeeper policy init --profile <state> --agency <id>' and "
            "complete it until 'platekeeper policy check' passes.",
        ) from None
    if not effective.complete:
        blocking = [f for f in effective.findings if f.blocking]
        raise PolicyIncomplete(
            f"the usage and privacy policy {policy_path(settings)} is incomplete "
            f"({len(blocking)} findings, first: {blocking[0].message})",
            hint="Run 'platekeeper policy check' to see every finding.",
        )
    return effective


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
