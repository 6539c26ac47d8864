"""The one place a person's access is decided and recorded, and the one type of person.

Deciding checks the role's permission and, for a purpose-bound permission, the stated purpose
and case number; a caller may add checks of its own (a supervisor's approval, the criteria). A
refusal is logged with its reason before it is raised; an allowed access is logged with what it
returned. Every service that decides for a person goes through it: the look-ups and approvals in
``access/``, the hits (seen, verified, matched retroactively) in ``hotlists/hits/``, legal holds
in ``retention/``, sharing in ``sharing/``, and each route's permission in ``http/auth.py``.

A ``Person`` is who acts, from authentication to the log: their actor (username and agency),
roles and client address. The HTTP floor makes one from a session or token, the console from
its operator; the services take nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar, overload

from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessSink, Actor
from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Permission, decide, who_may
from platekeeper.domain.purposes import PurposeCatalogue, StatedPurpose
from platekeeper.domain.time import Clock
from platekeeper.domain.token_scopes import refuse_outside
from platekeeper.errors import PermissionDenied, PlateKeeperError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Person:
    """An authenticated person, as the access rules and the access log see them."""

    actor: Actor
    roles: frozenset[Role]
    client_address: str | None = None
    permits: frozenset[Permission] | None = None
    """What the credential reaches, beside the roles (an API token's scopes); None: the roles
    alone decide."""


Requester = Person
"""The former name of ``Person``, kept while other branches still use it."""


class Basis(Protocol):
    """What the person states for an access (``access.Basis`` is one)."""

    @property
    def purpose_code(self) -> str | None: ...
    @property
    def case_number(self) -> str | None: ...
    @property
    def approval_id(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Stated:
    """A basis as a value: what a step states (a hold's or a share's case number)."""

    purpose_code: str | None = None
    case_number: str | None = None
    approval_id: str | None = None


NOTHING_STATED: Basis = Stated()
"""The basis of an access that is not purpose-bound (verifying a hit): nothing is stated."""

DEFAULT_HINT = "Ask a custodian if your work needs this permission."


@dataclass(frozen=True, slots=True)
class Access:
    """One access being decided: what is asked, by whom and on what basis.

    ``step`` names the action in the log where one permission covers several steps
    (``sharing:export`` under ``sharing:manage``); by default it is the permission's name.
    ``hint`` is what a refusal for want of the permission tells the person.
    """

    who: Person
    basis: Basis
    action: Permission
    query: Mapping[str, str]
    step: str | None = None
    hint: str = DEFAULT_HINT

    @property
    def logged_action(self) -> str:
        return self.action.value if self.step is None else self.step

    def __post_init__(self) -> None:
        if self.basis.approval_id is not None:
            object.__setattr__(self, "query", {**self.query, "approval_id": self.basis.approval_id})


class AccessGate:
    def __init__(
        self, log: AccessSink, clock: Clock, catalogue: PurposeCatalogue | None = None
    ) -> None:
        """``catalogue`` may be left out by a service whose permissions ask no purpose."""
        self._log = log
        self._clock = clock
        self._catalogue = catalogue

    @property
    def catalogue(self) -> PurposeCatalogue:
        if self._catalogue is None:
            raise RuntimeError("this gate has no purpose catalogue: it decides no look-up")
        return self._catalogue

    @overload
    def check(self, access: Access) -> None: ...
    @overload
    def check(self, access: Access, then: Callable[[StatedPurpose | None], T]) -> T: ...
    def check(
        self, access: Access, then: Callable[[StatedPurpose | None], T] | None = None
    ) -> T | None:
        """Decide ``access`` and run ``then`` as part of the decision; log and raise a refusal.

        ``then`` gets the stated purpose (None for a permission that is not purpose-bound); what
        it returns is returned, and what it raises is a refusal like any other.
        """
        try:
            self._permit(access)
            stated = None
            if access.action.purpose_bound:
                stated = self.catalogue.state(access.basis.purpose_code, access.basis.case_number)
            return None if then is None else then(stated)
        except PlateKeeperError as exc:
            self.record(access, AccessOutcome.DENIED, exc.message)
            raise

    def permitted(self, access: Access) -> None:
        """Decide the permission only (a route's guard: the service asks the purpose later);
        log and raise a refusal."""
        try:
            self._permit(access)
        except PlateKeeperError as exc:
            self.record(access, AccessOutcome.DENIED, exc.message)
            raise

    @staticmethod
    def _permit(access: Access) -> None:
        decision = decide(access.who.roles, access.action)
        if not decision.allowed:
            hint = access.hint
            if hint == DEFAULT_HINT:
                hint = who_may(access.who.roles, access.action)
            raise PermissionDenied(decision.reason, hint=hint)
        refuse_outside(access.who.permits, access.action)

    def allowed(
        self,
        access: Access,
        read_ids: tuple[str, ...] = (),
        image_refs: tuple[str, ...] = (),
        reason: str | None = None,
    ) -> None:
        granted = decide(access.who.roles, access.action).reason
        if access.action.purpose_bound:
            granted += "; purpose stated"
        if access.who.permits is not None:
            granted += "; within the API token's scopes"
        self.record(
            access,
            AccessOutcome.ALLOWED,
            granted if reason is None else f"{granted}; {reason}",
            read_ids,
            image_refs,
        )

    def record(
        self,
        access: Access,
        outcome: AccessOutcome,
        reason: str,
        read_ids: tuple[str, ...] = (),
        image_refs: tuple[str, ...] = (),
    ) -> None:
        self._log.record(
            AccessEvent(
                at=self._clock.now(),
                actor=access.who.actor,
                action=access.logged_action,
                outcome=outcome,
                reason=reason,
                query=access.query,
                read_ids=read_ids,
                image_refs=image_refs,
                purpose_code=access.basis.purpose_code,
                case_number=access.basis.case_number,
                client_address=access.who.client_address,
            )
        )
