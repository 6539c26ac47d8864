"""The breach workflow: detect, record, notify (Civil Code 1798.82 and 1798.29; SB 34).

Detection turns what the audit finds into suspected incidents: the access log failing
verification, one person exporting more reads than ``export_threshold`` within
``export_window``, and the data folder readable by others. The checks themselves run where
they live (``audit verify``, the file-permission check at start); ``detect`` takes their
findings and counts the exports from the access log. A person reports any other suspicion.
A custodian assesses each incident (a breach, or not, with its extent), records decisions, and
notifies with a notice in the statute's form; the register shows how long each has waited.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from platekeeper.domain.access import AccessOutcome, AccessRecord, AccessSink, Actor
from platekeeper.domain.breaches import (
    DEFAULT_NOTICE_TARGET,
    BulkExport,
    Incident,
    IncidentSource,
    IncidentStatus,
    NoticeContent,
    bulk_exporters,
    notice_text,
)
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.permissions import Permission
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict
from platekeeper.store import Store
from platekeeper.store.protocols import AccessFilter

DETECTION = Person(Actor("system:audit", "-"), frozenset())
"""Who raises an incident the audit found: the audit itself, with no roles."""
DEFAULT_EXPORT_THRESHOLD = 1000
DEFAULT_EXPORT_WINDOW = timedelta(hours=24)
_MOST_EXPORTS = 10_000


@dataclass(frozen=True, slots=True)
class Findings:
    """What the checks found, handed to ``BreachDesk.detect``; None where a check passed."""

    chain_problem: str | None = None
    """``audit verify``'s summary where the access log is not intact."""
    permissions_problem: str | None = None
    """What the file-permission check refused."""


class BreachDesk:
    def __init__(
        self,
        store: Store,
        log: AccessSink,
        clock: Clock,
        *,
        notice_target: timedelta = DEFAULT_NOTICE_TARGET,
        export_threshold: int = DEFAULT_EXPORT_THRESHOLD,
        export_window: timedelta = DEFAULT_EXPORT_WINDOW,
    ) -> None:
        self._store = store
        self._clock = clock
        self._gate = AccessGate(log, clock)
        self.notice_target = notice_target
        self._export_threshold = export_threshold
        self._export_window = export_window

    # --- detect ----------------------------------------------------------------------------

    def detect(self, findings: Findings = Findings()) -> list[Incident]:
        """Raise a suspected incident for each finding not already open; return the new ones."""
        now = self._clock.now()
        raised: list[tuple[str, IncidentSource, str]] = []
        agencies = [agency.id for agency in self._store.agencies.list()]
        if findings.chain_problem:
            summary = f"the access log failed verification: {findings.chain_problem}"
            raised += [(a, IncidentSource.AUDIT_CHAIN, summary) for a in agencies]
        if findings.permissions_problem:
            summary = f"data files readable by others: {findings.permissions_problem}"
            raised += [(a, IncidentSource.FILE_PERMISSIONS, summary) for a in agencies]
        for bulk in self._bulk_exports(now):
            summary = (
                f"{bulk.username} exported {bulk.reads} reads within"
                f" {_hours(self._export_window)}, over the threshold of {self._export_threshold}"
            )
            raised.append((bulk.agency_id, IncidentSource.BULK_EXPORT, summary))
        new = []
        for agency_id, source, summary in raised:
            if self._already_open(agency_id, source, summary):
                continue
            incident = Incident(
                id=str(uuid.uuid4()),
                agency_id=agency_id,
                source=source,
                summary=summary,
                discovered_at=now,
                reported_by=DETECTION.actor.username,
            )
            self._store.incidents.add(incident)
            access = _access(DETECTION, "incidents:detect", incident)
            self._gate.record(access, AccessOutcome.ALLOWED, f"suspected breach: {source.value}")
            new.append(incident)
        return new

    def heard(self, record: AccessRecord) -> None:
        """An access-log listener (``AccessLog.watch``): after each export allowed, count the
        exports again, so a bulk export is suspected at once, whichever way it was made."""
        event = record.event
        if event.action == Permission.READS_EXPORT.value and event.outcome is AccessOutcome.ALLOWED:
            self.detect()

    def _bulk_exports(self, now: datetime) -> list[BulkExport]:
        records = self._store.access_log.find(
            AccessFilter(
                action=Permission.READS_EXPORT.value,
                outcome=AccessOutcome.ALLOWED,
                at_from=now - self._export_window,
                limit=_MOST_EXPORTS,
            )
        )
        events = [record.event for record in records]
        exports = [(e.actor.username, e.actor.agency_id, len(e.read_ids)) for e in events]
        return bulk_exporters(exports, self._export_threshold)

    def _already_open(self, agency_id: str, source: IncidentSource, summary: str) -> bool:
        """An open incident of the same kind (for a bulk export, of the same person) is the
        same suspicion: detection runs again and again, one incident is enough."""
        person = summary.split(" ", 1)[0]
        return any(
            i.open
            and i.source is source
            and (source is not IncidentSource.BULK_EXPORT or i.summary.split(" ", 1)[0] == person)
            for i in self._store.incidents.list(agency_id)
        )

    # --- record ----------------------------------------------------------------------------

    def report(self, who: Person, summary: str, discovered_at: datetime | None = None) -> Incident:
        """A suspicion a person reports (a lost device, a vendor's notice, a complaint)."""
        now = self._clock.now()

        def new() -> Incident:
            return Incident(
                id=str(uuid.uuid4()),
                agency_id=who.actor.agency_id,
                source=IncidentSource.MANUAL,
                summary=summary,
                discovered_at=min(discovered_at or now, now),
                reported_by=who.actor.username,
            )

        incident = self._gate.check(
            Access(who, Stated(), Permission.INCIDENTS_MANAGE, {}, step="incidents:report"),
            lambda _: new(),
        )
        self._store.incidents.add(incident)
        self._gate.allowed(_access(who, "incidents:report", incident), reason="incident reported")
        return incident

    def assess(
        self,
        who: Person,
        incident_id: str,
        *,
        breach: bool,
        reason: str,
        data_involved: str = "",
        reads_affected: int | None = None,
        people_affected: int | None = None,
        california_residents: int | None = None,
        law_enforcement_delay: str | None = None,
    ) -> Incident:
        status = IncidentStatus.CONFIRMED if breach else IncidentStatus.NOT_A_BREACH
        return self._change(
            who,
            incident_id,
            "incidents:assess",
            lambda i: i.assessed(
                self._clock.now(),
                who.actor.username,
                status=status,
                data_involved=data_involved,
                reads_affected=reads_affected,
                people_affected=people_affected,
                california_residents=california_residents,
                law_enforcement_delay=law_enforcement_delay,
                reason=reason,
            ),
        )

    def decide(self, who: Person, incident_id: str, text: str) -> Incident:
        """Record a decision taken in handling (containment, a call to the vendor...)."""
        return self._change(
            who,
            incident_id,
            "incidents:decide",
            lambda i: i.decided(self._clock.now(), who.actor.username, text),
        )

    # --- notify ----------------------------------------------------------------------------

    def notify(
        self, who: Person, incident_id: str, notice: NoticeContent, *, attorney_general: bool
    ) -> tuple[Incident, str]:
        """Record the notice sent to the people affected; return it in the statute's form."""
        now = self._clock.now()
        incident = self._change(
            who,
            incident_id,
            "incidents:notify",
            lambda i: i.notified(
                now, who.actor.username, notice, attorney_general=attorney_general
            ),
        )
        return incident, notice_text(incident, notice, self._agency_name(incident), now)

    def draft(self, who: Person, incident_id: str, notice: NoticeContent) -> str:
        """The notice ``notice`` would make, without sending it: an access like any other."""
        access = Access(
            who,
            Stated(),
            Permission.INCIDENTS_MANAGE,
            {"incident": incident_id},
            step="incidents:draft",
        )
        incident = self._gate.check(access, lambda _: self._own(who, incident_id))
        self._gate.allowed(access, reason="notice drafted")
        return notice_text(incident, notice, self._agency_name(incident), self._clock.now())

    def list(self, who: Person) -> list[Incident]:
        access = Access(who, Stated(), Permission.INCIDENTS_MANAGE, {}, step="incidents:list")
        self._gate.check(access)
        incidents = self._store.incidents.list(AgencyScope.of(who.actor).agency_id)
        self._gate.allowed(access, reason=f"{len(incidents)} incidents shown")
        return incidents

    def overdue(self, incidents: Iterable[Incident]) -> tuple[Incident, ...]:
        now = self._clock.now()
        return tuple(i for i in incidents if i.overdue(now, self.notice_target))

    # --- the steps ---------------------------------------------------------------------------

    def _change(
        self, who: Person, incident_id: str, step: str, change: Callable[[Incident], Incident]
    ) -> Incident:
        access = Access(
            who, Stated(), Permission.INCIDENTS_MANAGE, {"incident": incident_id}, step=step
        )

        def changed(_: object) -> Incident:
            before = self._own(who, incident_id)
            after = change(before)
            if not self._store.incidents.update(before, after):
                raise Conflict(f"incident {incident_id} was changed by someone else meanwhile")
            return after

        incident = self._gate.check(access, changed)
        self._gate.allowed(access, reason=f"incident {incident.status.value}")
        return incident

    def _own(self, who: Person, incident_id: str) -> Incident:
        return AgencyScope.of(who.actor).own(
            self._store.incidents.get(incident_id),
            lambda i: i.agency_id,
            f"incident {incident_id} does not exist",
        )

    def _agency_name(self, incident: Incident) -> str:
        agency = self._store.agencies.get(incident.agency_id)
        return incident.agency_id if agency is None else agency.name


def _access(who: Person, step: str, incident: Incident) -> Access:
    query = {"incident": incident.id, "source": incident.source.value}
    return Access(who, Stated(), Permission.INCIDENTS_MANAGE, query, step=step)


def _hours(window: timedelta) -> str:
    return f"{window.total_seconds() / 3600:g} hours"
