"""A complete policy for tests: the demo agency's, which is complete under the California
profile, written where a data directory's settings look for it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from platekeeper.demo.policy import DEMO_POLICY, demo_policy
from platekeeper.domain.policy import UsagePolicy
from platekeeper.domain.sharing import SharingRules
from platekeeper.policy.loader import parse_policy
from platekeeper.policy.profiles import load_profiles
from platekeeper.policy.resolve import resolve

REVIEW_DATE = date(2027, 1, 1)
"""The review date of ``complete_policy``, fixed so that tests may judge it at fixed dates; the
file ``write_complete_policy`` writes is judged at the real date and carries the demo's own."""


def complete_policy() -> UsagePolicy:
    return parse_policy(demo_policy(REVIEW_DATE))


def write_complete_policy(data_dir: Path) -> Path:
    """The demo policy in ``data_dir``/policy.toml, so that ``serve`` may start there."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data directory is private
    path = data_dir / "policy.toml"
    path.write_text(DEMO_POLICY, encoding="utf-8")
    return path


def california_sharing() -> SharingRules:
    """The sharing rules of a complete policy under the California profile, as enforced."""
    return resolve(complete_policy(), load_profiles(["ca"])).sharing
