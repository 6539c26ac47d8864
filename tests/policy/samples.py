"""A complete policy for tests: the demo agency's, which is complete under the California
profile, written where a data directory's settings look for it."""

from __future__ import annotations

from pathlib import Path

from platekeeper.demo.policy import DEMO_POLICY
from platekeeper.domain.policy import UsagePolicy
from platekeeper.domain.sharing import SharingRules
from platekeeper.policy.loader import parse_policy
from platekeeper.policy.profiles import load_profiles
from platekeeper.policy.resolve import resolve


def complete_policy() -> UsagePolicy:
    return parse_policy(DEMO_POLICY)


def write_complete_policy(data_dir: Path) -> Path:
    """The demo policy in ``data_dir``/policy.toml, so that ``serve`` may start there."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data directory is private
    path = data_dir / "policy.toml"
    path.write_text(DEMO_POLICY, encoding="utf-8")
    return path


def california_sharing() -> SharingRules:
    """The sharing rules of a complete policy under the California profile, as enforced."""
    return resolve(complete_policy(), load_profiles(["ca"])).sharing
