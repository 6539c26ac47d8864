"""The people who use PlateKeeper: one account per person, each with roles and a training record.

The audit found accounts of former staff still active and logins shared between people. Here an
account names one person, and its standing is a pure function of its record and the clock: an
account that has been idle too long, or whose training has lapsed, is suspended, and only a
custodian can bring it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from platekeeper.domain.agencies import require_slug
from platekeeper.domain.time import require_utc
from platekeeper.errors import InvalidInput

_USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,63}")
# Words that say what a login is for rather than who uses it: the sign of a shared login. A
# name made only of these (and numbers) names a post, a team or a shift: 'patrol1',
# 'night.shift', 'dispatch-2', 'front_desk' are all refused; 'jane.doe' and 'admin.jdoe' name
# a person.
_SHARED_WORDS = frozenset(
    {
        "admin", "administrator", "root", "shared", "share", "guest", "test", "testing", "temp",
        "user", "users", "team", "group", "generic", "common", "public", "default", "demo",
        "patrol", "dispatch", "dispatcher", "officer", "officers", "analyst", "supervisor",
        "custodian", "auditor", "camera", "records", "night", "day", "swing", "graveyard",
        "shift", "desk", "front", "frontdesk", "watch", "commander", "sergeant", "sgt", "lt",
        "deputy", "detective", "investigator", "investigations", "unit", "squad", "car",
        "station", "precinct", "beat", "terminal", "console", "mdt", "mdc", "workstation",
        "ops", "operations", "operator", "service", "system", "account", "login", "alpr",
        "lpr", "pd", "police", "sheriff", "so", "dept", "department", "office", "agency",
        "partner", "task", "force", "center", "centre", "rtcc", "fusion", "intel", "crime",
        "traffic", "parking", "k9", "sro", "cid", "all", "everyone", "staff", "main", "lab",
    }
)  # fmt: skip
_WORDS = re.compile(r"[a-z0-9]+")


def names_a_post(name: str) -> bool:
    """Whether ``name`` (a username or a display name) is made of words that name a post, a team
    or a shift, with at most numbers and single letters beside them ('patrol1', 'team-b',
    'k9-unit'): a login more than one person could use."""
    words = _WORDS.findall(name.lower())
    posts = [w for w in words if w in _SHARED_WORDS or w.rstrip("0123456789") in _SHARED_WORDS]
    others = [w for w in words if w not in posts and not (w.isdigit() or len(w) == 1)]
    return bool(posts) and not others


class Role(StrEnum):
    OFFICER = "officer"
    """Receives and verifies alerts."""
    ANALYST = "analyst"
    """Searches reads for an investigation."""
    SUPERVISOR = "supervisor"
    """Approves searches that reach beyond the usual window; may search too."""
    CUSTODIAN = "custodian"
    """Administers accounts, policy and sharing; sees no plate data."""
    AUDITOR = "auditor"
    """Reads the access log and reports; never plate data."""
    CAMERA = "camera"
    """A camera, with its own ingest key: ingests reads and nothing else. No person has it."""
    DIRECTORY = "directory"
    """The agency's directory (Entra ID, Okta), with its provisioning token: creates, changes
    and deactivates the agency's accounts through SCIM, and nothing else. No person has it."""


DEVICE_ROLES = frozenset({Role.CAMERA, Role.DIRECTORY})
"""Roles of machines with their own credential, never of a person's account."""


class AccountStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    """Cannot sign in until a custodian reactivates the account."""
    DEACTIVATED = "deactivated"
    """The person left or no longer needs access; the account is kept for the record."""


class SuspensionReason(StrEnum):
    INACTIVITY = "inactivity"
    TRAINING_EXPIRED = "training_expired"
    TRAINING_MISSING = "training_missing"
    BY_CUSTODIAN = "by_custodian"


def require_username(username: str) -> str:
    if not _USERNAME.fullmatch(username):
        raise InvalidInput(
            f"username {username!r} is not valid",
            hint="Use 2 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter.",
        )
    if names_a_post(username):
        raise InvalidInput(
            f"username {username!r} names a role, a team or a shift, not a person",
            hint="Each person gets their own account, e.g. 'jdoe' or 'jane.doe'.",
        )
    return username


def require_person_name(display_name: str) -> str:
    """A display name that names a person: 'Night Shift' or 'Patrol Unit 3' is a shared login
    under a person's form."""
    name = " ".join(display_name.split())
    if not name:
        raise InvalidInput("the account's display name is empty", hint="Give the person's name.")
    if names_a_post(name):
        raise InvalidInput(
            f"display name {name!r} names a role, a team or a shift, not a person",
            hint="Give the name of the one person who uses the account.",
        )
    return name


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    """When the person last completed ALPR training, and until when it counts."""

    completed_on: date
    expires_on: date

    def __post_init__(self) -> None:
        if self.expires_on <= self.completed_on:
            raise InvalidInput(
                "training expires on or before the day it was completed",
                hint="Give an expiry date after the completion date.",
            )

    def current_on(self, day: date) -> bool:
        return self.completed_on <= day < self.expires_on


@dataclass(frozen=True, slots=True)
class Account:
    """One person's account. Credentials are kept apart, in the store, never in this record."""

    id: str
    username: str
    display_name: str
    agency_id: str
    job_title: str
    roles: frozenset[Role]
    status: AccountStatus
    created_at: datetime
    training: TrainingRecord | None = None
    suspension_reason: SuspensionReason | None = None
    last_active_at: datetime | None = None
    inactive_since: datetime | None = None
    """When the account was suspended or deactivated; None while active (and for accounts
    suspended before this was recorded)."""

    def __post_init__(self) -> None:
        require_username(self.username)
        require_slug(self.agency_id, "agency id")
        if not self.display_name.strip():
            raise InvalidInput(
                "the account's display name is empty", hint="Give the person's name."
            )
        if not self.job_title.strip():
            raise InvalidInput("the account's job title is empty", hint="For example 'Detective'.")
        if not self.roles:
            raise InvalidInput("an account needs at least one role", hint=f"One of {ROLE_NAMES}.")
        if Role.CAMERA in self.roles:
            raise InvalidInput(
                "the camera role belongs to cameras, not to people",
                hint="Cameras ingest with their own key: 'platekeeper camera add'.",
            )
        if Role.DIRECTORY in self.roles:
            raise InvalidInput(
                "the directory role belongs to the agency's directory, not to people",
                hint="The directory provisions with its own token: 'platekeeper scim token'.",
            )
        if (self.status is AccountStatus.SUSPENDED) != (self.suspension_reason is not None):
            raise InvalidInput("a suspended account needs a reason, and only a suspended one")
        object.__setattr__(self, "created_at", require_utc(self.created_at, "created_at"))
        for name in ("last_active_at", "inactive_since"):
            if getattr(self, name) is not None:
                require_utc(getattr(self, name), name)

    def suspended(self, reason: SuspensionReason, at: datetime | None = None) -> Account:
        since = self.inactive_since if at is None else at
        return replace(
            self, status=AccountStatus.SUSPENDED, suspension_reason=reason, inactive_since=since
        )

    def deactivated(self, at: datetime) -> Account:
        since = at if self.status is AccountStatus.ACTIVE else self.inactive_since or at
        return replace(
            self, status=AccountStatus.DEACTIVATED, suspension_reason=None, inactive_since=since
        )

    def inactive_from(self) -> date | None:
        """The day since which an inactive account needs training to be reactivated: the day it
        was suspended or deactivated, or for one suspended before that was recorded, its last
        activity. None for an active account."""
        if self.status is AccountStatus.ACTIVE:
            return None
        since = self.inactive_since or self.last_active_at or self.created_at
        return since.date()

    def reactivated(self, training: TrainingRecord, now: datetime) -> Account:
        """Back to active with a current training record; counts as activity, so the
        inactivity rule does not suspend it again at once."""
        if not training.current_on(now.date()):
            raise InvalidInput(
                "the training record is not current",
                hint="Record the person's latest training before reactivating the account.",
            )
        return replace(
            self,
            status=AccountStatus.ACTIVE,
            suspension_reason=None,
            training=training,
            last_active_at=now,
            inactive_since=None,
        )


ROLE_NAMES = ", ".join(role.value for role in Role)


def lapse(account: Account, now: datetime, max_idle: timedelta) -> SuspensionReason | None:
    """Why an active account must be suspended now, or None if it stays active.

    Idle time counts from the last activity, or from creation for an account never used.
    """
    if account.status is not AccountStatus.ACTIVE:
        return None
    if account.training is None:
        # An account the agency's directory made waits for its first training record: it signs
        # nobody in meanwhile (``awaits_training``), and suspending it would only make the
        # custodian reactivate it after recording the training. Idle too long, it lapses.
        if account.last_active_at is None and now - account.created_at <= max_idle:
            return None
        return SuspensionReason.TRAINING_MISSING
    if not account.training.current_on(now.date()):
        return SuspensionReason.TRAINING_EXPIRED
    last_seen = account.last_active_at or account.created_at
    if now - last_seen > max_idle:
        return SuspensionReason.INACTIVITY
    return None


def awaits_training(account: Account) -> bool:
    """Whether ``account`` has no training on record yet: it reaches nothing until a custodian
    records it (a local account is made with its training; one from the directory without)."""
    return account.training is None
