"""The composition root: builds every service from the settings, and nothing at import time."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from platekeeper.access import ApprovalDesk, ReadAccess
from platekeeper.accounts.directory_tokens import DirectoryTokens
from platekeeper.accounts.events import AccountEvents
from platekeeper.accounts.oidc_provider import HttpOpenIdProvider, client_secret
from platekeeper.accounts.passkey_factors import PasskeyFactors, passkey_factors
from platekeeper.accounts.provisioning import Provisioning
from platekeeper.accounts.sealing import load_secret_seal
from platekeeper.accounts.second_factor import SecondFactors
from platekeeper.accounts.service import AccountService
from platekeeper.accounts.sign_on import SignOnRules, SingleSignOn
from platekeeper.audit import AccessLog, VerificationReport, open_access_log
from platekeeper.audit.edge_events import EdgeAccessEvents
from platekeeper.audit.pruning import MIN_RETENTION_DAYS
from platekeeper.config import AccessSettings, PurposeSettings, Settings
from platekeeper.domain.access import Checkpoint
from platekeeper.domain.collection import COLLECT_EVERYTHING
from platekeeper.domain.hit_tiers import TierRules
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.domain.recipients import SHARING_OFF
from platekeeper.domain.retention import DEFAULT_FLOORS, DataClass, RetentionRule
from platekeeper.domain.sign_on import ClaimNames, SecondFactorEvidence
from platekeeper.domain.staffing import StaffingRules
from platekeeper.domain.stewardship import Independence
from platekeeper.domain.time import Clock, SystemClock
from platekeeper.errors import NotFound, StoreError
from platekeeper.hotlists.alerts import AlertDispatcher
from platekeeper.hotlists.edge_copy import HotlistCopies
from platekeeper.hotlists.hits import HitDesk
from platekeeper.hotlists.matcher import HotlistMatcher
from platekeeper.hotlists.service import HotlistService
from platekeeper.incidents import (
    BreachDesk,
    CorrectionDesk,
    Findings,
    RecordsRegister,
    noting_files_not_private,
)
from platekeeper.ingest import IngestLimits, IngestService
from platekeeper.ingest.cameras import CameraService
from platekeeper.ingest.edge_health import EdgeHealthDesk
from platekeeper.ingest.sources import SourceIngest
from platekeeper.ingest.sources.fetch import FetchLimits
from platekeeper.ingest.sources.fetcher import ImageFetcher
from platekeeper.policy.effective import (
    exclusions_in_force,
    forbidden_without_policy,
    load_effective_for,
    storing_permit,
)
from platekeeper.policy.resolve import EffectivePolicy
from platekeeper.retention.defaults import rules_from_settings
from platekeeper.retention.holds import HoldService
from platekeeper.retention.purge import PurgeService, shredder_of
from platekeeper.retention.records import RecordPurgeService
from platekeeper.sharing.service import SharingService
from platekeeper.store import Store
from platekeeper.store.factory import open_image_store, open_store
from platekeeper.store.images import ImageStore
from platekeeper.store.tiles import MBTilesFile, TileSource


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: Store
    images: ImageStore
    clock: Clock
    ingest: IngestService
    cameras: CameraService
    access_log: AccessLog
    accounts: AccountService
    second_factors: SecondFactors
    passkeys: PasskeyFactors
    read_access: ReadAccess
    approvals: ApprovalDesk
    hit_desk: HitDesk
    hotlists: HotlistService
    alerts: AlertDispatcher
    hotlist_matcher: HotlistMatcher
    sharing: SharingService
    purge: PurgeService
    holds: HoldService
    records: RecordPurgeService
    breaches: BreachDesk
    records_requests: RecordsRegister
    corrections: CorrectionDesk
    directory_tokens: DirectoryTokens
    provisioning: Provisioning
    edge_health: EdgeHealthDesk
    hotlist_copies: HotlistCopies
    edge_events: EdgeAccessEvents
    sign_on: SingleSignOn | None = None
    """Single sign-on through the agency's OpenID provider; None unless ``oidc.enabled``."""
    map_tiles: TileSource | None = None
    """The agency's own map tiles (``web.map_tiles_file``), served at ``/map/tiles``."""

    @functools.cached_property
    def sources(self) -> SourceIngest:
        """Cameras that send a vendor's format (``ingest/sources``), stored through ``ingest``."""
        return SourceIngest(self.ingest, self.store, self.clock, fetcher=self.image_fetcher)

    @functools.cached_property
    def image_fetcher(self) -> ImageFetcher:
        """Images that devices sent as URLs, fetched after their reads are stored."""
        limits = FetchLimits(max_bytes=self.settings.ingest.max_image_bytes)
        seal = load_secret_seal(self.settings.second_factor_key_path)
        return ImageFetcher(self.store, self.images, self.clock, seal, limits)

    def verify_access_log(
        self,
        extra_checkpoints: Iterable[Checkpoint] = (),
        public_keys: Iterable[Ed25519PublicKey] = (),
    ) -> VerificationReport:
        """``access_log.verify``, with a log not intact raised as a suspected breach (R41):
        the one way every front end verifies."""
        report = self.access_log.verify(extra_checkpoints, public_keys)
        if not report.intact:
            self.breaches.detect(Findings(chain_problem=report.summary()))
        return report

    def close(self) -> None:
        self.alerts.close()
        if self.map_tiles is not None:
            self.map_tiles.close()
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
    limits = IngestLimits(
        max_batch_reads=settings.ingest.max_batch_reads,
        max_image_bytes=settings.ingest.max_image_bytes,
        max_request_bytes=settings.ingest.max_request_bytes,
        max_clock_skew=timedelta(seconds=settings.ingest.max_clock_skew_s),
        max_capture_age=timedelta(days=settings.ingest.max_capture_age_days),
    )
    # A file others may read is refused, and noted as a suspected breach (R41) for the next
    # start, once the database can be opened again (``incidents/findings.py``).
    with noting_files_not_private(settings.data_dir):
        store = open_store(settings)
        try:
            tiles_file = settings.web.map_tiles_file
            map_tiles = None if tiles_file is None else MBTilesFile.open(tiles_file)
            policy = _effective_policy(settings, store)
            images = open_image_store(settings, store.image_keys, clock)
            log = open_access_log(store, _audit_under(settings, policy), clock)
            seal = load_secret_seal(settings.second_factor_key_path)
            alerts = AlertDispatcher.from_settings(
                store.alert_outbox, images, clock, settings.alerts, log=log
            )
        except BaseException:
            store.close()
            raise
    # Without a policy file the law of the agencies' states still forbids what it forbids.
    forbidden = (
        forbidden_without_policy(settings, store) if policy is None else policy.forbidden_categories
    )
    access = _access_under(settings, policy, forbidden)
    # One rule for every approval: not of an account one changed lately, nor of its changer.
    independence = Independence(
        store.account_changes, clock, timedelta(days=settings.accounts.recent_change_days)
    )
    tiers = TierRules(settings.hotlists.alert_candidates, settings.hotlists.auto_one_off_one_in)
    matcher = HotlistMatcher(store, alerts, clock, log, access, tiers=tiers)
    collection = COLLECT_EVERYTHING if policy is None else policy.collection
    purge = PurgeService(
        store,
        images,
        clock,
        rules=_retention_rules(settings, policy),
        log=log,
        shredder=shredder_of(images),
        batch_size=settings.retention.batch_size,
        batch_seconds=settings.retention.batch_seconds,
    )
    # Every look-up of reads, by any service, leaves out what the purge would take now.
    store.reads.retain_within(purge)
    breaches = BreachDesk(
        store,
        log,
        clock,
        notice_target=timedelta(days=settings.incidents.notice_target_days),
        export_threshold=settings.incidents.export_threshold,
        export_window=timedelta(hours=settings.incidents.export_window_hours),
    )
    log.watch(breaches.heard)  # every export, whichever way in, is counted at once
    hotlists = HotlistService(
        store,
        log,
        clock,
        settings.hotlists,
        entry_ceiling=_entry_ceiling(settings, policy),
        forbidden=forbidden,
        exclusions=exclusions_in_force(settings, store, policy),
        chances=matcher.list_chance,
    )
    accounts = AccountService(
        store, clock, settings.accounts, log, staffing=_staffing(settings, policy)
    )
    second_factors = SecondFactors(
        store, clock, settings.accounts, log, accounts=accounts, seal=seal
    )
    return Services(
        settings=settings,
        store=store,
        images=images,
        clock=clock,
        ingest=IngestService(
            store,
            images,
            clock,
            limits,
            [matcher],
            collection=collection,
            policy=storing_permit(settings, policy),
        ),
        cameras=CameraService(store, log, clock, hotlists, collection),
        access_log=log,
        accounts=accounts,
        second_factors=second_factors,
        passkeys=passkey_factors(
            store, clock, settings.accounts, log, accounts=accounts, factors=second_factors
        ),
        read_access=ReadAccess(store, images, log, clock, access),
        approvals=ApprovalDesk(store, log, clock, access, independence=independence),
        hit_desk=HitDesk(store, images, log, clock, access),
        hotlists=hotlists,
        alerts=alerts,
        hotlist_matcher=matcher,
        sharing=SharingService(
            store,
            images,
            log,
            clock,
            rules=SHARING_OFF if policy is None else policy.sharing,
            settings=settings.sharing,
            purposes=access.catalogue(),
            independence=independence,
        ),
        purge=purge,
        holds=HoldService(
            store, log, clock, access.catalogue().case_format, independence=independence
        ),
        records=RecordPurgeService(
            store, clock, rules=_retention_rules(settings, policy), log=log, access_log=log
        ),
        breaches=breaches,
        records_requests=RecordsRegister(store, log, clock),
        corrections=CorrectionDesk(store, log, clock, access, listeners=[matcher]),
        directory_tokens=DirectoryTokens(store, log, clock, settings.identity.scim_token_max_days),
        provisioning=Provisioning(store, accounts, settings.identity.mapping(), log, clock),
        edge_health=EdgeHealthDesk(store, clock),
        hotlist_copies=HotlistCopies(
            store,
            clock,
            log.signer,
            timedelta(hours=settings.hotlists.edge_copy_valid_hours),
            access.catalogue(),
            alert_candidates=tiers.candidates,
            one_off_alerts=matcher.one_off_alerts,
        ),
        edge_events=EdgeAccessEvents(store, log, clock),
        sign_on=_sign_on(settings, store, clock, accounts, log),
        map_tiles=map_tiles,
    )


def _sign_on(
    settings: Settings, store: Store, clock: Clock, accounts: AccountService, log: AccessLog
) -> SingleSignOn | None:
    oidc = settings.oidc
    if not oidc.enabled or oidc.issuer is None or oidc.client_id is None:
        return None
    provider = HttpOpenIdProvider(
        oidc.issuer,
        oidc.client_id,
        client_secret(oidc, os.environ),
        scopes=oidc.scopes,
        timeout_s=oidc.timeout_ms / 1000,
    )
    rules = SignOnRules(
        SecondFactorEvidence(frozenset(oidc.second_factor_amr), frozenset(oidc.second_factor_acr)),
        ClaimNames(oidc.username_claim, oidc.groups_claim),
        oidc.job_title_claim,
        settings.identity.mapping(),
    )
    events = AccountEvents(log, clock)
    return SingleSignOn(
        store, clock, accounts, events, provider, rules=rules, provider_name=oidc.display_name
    )


def _effective_policy(settings: Settings, store: Store) -> EffectivePolicy | None:
    """The policy file with its profiles, the state's and the custodian's attestations, or None
    where there is none yet (``serve`` refuses to start then; the other commands work, with
    sharing off and nothing purged)."""
    try:
        return load_effective_for(settings, store)
    except NotFound:
        return None


def _staffing(settings: Settings, policy: EffectivePolicy | None) -> StaffingRules:
    """Who may hold each role and how long training counts: the policy's access section, or
    without a policy file, untitled roles and ``accounts.training_valid_days``."""
    valid_days = settings.accounts.training_valid_days
    if policy is None:
        return StaffingRules.without_policy(valid_days)
    return StaffingRules.from_policy(policy.policy.access, valid_days)


def _access_under(
    settings: Settings,
    policy: EffectivePolicy | None,
    forbidden: Mapping[PurposeCategory, str],
) -> AccessSettings:
    """The access settings with the policy's authorised purposes, which are the ones enforced,
    and the categories the law forbids, which the access check refuses whatever the code."""
    if policy is None:
        return settings.access.forbidding(forbidden)
    purposes = tuple(
        PurposeSettings(code=p.code, label=p.label, category=p.category) for p in policy.purposes
    )
    access = settings.access.model_copy(update={"purposes": purposes})
    return access.forbidding(forbidden)


def _audit_under(settings: Settings, policy: EffectivePolicy | None) -> Settings:
    """The settings with the policy's retention of the access log, where it sets one: the
    policy is the source of truth, ``audit.retention_days`` the default without one."""
    rule = None if policy is None else policy.retention.get(DataClass.ACCESS_LOG)
    if rule is None or rule.max_age is None:
        return settings
    # Never under the floor: the policy's or a profile's, PlateKeeper's two years, and the
    # year below which the log's own verification refuses a purge.
    floors = (
        rule.min_age,
        DEFAULT_FLOORS[DataClass.ACCESS_LOG],
        timedelta(days=MIN_RETENTION_DAYS),
    )
    floor = max(age for age in floors if age is not None)
    days = max(rule.max_age, floor).days
    audit = settings.audit.model_copy(update={"retention_days": days})
    return settings.model_copy(update={"audit": audit})


def _entry_ceiling(settings: Settings, policy: EffectivePolicy | None) -> timedelta | None:
    """The longest a hot-list entry may be kept: no entry is made to outlive it."""
    rule = _retention_rules(settings, policy).get(DataClass.HOTLIST_ENTRIES)
    return None if rule is None else rule.max_age


def _retention_rules(
    settings: Settings, policy: EffectivePolicy | None
) -> dict[DataClass, RetentionRule]:
    if policy is None:
        return rules_from_settings(settings.retention)
    return dict(policy.retention)
