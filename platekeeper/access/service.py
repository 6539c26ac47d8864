"""The one way into ALPR data for a person: every look-up is authorised, purposed and logged.

Each operation first decides, then acts. The decision checks the role's permission, the stated
purpose and case number, and, for searches reaching far back, a supervisor's approval; a refusal
is logged as a denied access with its reason before the error reaches the caller. An allowed
access is logged with the ids of the reads and images it returned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from platekeeper.access.requests import FIRST_PAGE, Basis, Page, SearchCriteria, not_a_page
from platekeeper.access.thumbnails import thumbnail
from platekeeper.config import AccessSettings
from platekeeper.domain import PlateRead
from platekeeper.domain.access import AccessSink
from platekeeper.domain.approvals import require_approval
from platekeeper.domain.gate import Access, AccessGate, Person
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.domain.purposes import PurposeCatalogue, StatedPurpose
from platekeeper.domain.reads import ReadImage
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import NotFound, PlateKeeperError
from platekeeper.store import ReadCursor, ReadQuery, Store
from platekeeper.store.images import ImageKind, ImageStore


@dataclass(frozen=True, slots=True)
class Found:
    """The reads a look-up returned; ``truncated`` when more matched than this page holds.

    ``thumbnails`` holds a small JPEG of the plate crop of each read that has one, by read id,
    when the page asked for crops and the person may see images (``access/thumbnails.py``).
    """

    reads: list[PlateRead]
    truncated: bool
    thumbnails: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def next_after(self) -> str | None:
        """The ``after`` of the next page (this page's last read); None on the last page."""
        if not self.truncated or not self.reads:
            return None
        return self.reads[-1].id


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
        self._clock = clock
        self._settings = settings
        self._gate = AccessGate(log, clock, settings.catalogue())

    @property
    def catalogue(self) -> PurposeCatalogue:
        return self._gate.catalogue

    def search(
        self,
        who: Person,
        basis: Basis,
        criteria: SearchCriteria,
        *,
        page: Page = FIRST_PAGE,
    ) -> Found:
        """Reads matching ``criteria`` from the requester's agency, newest first: one page.
        A page for export (``page.export``) is logged as an export, in its format."""
        action = Permission.READS_SEARCH if page.export is None else Permission.READS_EXPORT
        query = criteria.query_elements() | page.query_elements()
        return self._find(Access(who, basis, action, query), criteria, page)

    def vehicle_history(
        self,
        who: Person,
        basis: Basis,
        plate: str,
        captured_from: datetime | None = None,
        captured_before: datetime | None = None,
        *,
        page: Page = FIRST_PAGE,
    ) -> Found:
        """Every read of one plate in the requester's agency, newest first: one page. A page
        for export (``page.export``) is logged as an export, in its format, as a search's is."""
        criteria = SearchCriteria(
            plate=plate, captured_from=captured_from, captured_before=captured_before
        )
        query = criteria.query_elements() | page.query_elements()
        action = Permission.VEHICLES_HISTORY if page.export is None else Permission.READS_EXPORT
        access = Access(who, basis, action, query)
        return self._find(access, criteria, page)

    def read(self, who: Person, basis: Basis, read_id: str) -> PlateRead:
        access = Access(who, basis, Permission.READS_VIEW, {"read_id": read_id})
        self._gate.check(access)
        read = self._agency_read(access, read_id)
        self._gate.allowed(access, (read.id,))
        return read

    def image(self, who: Person, basis: Basis, read_id: str, kind: ImageKind) -> ReadImage:
        access = Access(
            who, basis, Permission.IMAGES_VIEW, {"read_id": read_id, "image": kind.value}
        )
        self._gate.check(access)
        read = self._agency_read(access, read_id)
        ref = read.crop_ref if kind is ImageKind.CROP else read.image_ref
        if ref is None:
            self._gate.allowed(access, (read.id,), reason=f"the read has no {kind.value} image")
            raise NotFound(f"read {read_id} has no {kind.value} image")
        data = self._images.get(ref)
        self._gate.allowed(access, (read.id,), (ref,))
        return ReadImage(data, ref)

    def _find(self, access: Access, criteria: SearchCriteria, page: Page) -> Found:
        cap = min(page.size or self._settings.max_results, self._settings.max_results)

        def query_for(stated: StatedPurpose | None) -> ReadQuery:
            # One more than the cap tells whether there were more.
            after = None if page.after is None else self._cursor(access, page.after)
            query = criteria.to_query(_scope(access).agency_id, cap + 1, after)
            if stated is not None:
                self._require_approval(access, stated, query)
            return query

        query = self._gate.check(access, query_for)
        assert query is not None
        found = self._store.reads.find(query)
        reads = found[:cap]
        thumbnails = self._thumbnails(access.who, reads) if page.crops else {}
        refs = tuple(ref for read in reads if read.id in thumbnails and (ref := read.crop_ref))
        self._gate.allowed(access, tuple(read.id for read in reads), refs)
        return Found(reads, truncated=len(found) > cap, thumbnails=thumbnails)

    def _cursor(self, access: Access, read_id: str) -> ReadCursor:
        """Where the read a page continues after stands: refused, as part of the decision, if
        it is no read of the agency still kept (purged since, or never one)."""
        read = self._store.reads.get(read_id)
        camera = None if read is None else self._store.cameras.get(read.camera_id)
        if read is None or camera is None or not _scope(access).admits(camera.agency_id):
            raise not_a_page()
        return ReadCursor(read.captured_at, read.id)

    def _thumbnails(self, who: Person, reads: list[PlateRead]) -> dict[str, bytes]:
        """Thumbnails of the plate crops of ``reads``, by read id; none for a person who may
        not see images. A crop that cannot be opened (its day shredded meanwhile) is left out:
        the page shows that there is none."""
        if Permission.IMAGES_VIEW not in permissions_of(who.roles) or (
            who.permits is not None and Permission.IMAGES_VIEW not in who.permits
        ):
            return {}
        made: dict[str, bytes] = {}
        for read in reads:
            if read.crop_ref is None:
                continue
            try:
                small = thumbnail(self._images.get(read.crop_ref))
            except (PlateKeeperError, OSError):
                continue
            if small is not None:
                made[read.id] = small
        return made

    def _require_approval(self, access: Access, stated: StatedPurpose, query: ReadQuery) -> None:
        approval_id = access.basis.approval_id
        approval = None if approval_id is None else self._store.approvals.get(approval_id)
        # Another agency's approval is no approval here, as one that does not exist.
        if approval is not None and not _scope(access).admits(approval.agency_id):
            approval = None
        require_approval(
            approval,
            username=access.who.actor.username,
            case_number=stated.case_number,
            captured_from=query.captured_from,
            captured_before=query.captured_before,
            now=self._clock.now(),
            beyond_days=self._settings.approval_beyond_days,
        )

    def _agency_read(self, access: Access, read_id: str) -> PlateRead:
        read = self._store.reads.get(read_id)
        camera = None if read is None else self._store.cameras.get(read.camera_id)
        # Another agency's read is reported as missing: its existence is not for this person.
        if read is None or camera is None or not _scope(access).admits(camera.agency_id):
            self._gate.allowed(access, reason="no such read in the agency")
            raise NotFound(f"read {read_id} does not exist")
        return read


def _scope(access: Access) -> AgencyScope:
    """The records the person asking sees: their agency's (``domain/scope.py``)."""
    return AgencyScope.of(access.who.actor)
