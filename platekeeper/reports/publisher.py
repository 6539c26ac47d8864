"""Publishing the public transparency report on the schedule the law sets (R37).

Arkansas asks for public figures every six months, New Hampshire and Virginia every year
(``domain/publication.py``). When ``publication_due`` says so, the publisher gathers the
transparency report over the time since the last publication, stores it as a dated snapshot
(the feed's JSON, aggregates only) and logs the publication in the access log. The server's
background loop asks every hour; ``platekeeper report publish-transparency`` asks at once.
The public page and feed list the snapshots published; the compliance report flags a schedule
that was not kept (``compliance_checks.transparency_overdue``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from platekeeper.audit import AccessLog
from platekeeper.background import BackgroundLoop
from platekeeper.config import Settings
from platekeeper.domain.access import AccessEvent, AccessOutcome, Actor
from platekeeper.domain.publication import (
    PublicationSchedule,
    publication_due,
    publication_schedule,
)
from platekeeper.domain.time import Clock
from platekeeper.errors import NotFound
from platekeeper.policy.effective import load_effective_for
from platekeeper.reports.policy_document import publish_policy
from platekeeper.reports.transparency import feed, gather_transparency
from platekeeper.store import Store
from platekeeper.store.protocols import TransparencySnapshot

logger = logging.getLogger(__name__)

PUBLISH_ACTION = "reports:publish-transparency"
PUBLISHER = Actor("system:transparency", "-")
"""The server's background loop, as the access log names it."""
CHECK_EVERY = timedelta(hours=1)
"""How often the server asks whether a report is due: the schedule runs in months."""
LISTED = 100
"""The most past reports the public page and feed list."""


class PublisherSources(Protocol):
    """What the publisher reads: ``platekeeper.services.Services`` is one."""

    @property
    def settings(self) -> Settings: ...
    @property
    def store(self) -> Store: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def access_log(self) -> AccessLog: ...


def schedule_for(settings: Settings, store: Store) -> PublicationSchedule:
    """The schedule of the profiles that apply to the host (the policy's, and those its
    agencies' states bring); a year without a policy file."""
    try:
        profiles = load_effective_for(settings, store).profiles
    except NotFound:
        profiles = ()
    return publication_schedule(profiles)


class TransparencyPublisher:
    def __init__(self, sources: PublisherSources) -> None:
        self._sources = sources

    def schedule(self) -> PublicationSchedule:
        return schedule_for(self._sources.settings, self._sources.store)

    def publish_if_due(self, actor: Actor = PUBLISHER) -> TransparencySnapshot | None:
        """Publish when the schedule says a report is due; None when it is not."""
        now = self._sources.clock.now()
        schedule = self.schedule()
        last = self._sources.store.transparency_snapshots.latest()
        if not publication_due(schedule, None if last is None else last.published_at, now):
            return None
        return self._publish(schedule, last, now, actor)

    def publish(self, actor: Actor) -> TransparencySnapshot:
        """Publish now, due or not (an extra report never breaks a schedule)."""
        now = self._sources.clock.now()
        last = self._sources.store.transparency_snapshots.latest()
        return self._publish(self.schedule(), last, now, actor)

    def _publish(
        self,
        schedule: PublicationSchedule,
        last: TransparencySnapshot | None,
        now: datetime,
        actor: Actor,
    ) -> TransparencySnapshot:
        settings, store = self._sources.settings, self._sources.store
        # The period runs on from the last report, so that together they cover every day;
        # the first covers one interval.
        since = now - schedule.interval if last is None else min(last.period_to, now)
        # Without a policy file there is no policy to link nor retention to state, and the
        # law asks for both (R37): refused, with the hint, rather than published half empty.
        published = publish_policy(settings, store, now)
        report = gather_transparency(
            store,
            now,
            min_count=settings.transparency.min_count,
            effective=published.effective,
            version=published.document.version,
            period=now - since,
        )
        snapshot = store.transparency_snapshots.add(
            TransparencySnapshot(now, since, now, json.dumps(feed(report), sort_keys=True))
        )
        self._sources.access_log.record(
            AccessEvent(
                at=now,
                actor=actor,
                action=PUBLISH_ACTION,
                outcome=AccessOutcome.ALLOWED,
                reason=f"transparency report #{snapshot.seq} published; due every "
                f"{schedule.interval_months} months ({schedule.citation})",
                query={
                    "from": since.isoformat(),
                    "to": now.isoformat(),
                    "report": str(snapshot.seq),
                },
            )
        )
        return snapshot


class PublicationScheduler:
    """Asks the publisher every ``CHECK_EVERY`` whether a report is due, on the server's
    background loop; the first time at start. A failed round is logged and tried again."""

    def __init__(self, publisher: TransparencyPublisher, interval: timedelta = CHECK_EVERY):
        self._publisher = publisher
        self._loop = BackgroundLoop(
            "transparency-publication",
            self._round,
            interval_s=interval.total_seconds(),
            log=logger,
            failure="transparency publication failed",
        )

    def start(self) -> None:
        self._loop.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        self._loop.stop(timeout_s)

    def tick(self) -> None:
        """One round now, in the caller's thread; a failure is logged, not raised."""
        self._loop.run_once()

    def _round(self) -> None:
        snapshot = self._publisher.publish_if_due()
        if snapshot is not None:
            logger.info("published transparency report #%s", snapshot.seq)


def published_list(snapshots: Sequence[TransparencySnapshot]) -> list[dict[str, Any]]:
    """The past reports as the feed lists them: number, dates and where to read each."""
    return [
        {
            "number": snapshot.seq,
            "published_at": snapshot.published_at.isoformat(),
            "period": {
                "from": snapshot.period_from.isoformat(),
                "to": snapshot.period_to.isoformat(),
            },
            "url": f"/transparency/reports/{snapshot.seq}.json",
        }
        for snapshot in snapshots
    ]
