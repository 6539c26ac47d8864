"""Seeing and verifying hits: the human steps between a match and a stop.

Viewing a hit reveals a read, so it is purpose-bound like any look-up. Verifying it is a decision
with consequences, so it records who compared what: the characters and the state against the
image, and the entry's standing in its source system. Every step is in the access log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from platekeeper.config import AccessSettings
from platekeeper.domain import PlateRead
from platekeeper.domain.access import AccessSink
from platekeeper.domain.gate import NOTHING_STATED, Access, AccessGate, Basis, Person
from platekeeper.domain.hit_labels import hit_label
from platekeeper.domain.hotlists import (
    AlertLevel,
    Hit,
    HitOutcome,
    HitStatus,
    HitTier,
    Hotlist,
    HotlistEntry,
    MatchKind,
    RejectionReason,
    StateAgreement,
)
from platekeeper.domain.permissions import Permission, permissions_of
from platekeeper.domain.personal_data import refuse_personal_data
from platekeeper.domain.purposes import StatedPurpose
from platekeeper.domain.reads import ReadImage, late_read_notice
from platekeeper.domain.scope import AgencyScope
from platekeeper.domain.time import Clock
from platekeeper.errors import Conflict, NotFound
from platekeeper.store import Store
from platekeeper.store.images import ImageKind, ImageStore
from platekeeper.store.protocols import HitCursor, HitFilter


@dataclass(frozen=True, slots=True)
class HitView:
    """A hit with what a person needs to judge it, and the warnings to read first."""

    hit: Hit
    read: PlateRead
    entry: HotlistEntry
    hotlist: Hotlist

    @property
    def warnings(self) -> list[str]:
        return hit_warnings(self.hit, self.read, self.entry, self.hotlist)


@dataclass(frozen=True, slots=True)
class HitQuery:
    """Which hits a desk shows, newest first; every bound is optional."""

    list_id: str | None = None
    level: AlertLevel | None = None
    statuses: frozenset[HitStatus] | None = None
    with_outcome: bool | None = None
    before: HitCursor | None = None
    """Where the page starts: after this hit (the last of the page before)."""
    tier: HitTier | None = None
    """Alerting hits only, lower-tier hits only, or (None) both."""
    limit: int = 25

    def logged(self) -> dict[str, str]:
        """The bounds as the access log keeps them."""
        bounds = {
            "list_id": self.list_id,
            "level": None if self.level is None else self.level.value,
            "status": None if self.statuses is None else ",".join(sorted(self.statuses)),
            "with_outcome": None if self.with_outcome is None else str(self.with_outcome).lower(),
            "before": None if self.before is None else self.before.hit_id,
            "tier": None if self.tier is None else self.tier.value,
        }
        return {key: value for key, value in bounds.items() if value is not None}


@dataclass(frozen=True, slots=True)
class HitPage:
    """One page of a desk: its hits, their plate crops (by hit id) fetched in the same access,
    and where the next page starts, if there is one."""

    views: list[HitView]
    crops: dict[str, bytes]
    next: HitCursor | None


def hit_warnings(hit: Hit, read: PlateRead, entry: HotlistEntry, hotlist: Hotlist) -> list[str]:
    """What must be checked before anyone acts, most important first."""
    warnings = []
    if hit.tier is HitTier.LOWER:
        warnings.append(
            "lower tier: one character off the listed plate, on a list that does not alert on "
            "those; nobody was alerted or asked to verify it"
        )
    if hit.status is HitStatus.PENDING:
        warnings.append(
            "unverified: confirm the characters and the state against the image, and that the "
            "entry is still active in its source system, before acting"
        )
    late = late_read_notice(read.captured_at, hit.created_at)
    if late is not None:
        warnings.append(late)
    if hit.match_kind is not MatchKind.EXACT:
        warnings.append(
            f"not an exact match ({hit_label(hit.match_kind).lower()}): the read "
            f"{read.plate_text!r} differs "
            f"from the listed {entry.plate_text!r}"
        )
    if hit.state_agreement is StateAgreement.DIFFERS:
        warnings.append(f"state differs: read {read.region}, listed {entry.state}")
    elif hit.state_agreement is StateAgreement.UNKNOWN:
        warnings.append("state unknown: the read or the entry names no state")
    if hit.stale:
        warnings.append(f"stale list: {hotlist.name} was not refreshed within 24 hours")
    return warnings


class HitDesk:
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
        self._gate = AccessGate(log, clock, settings.catalogue())

    def list(
        self,
        who: Person,
        basis: Basis,
        status: HitStatus | None = None,
        list_id: str | None = None,
        limit: int = 100,
        *,
        tier: HitTier | None = None,
    ) -> list[HitView]:
        """Hits the requester may see, newest first; of one tier only if ``tier`` is given."""
        bounds = {"status": status, "list_id": list_id, "tier": tier}
        query = {k: v for k, v in bounds.items() if v is not None}
        access = Access(who, basis, Permission.ALERTS_VIEW, query)
        self._gate.check(access)
        # The store is asked for the hits of the lists ``who`` sees only: another agency's
        # hits are never fetched, nor crowd out their own from the newest ``limit``.
        visible = self._visible_lists(who)
        query_of = HitFilter(
            status=status, list_id=list_id, list_ids=visible, tier=tier, limit=limit
        )
        hits = self._store.hits.list(query_of)
        views = [view for hit in hits if (view := self._visible(who, hit)) is not None]
        self._gate.allowed(access, tuple(view.read.id for view in views))
        return views

    def page(self, who: Person, basis: Basis, query: HitQuery) -> HitPage:
        """A page of the hits ``who`` may see, with their crops: one access in the log, which
        names every read and image shown, however many thumbnails the page has."""
        access = Access(who, basis, Permission.ALERTS_VIEW, {**query.logged(), "crops": "yes"})
        self._gate.check(access)
        visible = self._visible_lists(who, query.level)
        if query.list_id is not None:
            visible &= {query.list_id}
        hits = self._store.hits.list(
            HitFilter(
                list_ids=visible,
                statuses=query.statuses,
                with_outcome=query.with_outcome,
                before=query.before,
                tier=query.tier,
                limit=query.limit + 1,
            )
        )
        shown = hits[: query.limit]
        views = [view for hit in shown if (view := self._visible(who, hit)) is not None]
        crops = _crops(self._images, views)
        refs = tuple(ref for view in views if view.hit.id in crops and (ref := view.read.crop_ref))
        self._gate.allowed(access, tuple(view.read.id for view in views), refs)
        last = shown[-1] if len(hits) > query.limit else None
        cursor = None if last is None else HitCursor(last.created_at, last.id)
        return HitPage(views, crops, cursor)

    def card(self, who: Person, basis: Basis, hit_id: str) -> HitPage:
        """One hit with its crop, as ``page`` gives a page of them: one access."""
        access = Access(who, basis, Permission.ALERTS_VIEW, {"hit_id": hit_id, "crops": "yes"})
        self._gate.check(access)
        view = self._find(access, hit_id)
        crops = _crops(self._images, [view])
        refs = (view.read.crop_ref,) if crops and view.read.crop_ref else ()
        self._gate.allowed(access, (view.read.id,), refs)
        return HitPage([view], crops, None)

    def get(self, who: Person, basis: Basis, hit_id: str) -> HitView:
        access = Access(who, basis, Permission.ALERTS_VIEW, {"hit_id": hit_id})
        self._gate.check(access)
        view = self._find(access, hit_id)
        self._gate.allowed(access, (view.read.id,))
        return view

    def count_pending(self, who: Person) -> int:
        """How many hits that ``who`` may see wait for a person: a count without plate data,
        so it asks no purpose and is not an access to log."""
        return self._store.hits.count(HitStatus.PENDING, self._visible_lists(who))

    def image(self, who: Person, basis: Basis, hit_id: str, kind: ImageKind) -> ReadImage:
        query = {"hit_id": hit_id, "image": kind.value}
        access = Access(who, basis, Permission.ALERTS_VIEW, query)
        self._gate.check(access)
        view = self._find(access, hit_id)
        ref = view.read.crop_ref if kind is ImageKind.CROP else view.read.image_ref
        if ref is None:
            self._gate.allowed(access, (view.read.id,), reason=f"no {kind.value} image")
            raise NotFound(f"the hit's read has no {kind.value} image")
        data = self._images.get(ref)
        self._gate.allowed(access, (view.read.id,), (ref,))
        return ReadImage(data, ref)

    def confirm(
        self,
        who: Person,
        hit_id: str,
        *,
        characters_match: bool,
        state_matches: bool,
        active_at_source: bool,
        note: str | None = None,
        state_override: str | None = None,
    ) -> Hit:
        checks = {
            "characters_match": characters_match,
            "state_matches": state_matches,
            "active_at_source": active_at_source,
        }
        self._refuse_personal_data(note=note, state_override=state_override)
        query = {"hit_id": hit_id, **{k: str(v).lower() for k, v in checks.items()}}
        if state_override:  # the log keeps who overrode a differing state, and why
            query["state_override"] = state_override
        return self._decide(
            Access(who, NOTHING_STATED, Permission.ALERTS_VERIFY, {**query, "step": "confirm"}),
            hit_id,
            lambda hit: hit.confirmed(
                who.actor.username,
                self._clock.now(),
                note=note,
                state_override=state_override,
                **checks,
            ),
        )

    def reject(
        self, who: Person, hit_id: str, reason: RejectionReason, note: str | None = None
    ) -> Hit:
        self._refuse_personal_data(note=note)
        query = {"hit_id": hit_id, "step": "reject", "rejection_reason": reason.value}
        return self._decide(
            Access(who, NOTHING_STATED, Permission.ALERTS_VERIFY, query),
            hit_id,
            lambda hit: hit.rejected(who.actor.username, self._clock.now(), reason, note),
        )

    def _refuse_personal_data(self, **texts: str | None) -> None:
        """A hit's notes are kept with the read: no names, addresses or dates of birth."""
        today = self._clock.now().date()
        for field, text in texts.items():
            refuse_personal_data(text, field.replace("_", " "), today=today)

    def record_outcome(self, who: Person, hit_id: str, outcome: HitOutcome) -> Hit:
        query = {"hit_id": hit_id, "step": "outcome", "outcome": outcome.value}
        return self._decide(
            Access(who, NOTHING_STATED, Permission.ALERTS_VERIFY, query),
            hit_id,
            lambda hit: hit.with_outcome(outcome, who.actor.username, self._clock.now()),
        )

    def _decide(self, access: Access, hit_id: str, change: Callable[[Hit], Hit]) -> Hit:
        def changed(_: StatedPurpose | None) -> tuple[Hit, str]:
            view = self._find(access, hit_id)
            updated = change(view.hit)
            if not self._store.hits.update(updated):
                raise Conflict(
                    f"hit {hit_id} was changed by someone else meanwhile",
                    hint="Reload the hit and decide again.",
                )
            return updated, view.read.id

        updated, read_id = self._gate.check(access, changed)
        self._gate.allowed(access, (read_id,), reason=updated.status.value)
        return updated

    def _find(self, access: Access, hit_id: str) -> HitView:
        hit = self._store.hits.get(hit_id)
        view = None if hit is None else self._visible(access.who, hit)
        if view is None:
            raise NotFound(f"hit {hit_id} does not exist")
        return view

    def lists(self, who: Person) -> tuple[Hotlist, ...]:
        """The lists whose hits ``who`` may see (``_sees_list``), to choose from: names only,
        no plate data, so no purpose is asked."""
        lists = self._store.hotlists.list(AgencyScope.of(who.actor).agency_id)
        return tuple(hotlist for hotlist in lists if _sees_list(who, hotlist))

    def _visible_lists(self, who: Person, level: AlertLevel | None = None) -> frozenset[str]:
        """The ids of the lists whose hits ``who`` may see, of ``level`` if given."""
        return frozenset(
            hotlist.id for hotlist in self.lists(who) if level in (None, hotlist.alert_level)
        )

    def _visible(self, who: Person, hit: Hit) -> HitView | None:
        """The hit's view if ``who`` may see it: their agency's, and a covert list's only for
        those who manage hot lists (patrol must not approach a car under investigation)."""
        read = self._store.reads.get(hit.read_id)
        entry = self._store.hotlist_entries.get(hit.entry_id)
        hotlist = self._store.hotlists.get(hit.list_id)
        if read is None or entry is None or hotlist is None or not _sees_list(who, hotlist):
            return None
        return HitView(hit, read, entry, hotlist)


def _sees_list(who: Person, hotlist: Hotlist) -> bool:
    """Whether ``who`` may see the list's hits: their agency's, and a covert list's only if
    they manage hot lists."""
    if not AgencyScope.of(who.actor).admits(hotlist.agency_id):
        return False
    return not hotlist.covert or Permission.HOTLISTS_MANAGE in permissions_of(who.roles)


def _crops(images: ImageStore, views: list[HitView]) -> dict[str, bytes]:
    """The plate crops of ``views`` by hit id, those still stored (a purged day's are not)."""
    crops = {}
    for view in views:
        if view.read.crop_ref is None:
            continue
        try:
            crops[view.hit.id] = images.get(view.read.crop_ref)
        except NotFound:
            continue
    return crops
