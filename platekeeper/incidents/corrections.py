"""Correcting a stored misread: purpose-bound, logged, the original kept, matching re-run.

A person with ``reads:correct`` states a purpose and case, as for any look-up of a read; the gate
decides and logs it. The read (of the person's agency only) takes the corrected text and state
in the same transaction that records the correction with the original, so no read is ever
changed without its record. The corrected read is then matched against the hot lists again
(``listeners``, the hot-list matcher), so a plate the camera misread still alerts.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Protocol

from platekeeper.config import AccessSettings
from platekeeper.domain import PlateRead
from platekeeper.domain.access import AccessSink
from platekeeper.domain.corrections import ReadCorrection, correction_of
from platekeeper.domain.gate import Access, AccessGate, Basis, Person, Stated
from platekeeper.domain.permissions import Permission
from platekeeper.domain.personal_data import refuse_personal_data
from platekeeper.domain.purposes import StatedPurpose
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict, NotFound
from platekeeper.store import Store

log = logging.getLogger(__name__)


class ReadsChanged(Protocol):
    """Hears of reads whose plate changed, e.g. to match them against the hot lists again."""

    def reads_stored(self, reads: Sequence[PlateRead]) -> None: ...


class CorrectionDesk:
    def __init__(
        self,
        store: Store,
        log: AccessSink,
        clock: Clock,
        settings: AccessSettings,
        listeners: Sequence[ReadsChanged] = (),
    ) -> None:
        self._store = store
        self._clock = clock
        self._gate = AccessGate(log, clock, settings.catalogue())
        self._listeners = tuple(listeners)

    def correct(
        self,
        who: Person,
        basis: Basis,
        read_id: str,
        *,
        plate_text: str | None,
        region: str | None = None,
        reason: str,
    ) -> ReadCorrection:
        """Correct one read of ``who``'s agency; return the correction (with the original)."""
        query = {"read_id": read_id}
        if plate_text is not None:
            query["plate"] = plate_text
        access = Access(who, basis, Permission.READS_CORRECT, query)

        def corrected(stated: StatedPurpose | None) -> tuple[PlateRead, ReadCorrection]:
            assert stated is not None  # reads:correct is purpose-bound
            refuse_personal_data(reason, "reason")
            read = self._agency_read(who, read_id)
            correction = correction_of(
                read,
                correction_id=str(uuid.uuid4()),
                agency_id=who.actor.agency_id,
                plate_text=plate_text,
                region=region,
                by=who.actor.username,
                at=self._clock.now(),
                reason=reason,
                purpose_code=stated.purpose.code,
                case_number=stated.case_number,
            )
            if not self._store.read_corrections.apply(correction, read.plate_key):
                raise Conflict(f"read {read_id} was changed or removed meanwhile")
            return read, correction

        read, correction = self._gate.check(access, corrected)
        self._gate.allowed(
            access,
            (read.id,),
            # No plate text here: the query's "plate" is withheld from auditors, the original
            # (in no query) would not be.
            reason=_what_changed(correction),
        )
        self._rematch(correction.applied_to(read))
        return correction

    def corrections(self, who: Person, read_id: str | None = None) -> list[ReadCorrection]:
        """The corrections of ``who``'s agency (of one read, with ``read_id``), for an auditor:
        an access in the log like any other."""
        query = {} if read_id is None else {"read_id": read_id}
        access = Access(who, Stated(), Permission.AUDIT_READ, query, step="reads:corrections")
        self._gate.check(access)
        scope = AgencyScope.of(who.actor)
        if read_id is None:
            found = self._store.read_corrections.list(scope.agency_id)
        else:
            found = scope.keep(self._store.read_corrections.of_read(read_id), lambda c: c.agency_id)
        read_ids = tuple(dict.fromkeys(c.read_id for c in found))
        self._gate.allowed(access, read_ids, reason=f"{len(found)} corrections shown")
        return found

    def _agency_read(self, who: Person, read_id: str) -> PlateRead:
        read = self._store.reads.get(read_id)
        camera = None if read is None else self._store.cameras.get(read.camera_id)
        # Another agency's read is reported as missing, as in every look-up.
        if read is None or camera is None or not AgencyScope.of(who.actor).admits(camera.agency_id):
            raise NotFound(f"read {read_id} does not exist")
        return read

    def _rematch(self, read: PlateRead) -> None:
        for listener in self._listeners:
            try:
                listener.reads_stored([read])
            except Exception:  # the correction stands; the next rebuild's pass is logged
                log.exception("matching a corrected read against the hot lists failed")


def _what_changed(correction: ReadCorrection) -> str:
    changed = [
        what
        for what, before, after in (
            ("plate text", correction.original_text, correction.corrected_text),
            ("state", correction.original_region, correction.corrected_region),
        )
        if before != after
    ]
    return "corrected the " + " and the ".join(changed)
