"""The composition root: builds every service from the settings, and nothing at import time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from platekeeper.access import ApprovalDesk, ReadAccess
from platekeeper.access.hits import HitDesk
from platekeeper.accounts.service import AccountService
from platekeeper.audit import AccessLog, open_access_log
from platekeeper.config import Settings
from platekeeper.domain.time import Clock, SystemClock
from platekeeper.errors import StoreError
from platekeeper.hotlists.alerts import AlertDispatcher
from platekeeper.hotlists.matching import HotlistMatcher
from platekeeper.hotlists.service import HotlistService
from platekeeper.ingest import IngestLimits, IngestService
from platekeeper.store import Store
from platekeeper.store.factory import open_image_store, open_store
from platekeeper.store.images import ImageStore


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: Store
    images: ImageStore
    clock: Clock
    ingest: IngestService
    access_log: AccessLog
    accounts: AccountService
    read_access: ReadAccess
    approvals: ApprovalDesk
    hit_desk: HitDesk
    hotlists: HotlistService
    alerts: AlertDispatcher
    hotlist_matcher: HotlistMatcher

    def close(self) -> None:
        self.alerts.close()
        self.store.close()


def require_current_schema(store: Store) -> None:
    """Refuse to work on a database whose schema lacks migrations, saying how to fix it."""
    pending = store.pending_migrations()
    if pending:
        raise StoreError(
            f"the database schema lacks migrations {', '.join(pending)}",
            hint="Run 'platekeeper db upgrade'.",
        )


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Open the store and image store named in ``settings`` and wire the services on them.

    The schema must be current: ``platekeeper db upgrade`` (or ``upgrade=True`` in
    ``open_services``) applies pending migrations.
    """
    clock = clock or SystemClock()
    store = open_store(settings)
    try:
        images = open_image_store(settings)
    except BaseException:
        store.close()
        raise
    limits = IngestLimits(
        max_batch_reads=settings.ingest.max_batch_reads,
        max_image_bytes=settings.ingest.max_image_bytes,
        max_request_bytes=settings.ingest.max_request_bytes,
        max_clock_skew=timedelta(seconds=settings.ingest.max_clock_skew_s),
        max_capture_age=timedelta(days=settings.ingest.max_capture_age_days),
    )
    try:
        log = open_access_log(store, settings, clock)
    except BaseException:
        store.close()
        raise
    try:
        alerts = AlertDispatcher.from_settings(store.alert_outbox, images, clock, settings.alerts)
    except BaseException:
        store.close()
        raise
    matcher = HotlistMatcher(store, alerts, clock, log, settings.access)
    return Services(
        settings=settings,
        store=store,
        images=images,
        clock=clock,
        ingest=IngestService(store, images, clock, limits, listeners=[matcher]),
        access_log=log,
        accounts=AccountService(store, clock, settings.accounts, log),
        read_access=ReadAccess(store, images, log, clock, settings.access),
        approvals=ApprovalDesk(store, log, clock, settings.access),
        hit_desk=HitDesk(store, images, log, clock, settings.access),
        hotlists=HotlistService(store, log, clock, settings.hotlists),
        alerts=alerts,
        hotlist_matcher=matcher,
    )
