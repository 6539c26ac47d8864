"""The one place a person's access is decided and recorded.

Deciding checks the role's permission and, for a purpose-bound permission, the stated purpose
and case number; a caller may add checks of its own (a supervisor's approval, the criteria). A
refusal is logged with its reason before it is raised; an allowed access is logged with what it
returned. Every service that lets a person see ALPR data goes through it: the look-ups and
approvals in ``access/``, and the hits (seen, verified, matched retroactively) in
``hotlists/hits/``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar, overload

from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessSink, Actor
from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Permission, decide
from platekeeper.domain.purposes import PurposeCatalogue, StatedPurpose
from platekeeper.domain.time import Clock
from platekeeper.errors import PermissionDenied, PlateKeeperError

T = TypeVar("T")


class Requester(Protocol):
    """An authenticated person (``access.Requester`` is one)."""

    @property
    def actor(self) -> Actor: ...
    @property
    def roles(self) -> frozenset[Role]: ...
    @property
    def client_address(self) -> str | None: ...


class Basis(Protocol):
    """What the person states for an access (``access.Basis`` is one)."""

    @property
    def purpose_code(self) -> str | None: ...
    @property
    def case_number(self) -> str | None: ...
    @property
    def approval_id(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class _NothingStated:
    purpose_code: None = None
    case_number: None = None
    approval_id: None = None


NOTHING_STATED: Basis = _NothingStated()
"""The basis of an access that is not purpose-bound (verifying a hit): nothing is stated."""


@dataclass(frozen=True, slots=True)
class Access:
    """One access being decided: what is asked, by whom and on what basis."""

    who: Requester
    basis: Basis
    action: Permission
    query: Mapping[str, str]

    def __post_init__(self) -> None:
        if self.basis.approval_id is not None:
            object.__setattr__(self, "query", {**self.query, "approval_id": self.basis.approval_id})


class AccessGate:
    def __init__(self, log: AccessSink, clock: Clock, catalogue: PurposeCatalogue) -> None:
        self._log = log
        self._clock = clock
        self.catalogue = catalogue

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
            decision = decide(access.who.roles, access.action)
            if not decision.allowed:
                raise PermissionDenied(
                    decision.reason, hint="Ask a custodian if your work needs this permission."
                )
            stated = None
            if access.action.purpose_bound:
                stated = self.catalogue.state(access.basis.purpose_code, access.basis.case_number)
            return None if then is None else then(stated)
        except PlateKeeperError as exc:
            self.record(access, AccessOutcome.DENIED, exc.message)
            raise

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
                action=access.action.value,
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
