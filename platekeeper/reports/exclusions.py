"""Hot-list records kept out by law or policy, as the compliance report and the transparency
page count them: by source file and rule, never a plate.

A fed list is refreshed many times a day, and each refresh that keeps records out records how
many; adding those up would count one record once per refresh. So a figure gives the records
kept out at each list's latest import or refresh of the period (added over lists), and how
many imports or refreshes kept some out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from platekeeper.domain.hotlist_exclusions import HotlistExclusion

POLICY_VERSION_DIGITS = 12
"""The start of the policy file's SHA-256 shown, as the published policy's version shows it."""


@dataclass(frozen=True, slots=True)
class ExclusionFigure:
    source: str
    """The source file, or the message key where the records named no file."""
    rule: str
    """The law or the policy's key that kept them out."""
    latest: int
    """Records kept out at each list's latest import or refresh of the period, added up."""
    times: int
    """Imports and refreshes of the period that kept some out."""
    last_at: datetime
    policy_versions: tuple[str, ...]
    """The policy files in force (the start of their SHA-256), oldest first."""


def exclusion_figures(exclusions: Sequence[HotlistExclusion]) -> tuple[ExclusionFigure, ...]:
    """One figure per source and rule, largest first."""
    groups: dict[tuple[str, str], list[HotlistExclusion]] = {}
    for exclusion in sorted(exclusions, key=lambda e: (e.excluded_at, e.id)):
        groups.setdefault((exclusion.file_label, exclusion.rule), []).append(exclusion)
    figures = [_figure(source, rule, found) for (source, rule), found in groups.items()]
    return tuple(sorted(figures, key=lambda f: (-f.latest, f.source, f.rule)))


def _figure(source: str, rule: str, found: list[HotlistExclusion]) -> ExclusionFigure:
    latest_by_list: dict[str, datetime] = {}
    for exclusion in found:
        latest_by_list[exclusion.list_id] = exclusion.excluded_at
    versions = [e.policy_sha256[:POLICY_VERSION_DIGITS] for e in found if e.policy_sha256]
    return ExclusionFigure(
        source=source,
        rule=rule,
        latest=sum(e.entries for e in found if e.excluded_at == latest_by_list[e.list_id]),
        times=len({(e.list_id, e.excluded_at) for e in found}),
        last_at=found[-1].excluded_at,
        policy_versions=tuple(dict.fromkeys(versions)),
    )
