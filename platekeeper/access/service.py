"""The one way into ALPR data for a person: every look-up is authorised, purposed and logged.

Each operation first decides, then acts. The decision checks the role's permission, the stated
purpose and case number, and, for searches reaching far back, a supervisor's approval; a refusal
is logged as a denied access with its reason before the error reaches the caller. An allowed
access is logged with the ids of the reads and images it returned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from platekeeper.access.requests import Basis, Requester, SearchCriteria
from platekeeper.config import AccessSettings
from platekeeper.domain import PlateRead
from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessSink
from platekeeper.domain.approvals import needs_approval
from platekeeper.domain.permissions import Permission, decide
from platekeeper.domain.purposes import PurposeCatalogue, StatedPurpose
from platekeeper.domain.time import Clock
from platekeeper.errors import NotFound, PermissionDenied, PlateKeeperError
from platekeeper.store import ReadQuery, Store
from platekeeper.store.images import ImageKind, ImageStore


@dataclass(frozen=True, slots=True)
class Found:
    """The reads a look-up returned; ``truncated`` when more matched than one look-up returns."""

    reads: list[PlateRead]
    truncated: bool


@dataclass(frozen=True, slots=True)
class ReadImage:
    data: bytes
    ref: str


@dataclass(frozen=True, slots=True)
class _Access:
    """One access being decided: what is asked, by whom and on what basis."""

    who: Requester
    basis: Basis
    action: Permission
    query: Mapping[str, str]

    def __post_init__(self) -> None:
        if self.basis.approval_id is not None:
            object.__setattr__(self, "query", {**self.query, "approval_id": self.basis.approval_id})


class ReadAccess:
    def __init__(
        self,
        store: Store,
        images: ImageStore,
        log: AccessSink,
        clock: Clock,
        settings: AccessSettings,
    ) -> None:
        self._store = store
        self._images = images
        self._log = log
        self._clock = clock
        self._settings = settings
        self.catalogue: PurposeCatalogue = settings.catalogue()

    def search(
        self, who: Requester, basis: Basis, criteria: SearchCriteria, *, export: bool = False
    ) -> Found:
        """Reads matching ``criteria`` from the requester's agency, newest first."""
        action = Permission.READS_EXPORT if export else Permission.READS_SEARCH
        return self._find(_Access(who, basis, action, criteria.query_elements()), criteria)

    def vehicle_history(
        self,
        who: Requester,
        basis: Basis,
        plate: str,
        captured_from: datetime | None = None,
        captured_before: datetime | None = None,
    ) -> Found:
        """Every read of one plate in the requester's agency, newest first."""
        criteria = SearchCriteria(
            plate=plate, captured_from=captured_from, captured_before=captured_before
        )
        access = _Access(who, basis, Permission.VEHICLES_HISTORY, criteria.query_elements())
        return self._find(access, criteria)

    def read(self, who: Requester, basis: Basis, read_id: str) -> PlateRead:
        access = _Access(who, basis, Permission.READS_VIEW, {"read_id": read_id})
        self._authorise(access)
        read = self._agency_read(access, read_id)
        self._allowed(access, [read])
        return read

    def image(self, who: Requester, basis: Basis, read_id: str, kind: ImageKind) -> ReadImage:
        access = _Access(
            who, basis, Permission.IMAGES_VIEW, {"read_id": read_id, "image": kind.value}
        )
        self._authorise(access)
        read = self._agency_read(access, read_id)
        ref = read.crop_ref if kind is ImageKind.CROP else read.image_ref
        if ref is None:
            self._record(access, AccessOutcome.ALLOWED, f"read has no {kind.value} image")
            raise NotFound(f"read {read_id} has no {kind.value} image")
        data = self._images.get(ref)
        self._record(access, AccessOutcome.ALLOWED, self._granted(access), (read.id,), (ref,))
        return ReadImage(data, ref)

    def _find(self, access: _Access, criteria: SearchCriteria) -> Found:
        cap = self._settings.max_results
        # One more than the cap tells whether there were more.
        query = self._authorise(
            access, lambda: criteria.to_query(access.who.actor.agency_id, cap + 1)
        )
        found = self._store.reads.find(query)
        reads = found[:cap]
        self._allowed(access, reads)
        return Found(reads, truncated=len(found) > cap)

    def _authorise(
        self, access: _Access, build: Callable[[], ReadQuery] | None = None
    ) -> ReadQuery:
        """Decide ``access``; log and raise a refusal. Returns the query ``build`` makes:
        building it checks the criteria, which is part of deciding."""
        try:
            decision = decide(access.who.roles, access.action)
            if not decision.allowed:
                raise PermissionDenied(decision.reason)
            stated = self.catalogue.state(access.basis.purpose_code, access.basis.case_number)
            query = build() if build is not None else ReadQuery()
            if build is not None:
                self._require_approval(access, stated, query)
        except PlateKeeperError as exc:
            self._record(access, AccessOutcome.DENIED, exc.message)
            raise
        return query

    def _require_approval(self, access: _Access, stated: StatedPurpose, query: ReadQuery) -> None:
        now = self._clock.now()
        if not needs_approval(query.captured_from, now, self._settings.approval_beyond_days):
            return
        days = self._settings.approval_beyond_days
        approval_id = access.basis.approval_id
        approval = None if approval_id is None else self._store.approvals.get(approval_id)
        if approval is None:
            raise PermissionDenied(
                f"searches reaching back more than {days} days need a supervisor's approval",
                hint="Request one (POST /api/v1/approvals) and search with its approval_id.",
            )
        why_not = approval.covers(
            access.who.actor.username,
            stated.case_number,
            query.captured_from,
            query.captured_before,
            now,
        )
        if why_not is not None:
            raise PermissionDenied(why_not, hint="Search within the approval, or request another.")

    def _agency_read(self, access: _Access, read_id: str) -> PlateRead:
        read = self._store.reads.get(read_id)
        camera = None if read is None else self._store.cameras.get(read.camera_id)
        # Another agency's read is reported as missing: its existence is not for this person.
        if read is None or camera is None or camera.agency_id != access.who.actor.agency_id:
            self._record(access, AccessOutcome.ALLOWED, "no such read in the agency")
            raise NotFound(f"read {read_id} does not exist")
        return read

    def _allowed(self, access: _Access, reads: Sequence[PlateRead]) -> None:
        self._record(
            access, AccessOutcome.ALLOWED, self._granted(access), tuple(r.id for r in reads)
        )

    def _granted(self, access: _Access) -> str:
        return f"{decide(access.who.roles, access.action).reason}; purpose stated"

    def _record(
        self,
        access: _Access,
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
