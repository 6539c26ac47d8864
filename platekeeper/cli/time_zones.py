"""The agency's time zone as the console asks for it: ``agency add`` and ``policy init``."""

from __future__ import annotations

import sys

import typer

from platekeeper.config import Settings
from platekeeper.domain.zones import require_zone, zone_for_state
from platekeeper.errors import InvalidInput, PlateKeeperError
from platekeeper.policy.effective import policy_path
from platekeeper.policy.loader import load_policy


def ask_time_zone(state_code: str) -> str:
    """The state's main time zone; outside the US, asked at a terminal, else refused."""
    zone = zone_for_state(state_code)
    if zone is not None:
        return zone
    if not sys.stdin.isatty():
        raise InvalidInput(
            f"{state_code!r} is not a US state, so its time zone is not known",
            hint="Give --time-zone with an IANA name, e.g. --time-zone Europe/Paris.",
        )
    return require_zone(typer.prompt("The agency's time zone (IANA name, e.g. Europe/Paris)"))


def policy_zone(settings: Settings, agency_id: str) -> str | None:
    """The zone the policy file gives ``agency_id``, if it exists, names it and gives one."""
    path = policy_path(settings)
    if not path.exists():
        return None
    try:
        agency = load_policy(path).agency
    except PlateKeeperError:
        return None  # a file that does not load yet is 'policy check''s to report, not ours
    # Not a decision about whose record it is: which agency the file is written for.
    return {agency.id: agency.time_zone or None}.get(agency_id)
