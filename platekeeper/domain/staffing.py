"""Who may hold a role, and how long their training counts: the policy's access section enforced.

Civil Code 1798.90.51(b)(2)(B) asks the usage policy to name the job titles of the people
authorised to use the system and the training they need. The policy file states both
(``[[access]]``: role, job_titles, training, refresher_months); these rules hold every account
to them when it is created, when its roles change, when training is recorded and when it is
reactivated, and they suspend it once its refresher interval has passed.

Titles are compared whole, after folding case, Unicode width and runs of spaces: "crime
analyst" is "Crime Analyst", but "Parking Enforcement Volunteer" is no "Enforcement" title and
"Analyst" is not "Crime Analyst". Without a policy file (tests, a first start before ``policy
init``) no title list exists to hold anyone to, so titles are not checked; training still is,
with ``accounts.training_valid_days`` as the interval. A policy whose list for a role is empty
or still says TODO lets nobody hold that role.
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from platekeeper.domain.people import Account, Role, SuspensionReason, TrainingRecord, lapse
from platekeeper.domain.policy import TODO, RoleAccess
from platekeeper.errors import InvalidInput

POLICY_FILE = "the policy file"
SETTINGS = "accounts.training_valid_days"


def normalise_title(title: str) -> str:
    """A job title as compared: NFKC, case folded, one space between words."""
    return " ".join(unicodedata.normalize("NFKC", title).casefold().split())


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class RoleRule:
    """One role as the policy describes it: the titles that may hold it and the refresher."""

    role: Role
    job_titles: frozenset[str]
    """Normalised (``normalise_title``); empty when the policy lists none yet."""
    refresher_months: int | None


@dataclass(frozen=True, slots=True)
class StaffingRules:
    roles: Mapping[Role, RoleRule] | None
    """Per role, from the policy file; None where there is no policy file."""
    fallback_valid_days: int
    """How long training counts without a policy, or for a role it sets no refresher for."""
    source: str = field(default=SETTINGS)

    @classmethod
    def from_policy(cls, access: Iterable[RoleAccess], fallback_valid_days: int) -> StaffingRules:
        rules = {
            item.role: RoleRule(
                item.role,
                frozenset(
                    normalise_title(title)
                    for title in item.job_titles
                    if title.strip() and TODO not in title
                ),
                item.refresher_months,
            )
            for item in access
        }
        return cls(rules, fallback_valid_days, POLICY_FILE)

    @classmethod
    def without_policy(cls, fallback_valid_days: int) -> StaffingRules:
        return cls(None, fallback_valid_days, SETTINGS)

    # -- decisions -----------------------------------------------------------------------------

    def title_refusal(self, job_title: str, roles: Iterable[Role]) -> str | None:
        """Why a person of ``job_title`` may not hold ``roles``, or None if they may."""
        if self.roles is None:
            return None
        title = normalise_title(job_title)
        for role in sorted(roles):
            rule = self.roles.get(role)
            if rule is None:
                return f"the policy file does not describe the {role.value} role"
            if title not in rule.job_titles:
                listed = ", ".join(sorted(rule.job_titles)) or "none yet"
                return (
                    f"job title {job_title.strip()!r} may not hold the {role.value} role "
                    f"(the policy lists: {listed})"
                )
        return None

    def require_title(self, job_title: str, roles: Iterable[Role]) -> None:
        refusal = self.title_refusal(job_title, roles)
        if refusal is not None:
            raise InvalidInput(
                refusal,
                hint="Give the person's job title as the policy file's [[access]] section lists "
                "it for the role, or change the policy first ('platekeeper policy check').",
            )

    def valid_until(self, completed_on: date, roles: Iterable[Role]) -> date:
        """The day training completed on ``completed_on`` stops counting for ``roles``: the
        shortest refresher interval among them."""
        ends = [self._end(completed_on, role) for role in roles]
        return min(ends, default=completed_on + timedelta(days=self.fallback_valid_days))

    def _end(self, completed_on: date, role: Role) -> date:
        rule = None if self.roles is None else self.roles.get(role)
        if rule is None or rule.refresher_months is None:
            return completed_on + timedelta(days=self.fallback_valid_days)
        return add_months(completed_on, rule.refresher_months)

    def training(
        self,
        completed_on: date,
        expires_on: date | None,
        roles: Iterable[Role],
        today: date,
        *,
        after: date | None = None,
    ) -> TrainingRecord:
        """A training record for ``roles`` that counts today: completed no later than today (and
        not before ``after``, the day an account stopped being active), expiring no later than
        the refresher interval allows (the interval's end when no expiry is given)."""
        roles = frozenset(roles)
        longest = self.valid_until(completed_on, roles)
        interval = f"{self.source}'s refresher interval"
        if completed_on > today:
            raise InvalidInput(
                f"training completed {completed_on} lies in the future",
                hint="Record training once it has been completed.",
            )
        if expires_on is not None and expires_on > longest:
            raise InvalidInput(
                f"training completed {completed_on} cannot count until {expires_on}: "
                f"{interval} ends it on {longest}",
                hint="Leave the expiry out; it follows from the refresher interval.",
            )
        record = TrainingRecord(completed_on, expires_on or longest)
        if not record.current_on(today):
            raise InvalidInput(
                f"training completed {completed_on} is not current (it counted until "
                f"{record.expires_on}, by {interval})",
                hint="The person retrains first; record the new training's date.",
            )
        if after is not None and completed_on < after:
            raise InvalidInput(
                f"training completed {completed_on} predates the suspension or deactivation "
                f"on {after}",
                hint="The person retrains before the account is reactivated; record that "
                "training's date.",
            )
        return record

    def lapse(
        self, account: Account, now: datetime, max_idle: timedelta
    ) -> SuspensionReason | None:
        """``people.lapse``, with the refresher interval of the account's roles: training
        recorded with a longer expiry, or before the policy shortened the interval, lapses
        when the interval ends."""
        reason = lapse(account, now, max_idle)
        training = account.training
        if reason is not None or training is None:
            return reason
        if now.date() >= self.valid_until(training.completed_on, account.roles):
            return SuspensionReason.TRAINING_EXPIRED
        return None
