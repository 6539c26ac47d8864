"""Hot lists and their entries for people: every change authorised, checked and logged.

Each operation decides first through the access gate (the person's role) and the agency scope
(a person sees and changes only their own agency's lists, ``domain/scope.py``), then the entry
rules; a refusal is logged with its reason, then it acts and logs what it did. Whoever acts is a
``Person``, on every channel: the pages and the API from the session, the console from the
person who signs in there (``cli/identity.py``). Nobody is trusted for being at the console.

The one act without a person is the scheduled refresh of a fed list (``refresh_due``, and
``ready_for_deployment`` before a camera goes active): the server fetching the list's own
source, logged as ``system:refresh`` of the list's agency. It is no method a caller hands a
person to, so no route or command can act as it.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from platekeeper.config import HotlistSettings
from platekeeper.domain.access import AccessOutcome, AccessSink, Actor
from platekeeper.domain.gate import Access, AccessGate, Person, Stated
from platekeeper.domain.hotlist_exclusions import (
    NO_EXCLUSIONS,
    ExclusionRules,
    HotlistExclusion,
)
from platekeeper.domain.hotlists import (
    AlertLevel,
    EntryRecord,
    Hotlist,
    HotlistEntry,
    ListSource,
    OneOffPolicy,
    default_category,
    refuse_forbidden_list,
)
from platekeeper.domain.permissions import Permission
from platekeeper.domain.personal_data import compile_name_patterns
from platekeeper.domain.plates import normalise_plate_key
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict, InvalidInput, NotFound, PermissionDenied, PlateKeeperError
from platekeeper.hotlists.chance import ListChance
from platekeeper.hotlists.entries import EntryDraft, EntryRules, make_entry, renewal
from platekeeper.hotlists.importing import Excluded, ImportReport, ImportSpec, entries_from_file
from platekeeper.hotlists.refresh import due, fetch_source, keep_ids, redacted
from platekeeper.store import Store
from platekeeper.store.protocols import HotlistFeed

T = TypeVar("T")
logger = logging.getLogger(__name__)
REFRESH_ACTOR = "system:refresh"
"""The username the access log gives scheduled refreshes."""
EXCLUDE_ACTOR = "system:policy"
"""The username the access log gives the removal of stored entries the policy now excludes."""


class ListsNotReady(Conflict):
    code = "hotlists_not_ready"
    title = "The agency's fed hot lists are not current"


Editor = Person
"""The former name of who changes hot lists: a ``Person``."""

_HINT = "Ask a custodian if your work needs this permission."


@dataclass(frozen=True, slots=True)
class ListSummary:
    """A list as an overview shows it."""

    hotlist: Hotlist
    entry_count: int
    stale: bool
    """A fed list not refreshed for ``STALE_AFTER``: its alerts are marked stale."""


@dataclass(frozen=True, slots=True)
class _Change:
    """One change being decided: who asks, its action for the log, its permission and query."""

    who: Person
    action: str
    permission: Permission
    query: Mapping[str, str]
    case_number: str | None = None

    @property
    def access(self) -> Access:
        return Access(
            self.who,
            Stated(case_number=self.case_number),
            self.permission,
            self.query,
            step=self.action,
            hint=_HINT,
        )

    @property
    def scope(self) -> AgencyScope:
        return AgencyScope.of(self.who.actor)


class HotlistService:
    def __init__(
        self,
        store: Store,
        log: AccessSink,
        clock: Clock,
        settings: HotlistSettings,
        *,
        entry_ceiling: timedelta | None = None,
        forbidden: Mapping[PurposeCategory, str] | None = None,
        exclusions: ExclusionRules | None = None,
        chances: Callable[[Hotlist], ListChance] | None = None,
    ) -> None:
        self._store = store
        # The chance of a list matching a random read (the matcher's, on its live index).
        self._chances = chances
        # The records of files the law or the policy keeps out (the Immigration Violator File
        # in California): never stored, counted for the reports. The forbidden categories
        # always count, whoever builds the service.
        self._swept = False
        rules = exclusions or NO_EXCLUSIONS
        self._exclusions = ExclusionRules(
            rules.source_files,
            rules.message_keys,
            {**(forbidden or {}), **rules.forbidden},
            rules.policy_sha256,
        )
        # The categories the applicable law forbids, with the law: a list of one (or named for
        # one) is never made, filled or refreshed (R20).
        self._forbidden: Mapping[PurposeCategory, str] = dict(forbidden or {})
        # Hot lists ask no purpose; ``retroactive`` matching, which does, lives in hits/.
        self._gate = AccessGate(log, clock)
        self._clock = clock
        self._settings = settings
        self._entry_ceiling = entry_ceiling
        self._names: tuple[re.Pattern[str], ...] = compile_name_patterns(
            settings.personal_name_patterns
        )

    @property
    def rules(self) -> EntryRules:
        return EntryRules(
            self._settings.manual_entry_days,
            self._names,
            agency_entry_days=self._settings.agency_entry_days,
            ceiling=self._entry_ceiling,
        )

    def create_list(
        self,
        who: Person,
        *,
        list_id: str,
        name: str,
        source: ListSource,
        priority: int,
        alert_level: AlertLevel,
        covert: bool,
        agency_id: str | None = None,
        category: PurposeCategory | None = None,
        one_off: OneOffPolicy = OneOffPolicy.AUTO,
    ) -> Hotlist:
        agency = agency_id or who.actor.agency_id
        query = {"list_id": list_id, "agency_id": agency}
        change = _Change(who, "hotlists:create", Permission.HOTLISTS_MANAGE, query)

        def act() -> Hotlist:
            if not change.scope.admits(agency):
                raise PermissionDenied(
                    f"the list would belong to agency {agency}, not yours",
                    hint="A person makes lists of their own agency only.",
                )
            hotlist = Hotlist(
                id=list_id,
                agency_id=agency,
                name=name.strip(),
                source=source,
                priority=priority,
                alert_level=alert_level,
                covert=covert,
                created_at=self._clock.now(),
                category=category or default_category(source),
                one_off=one_off,
            )
            refuse_forbidden_list(hotlist, self._forbidden)
            self._store.hotlists.add(hotlist)
            return hotlist

        return self._logged(change, act, lambda _: f"created {source.value} list")

    def lists(self, who: Person) -> list[Hotlist]:
        change = _Change(who, "hotlists:view", Permission.HOTLISTS_VIEW, {})
        self._gate.permitted(change.access)
        return self._store.hotlists.list(change.scope.agency_id)

    def summaries(self, who: Person) -> list[ListSummary]:
        """The lists ``who`` may see, each with its number of entries and whether it is stale."""
        now = self._clock.now()
        return [
            ListSummary(
                hotlist, self._store.hotlist_entries.count(hotlist.id), hotlist.stale_at(now)
            )
            for hotlist in self.lists(who)
        ]

    def get_list(self, who: Person, list_id: str) -> Hotlist:
        change = _Change(who, "hotlists:view", Permission.HOTLISTS_VIEW, {"list_id": list_id})
        return self._logged_refusal(change, lambda: self._visible_list(change, list_id))

    def chance(self, who: Person, list_id: str) -> tuple[Hotlist, ListChance]:
        """The list, and the chance per read of a random read matching it, by tier, as
        matching stands now."""
        hotlist = self.get_list(who, list_id)
        if self._chances is None:  # a service built without a matcher (a tool's, a test's)
            raise NotFound("this server matches no reads", hint="Ask the server that matches.")
        return hotlist, self._chances(hotlist)

    def set_one_off(self, who: Person, list_id: str, policy: OneOffPolicy) -> Hotlist:
        """Whether the list's one-character-off matches alert: always, never (lower-tier hits,
        stored without an alert), or while the list is small enough (``auto``)."""
        query = {"list_id": list_id, "one_off": policy.value}
        change = _Change(who, "hotlists:set-one-off", Permission.HOTLISTS_MANAGE, query)

        def act() -> Hotlist:
            hotlist = self._lawful_list(change, list_id)
            self._store.hotlists.set_one_off(hotlist.id, policy)
            return replace(hotlist, one_off=policy)

        return self._logged(change, act, lambda _: f"one-off matches set to {policy.value}")

    def entries(
        self, who: Person, list_id: str, limit: int = 1000, offset: int = 0
    ) -> list[HotlistEntry]:
        """A page of the list's entries: an access in the log with the list and how many were
        shown (entries are plates of interest: docs/hotlists.md)."""
        self.get_list(who, list_id)
        found = self._store.hotlist_entries.list(list_id, limit, offset)
        query = {"list_id": list_id, "offset": str(offset), "shown": str(len(found))}
        self._shown(_Change(who, "hotlists:entries", Permission.HOTLISTS_VIEW, query), found)
        return found

    def find_entries(self, who: Person, list_id: str, plate: str) -> list[HotlistEntry]:
        """The list's entries for ``plate``, compared as matching compares plates."""
        query = {"list_id": list_id, "plate": plate}
        change = _Change(who, "hotlists:view", Permission.HOTLISTS_VIEW, query)
        hotlist = self._logged_refusal(change, lambda: self._visible_list(change, list_id))
        key = normalise_plate_key(plate)
        found = self._store.hotlist_entries.by_plate_key([key]) if key else []
        listed = [entry for entry in found if entry.list_id == hotlist.id]
        self._shown(change, listed)
        return listed

    def _shown(self, change: _Change, entries: list[HotlistEntry]) -> None:
        """Log that ``entries`` are shown to ``change.who``."""
        self._gate.record(change.access, AccessOutcome.ALLOWED, f"{len(entries)} entries shown")

    def add_entry(self, who: Person, list_id: str, draft: EntryDraft) -> HotlistEntry:
        query = {"list_id": list_id, "plate": draft.plate}
        change = _Change(
            who, "hotlists:add-entry", Permission.HOTLISTS_MANAGE, query, draft.case_number
        )

        def act() -> HotlistEntry:
            hotlist = self._lawful_list(change, list_id)
            entry = make_entry(
                hotlist,
                draft,
                self.rules,
                entry_id=str(uuid.uuid4()),
                entered_by=who.actor.username,
                now=self._clock.now(),
            )
            self._store.hotlist_entries.add([entry])
            return entry

        return self._logged(change, act, lambda entry: f"entry {entry.id} added")

    def renew(self, who: Person, entry_id: str, until: datetime | None = None) -> HotlistEntry:
        change = _Change(who, "hotlists:renew", Permission.HOTLISTS_RENEW, {"entry_id": entry_id})

        def act() -> HotlistEntry:
            entry, hotlist = self._visible_entry(change, entry_id)
            refuse_forbidden_list(hotlist, self._forbidden)
            renewed = renewal(hotlist, entry, self._clock.now(), until, self.rules)
            self._store.hotlist_entries.set_expiry(entry_id, renewed.expires_at)
            return renewed

        return self._logged(change, act, lambda e: f"renewed until {_iso(e.expires_at)}")

    def remove_entry(self, who: Person, entry_id: str) -> HotlistEntry:
        change = _Change(
            who, "hotlists:remove-entry", Permission.HOTLISTS_MANAGE, {"entry_id": entry_id}
        )

        def act() -> HotlistEntry:
            entry, _ = self._visible_entry(change, entry_id)
            if not self._store.hotlist_entries.remove(entry_id):
                raise NotFound(f"entry {entry_id} does not exist")
            return entry

        return self._logged(change, act, lambda e: f"entry of list {e.list_id} removed")

    def import_file(
        self, who: Person, list_id: str, data: bytes, spec: ImportSpec, *, replace: bool = False
    ) -> ImportReport:
        """Entries from ``data`` added to the list (or, with ``replace``, made its entries)."""
        query = {"list_id": list_id, "format": spec.format.value, "replace": str(replace).lower()}
        change = _Change(who, "hotlists:import", Permission.HOTLISTS_MANAGE, query)

        def act() -> ImportReport:
            hotlist = self._visible_list(change, list_id)
            self._check_size(data)
            return self._store_file(hotlist, data, spec, who.actor.username, replace=replace)

        return self._logged(change, act, _described)

    def preview_import(
        self, who: Person, list_id: str, data: bytes, spec: ImportSpec
    ) -> ImportReport:
        """What ``import_file`` would store from ``data`` and which rows it would reject, with
        nothing stored; a refusal is logged as the import's would be."""
        query = {"list_id": list_id, "format": spec.format.value, "preview": "true"}
        change = _Change(who, "hotlists:import", Permission.HOTLISTS_MANAGE, query)

        def act() -> ImportReport:
            hotlist = self._visible_list(change, list_id)
            return self._read_file(hotlist, data, spec, who.actor.username)

        return self._logged_refusal(change, act)

    def set_source(self, who: Person, list_id: str, location: str, spec: ImportSpec) -> HotlistFeed:
        """Refresh the list from ``location`` (a path or an http(s) URL) from now on."""
        query = {"list_id": list_id, "location": redacted(location)}
        change = _Change(who, "hotlists:set-source", Permission.HOTLISTS_MANAGE, query)

        def act() -> HotlistFeed:
            self._lawful_list(change, list_id)
            feed = HotlistFeed(list_id, location, spec.format.value, spec.to_json())
            self._store.hotlists.set_feed(feed)
            return feed

        return self._logged(change, act, lambda _: "refresh source set")

    def refresh(self, who: Person, list_id: str) -> ImportReport:
        """Fetch the list's source and make its rows the list's entries."""
        change = _Change(who, "hotlists:refresh", Permission.HOTLISTS_MANAGE, {"list_id": list_id})

        def act() -> ImportReport:
            hotlist = self._lawful_list(change, list_id)
            return self._refresh(hotlist, who.actor.username)

        return self._logged(change, act, _described)

    def sweep_excluded(self) -> int:
        """Delete stored entries that the exclusions in force keep out (entries stored before
        the policy named their file or message key), as the system; record and log each group;
        return how many went. The scheduler runs it before its first round of refreshes: the
        exclusions are those of the policy loaded at start, and every import since applied
        them."""
        self._swept = True
        swept = 0
        for list_id, source_file, message_key, _ in self._store.hotlist_entries.provenances():
            record = EntryRecord(source_file=source_file, message_key=message_key)
            rule = self._exclusions.why_excluded(record)
            hotlist = self._store.hotlists.get(list_id)
            if rule is not None and hotlist is not None:
                swept += self._sweep(hotlist, Excluded(source_file, message_key, rule, 0))
        return swept

    def _sweep(self, hotlist: Hotlist, group: Excluded) -> int:
        system = Person(Actor(EXCLUDE_ACTOR, hotlist.agency_id), frozenset())
        query = {"list_id": hotlist.id, "source_file": group.source_file or "", "rule": group.rule}
        change = _Change(system, "hotlists:exclude", Permission.HOTLISTS_MANAGE, query)
        removed = self._system_logged(
            change,
            lambda: self._store.hotlist_entries.remove_provenance(
                hotlist.id, group.source_file, group.message_key
            ),
            lambda count: f"{count} stored entries kept out by {group.rule}",
        )
        counted = Excluded(group.source_file, group.message_key, group.rule, removed)
        self._store.hotlists.record_exclusions(
            self._exclusions_of(hotlist, (counted,), EXCLUDE_ACTOR)
        )
        return removed

    def refresh_due(self) -> int:
        """Refresh every list whose source was not tried within the refresh interval, as the
        scheduler; return how many failed. Failures are logged and tried again next time."""
        if not self._swept:
            self.sweep_excluded()
        now = self._clock.now()
        interval = timedelta(minutes=self._settings.refresh_interval_minutes)
        failed = 0
        for feed in due(self._store.hotlists.feeds(), now, interval):
            hotlist = self._store.hotlists.get(feed.list_id)
            if hotlist is None:
                continue
            try:
                report = self._scheduled_refresh(hotlist)
            except PlateKeeperError as exc:
                failed += 1
                stale = " and is stale" if hotlist.stale_at(now) else ""
                logger.warning("hot list %s failed to refresh%s: %s", hotlist.id, stale, exc)
                continue
            logger.info("hot list %s refreshed: %s", hotlist.id, _described(report))
        return failed

    def ready_for_deployment(self, agency_id: str) -> None:
        """Refresh every fed list of ``agency_id`` now, as before each deployment of one of its
        cameras; ``ListsNotReady`` naming each fed list that could not be refreshed or is still
        stale. A camera that starts reading checks its plates against current lists only."""
        problems: list[str] = []
        for hotlist in self._store.hotlists.list(agency_id):
            if not hotlist.source.fed:
                continue
            if self._store.hotlists.feed(hotlist.id) is not None:
                try:
                    self._scheduled_refresh(hotlist)
                except PlateKeeperError as exc:
                    problems.append(f"{hotlist.id} could not be refreshed ({exc.message})")
                    continue
            current = self._store.hotlists.get(hotlist.id) or hotlist
            if current.stale_at(self._clock.now()):
                last = _iso(current.refreshed_at)
                problems.append(f"{hotlist.id} is stale (last refreshed {last})")
        if problems:
            raise ListsNotReady(
                "the agency's fed hot lists are not current: " + "; ".join(problems),
                hint="Fix the lists' sources (or refresh them) and try again; a camera is "
                "deployed only against lists refreshed just before.",
            )

    def _scheduled_refresh(self, hotlist: Hotlist) -> ImportReport:
        """The server refreshing a fed list from the source a person set: no person and no
        role, logged as ``system:refresh`` of the list's agency; only ``refresh_due`` and
        ``ready_for_deployment`` call it."""
        system = Person(Actor(REFRESH_ACTOR, hotlist.agency_id), frozenset())
        change = _Change(
            system, "hotlists:refresh", Permission.HOTLISTS_MANAGE, {"list_id": hotlist.id}
        )
        return self._system_logged(
            change, lambda: self._refresh(hotlist, REFRESH_ACTOR), _described
        )

    def _refresh(self, hotlist: Hotlist, entered_by: str) -> ImportReport:
        feed = self._store.hotlists.feed(hotlist.id)
        if feed is None:
            raise NotFound(
                f"hot list {hotlist.id!r} has no source to refresh from",
                hint="Set one with 'platekeeper hotlist set-source'.",
            )
        now = self._clock.now()
        try:
            data = fetch_source(
                feed.location,
                timeout_s=self._settings.refresh_timeout_s,
                max_bytes=self._settings.max_import_bytes,
            )
            spec = ImportSpec.from_json(feed.mapping_json)
            report = self._store_file(hotlist, data, spec, entered_by, replace=True)
        except PlateKeeperError as exc:
            self._store.hotlists.record_refresh(hotlist.id, now, exc.message)
            raise
        self._store.hotlists.record_refresh(hotlist.id, now)
        return report

    def _store_file(
        self, hotlist: Hotlist, data: bytes, spec: ImportSpec, by: str, *, replace: bool
    ) -> ImportReport:
        report = self._read_file(hotlist, data, spec, by)
        repository = self._store.hotlist_entries
        if replace:
            entries = keep_ids(report.entries, repository.identities(hotlist.id))
            repository.replace(hotlist.id, entries)
        elif report.entries:
            repository.add(report.entries)
        self._store.hotlists.record_exclusions(self._exclusions_of(hotlist, report.excluded, by))
        return report

    def _exclusions_of(
        self, hotlist: Hotlist, groups: Sequence[Excluded], by: str
    ) -> list[HotlistExclusion]:
        now = self._clock.now()
        return [
            HotlistExclusion(
                id=str(uuid.uuid4()),
                list_id=hotlist.id,
                agency_id=hotlist.agency_id,
                excluded_at=now,
                source_file=group.source_file,
                message_key=group.message_key,
                rule=group.rule,
                entries=group.entries,
                policy_sha256=self._exclusions.policy_sha256,
                excluded_by=by,
            )
            for group in groups
            if group.entries
        ]

    def _read_file(self, hotlist: Hotlist, data: bytes, spec: ImportSpec, by: str) -> ImportReport:
        # Every way a file fills a list (import, preview, refresh by a person or the scheduler)
        # comes through here.
        refuse_forbidden_list(hotlist, self._forbidden)
        self._check_size(data)
        report = entries_from_file(
            data,
            spec,
            hotlist,
            self.rules,
            entered_by=by,
            now=self._clock.now(),
            exclusions=self._exclusions,
        )
        if report.imported > self._settings.max_import_rows:
            raise _too_big(f"{report.imported} rows", f"{self._settings.max_import_rows} rows")
        return report

    def _check_size(self, data: bytes) -> None:
        if len(data) > self._settings.max_import_bytes:
            raise _too_big(f"{len(data)} bytes", f"{self._settings.max_import_bytes} bytes")

    def _visible_list(self, change: _Change, list_id: str) -> Hotlist:
        """The list if it lies in ``change.who``'s scope (called within the gate's decision,
        after the permission): another agency's list is reported as one that does not exist."""
        hotlist = self._store.hotlists.get(list_id)
        return change.scope.own(hotlist, _list_agency, f"hot list {list_id!r} does not exist")

    def _lawful_list(self, change: _Change, list_id: str) -> Hotlist:
        """The visible list, if the applicable law does not forbid it."""
        hotlist = self._visible_list(change, list_id)
        refuse_forbidden_list(hotlist, self._forbidden)
        return hotlist

    def _visible_entry(self, change: _Change, entry_id: str) -> tuple[HotlistEntry, Hotlist]:
        entry = self._store.hotlist_entries.get(entry_id)
        hotlist = None if entry is None else self._store.hotlists.get(entry.list_id)
        if entry is None or hotlist is None or not change.scope.admits(hotlist.agency_id):
            raise NotFound(
                f"entry {entry_id} does not exist",
                hint="Check the id; only your agency's records are shown.",
            )
        return entry, hotlist

    def _logged_refusal(self, change: _Change, act: Callable[[], T]) -> T:
        """``act()`` decided by the gate: a refusal, of the gate or of ``act``, is logged."""
        return self._gate.check(change.access, lambda _: act())

    def _logged(self, change: _Change, act: Callable[[], T], describe: Callable[[T], str]) -> T:
        """``act()`` decided by the gate, logged as refused or as done, with ``describe``."""
        result = self._logged_refusal(change, act)
        self._gate.record(change.access, AccessOutcome.ALLOWED, describe(result))
        return result

    def _system_logged(
        self, change: _Change, act: Callable[[], T], describe: Callable[[T], str]
    ) -> T:
        """``act()`` of the system itself (no role to decide), logged as refused or as done."""
        try:
            result = act()
        except PlateKeeperError as exc:
            self._gate.record(change.access, AccessOutcome.DENIED, exc.message)
            raise
        self._gate.record(change.access, AccessOutcome.ALLOWED, describe(result))
        return result


def _list_agency(hotlist: Hotlist) -> str:
    return hotlist.agency_id


def _described(report: ImportReport) -> str:
    excluded = f", {report.excluded_count} excluded by policy" if report.excluded else ""
    return f"{report.imported} entries stored, {len(report.rejected)} rows rejected{excluded}"


def _iso(moment: datetime | None) -> str:
    return "never" if moment is None else moment.isoformat()


def _too_big(size: str, limit: str) -> PlateKeeperError:
    return InvalidInput(
        f"the file is too large: {size}, more than {limit}",
        hint="Split it, or raise hotlists.max_import_rows / hotlists.max_import_bytes.",
    )
