"""Issue 15, retention holds on every path: each loophole as someone would try it.

- reads stored with no policy, or an incomplete one, by any way in;
- a read whose hits were all rejected or false kept for the hit period;
- a read past a short ceiling (New Hampshire's three minutes) still shown before the purge ran;
- data classes the published policy says are deleted, and nothing deleting them.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import httpx
import pytest

from platekeeper.app import create_app
from platekeeper.config import Settings, load_settings
from platekeeper.domain.corrections import correction_of
from platekeeper.domain.holds import LegalHold
from platekeeper.domain.hotlists import Hit, HitOutcome, MatchKind, RejectionReason, StateAgreement
from platekeeper.domain.people import Role
from platekeeper.domain.purges import ClassPurge, PurgeLedgerEntry
from platekeeper.domain.retention import (
    DEFAULT_CEILINGS,
    DataClass,
    RetentionRule,
    keeps_hit_class,
    read_class,
)
from platekeeper.ingest import IngestService
from platekeeper.ingest.service import IngestItem
from platekeeper.policy.effective import PolicyIncomplete
from platekeeper.policy.resolve import EffectivePolicy
from platekeeper.retention.plan import purge_interval
from platekeeper.retention.records import RecordPurgeService
from platekeeper.retention.scheduler import PurgeScheduler
from platekeeper.services import Services, _audit_under, build_services
from platekeeper.store import ReadQuery, Store
from platekeeper.store.protocols import OutboxItem, OutboxStatus
from tests.api.conftest import backend_settings
from tests.cli.console import add_people, run_as
from tests.cli.test_cli import run
from tests.conftest import (
    NOW,
    FixedClock,
    build_test_services,
    make_agency,
    make_camera,
    make_read,
    make_submission,
)
from tests.hotlists.test_matcher import entry, hotlist
from tests.policy.samples import write_complete_policy
from tests.ports import served
from tests.retention.conftest import MemoryLog, Rig, make_rig
from tests.store.conftest import empty_store, store

__all__ = ["backend_settings", "empty_store", "store"]

MINUTE = timedelta(minutes=1)
THREE_MINUTES = timedelta(minutes=3)


# --- 1. every way in refuses to store without a complete policy -------------------------------


def _write_incomplete_policy(data_dir: Path) -> None:
    path = write_complete_policy(data_dir)
    text = path.read_text(encoding="utf-8")
    # A policy that says nothing of how data is destroyed: element G is missing.
    path.write_text(text.replace("destruction_process", "# destruction_process"), "utf-8")


POLICY_STATES = {"no policy file": None, "an incomplete policy": _write_incomplete_policy}


@pytest.fixture(params=list(POLICY_STATES))
def without_complete_policy(
    request: pytest.FixtureRequest, backend_settings: Settings, clock: FixedClock
) -> Iterator[Services]:
    """The real services (not the tests' harness) where the policy is missing or incomplete."""
    write = POLICY_STATES[request.param]
    if write is not None:
        write(backend_settings.data_dir)
    services = build_services(backend_settings, clock=clock)
    services.store.upgrade()
    services.store.agencies.add(make_agency())
    services.store.cameras.add(make_camera()[0])
    yield services
    services.close()


def test_the_ingest_service_itself_refuses_and_stores_nothing(
    without_complete_policy: Services,
) -> None:
    services = without_complete_policy
    camera = services.store.cameras.get("main-st-north")
    assert camera is not None
    with pytest.raises(PolicyIncomplete, match="policy"):
        services.ingest.ingest(camera, [IngestItem(make_submission(), image=None)])
    assert services.store.reads.stats().read_count == 0


def test_a_service_built_by_hand_must_say_what_policy_it_stores_under() -> None:
    # No default: a new way in that builds its own ingest service cannot forget the policy.
    with pytest.raises(TypeError, match="policy"):
        IngestService(None, None, None, None)  # type: ignore[arg-type, call-arg]


def test_a_camera_posting_reads_is_refused_and_nothing_is_stored(
    without_complete_policy: Services,
) -> None:
    services = without_complete_policy
    camera, key = make_camera("gate-3")
    services.store.cameras.add(camera)
    body = {
        "client_read_id": "cam-read-0",
        "plate_text": "7ABC123",
        "confidence": 0.9,
        "captured_at": NOW.isoformat(),
    }
    headers = {"Authorization": f"Bearer {key}"}
    with served(create_app(services)) as base_url, httpx.Client(base_url=base_url) as client:
        single = client.post("/api/v1/reads", json=body, headers=headers)
        batch = client.post("/api/v1/reads/batch", json={"reads": [body]}, headers=headers)
    for response in (single, batch):
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "policy_incomplete"
    assert services.store.reads.stats().read_count == 0


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(data, *args)  # the real command, in its own process


@pytest.mark.parametrize("policy", list(POLICY_STATES))
def test_ingest_images_and_video_from_the_command_line_refuse(policy: str, tmp_path: Path) -> None:

    data = tmp_path / "data"
    assert _cli(data, "db", "upgrade").returncode == 0
    assert _cli(data, "agency", "add", "pd", "--name", "PD", "--state", "CA").returncode == 0
    add_people(data, ("casey", "pd", Role.CUSTODIAN))
    position = ("--latitude", "38.58", "--longitude", "-121.49")
    assert (
        run_as(data, "casey", "camera", "add", "gate", "--name", "Gate", *position).returncode == 0
    )
    write = POLICY_STATES[policy]
    if write is not None:
        write(data)
    image = tmp_path / "a.jpg"
    image.write_bytes(b"\xff\xd8\xff\xe0not really a photo")
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"not really a video")
    for args in (("images", str(image)), ("video", str(clip))):
        result = _cli(data, "ingest", *args, "--camera", "gate")
        assert result.returncode == 2, result.stdout + result.stderr
        assert "error:" in result.stderr
        assert "policy" in result.stderr
        assert "Traceback" not in result.stderr
    counted = build_services(load_settings(data_dir=data))
    try:
        assert counted.store.reads.stats().read_count == 0
    finally:
        counted.close()


# --- 2. a read whose hits were all rejected or false falls back to the non-hit class ----------


def _hit(read_id: str, entry_id: str = "entry-1") -> Hit:
    return Hit(
        id=f"hit-{read_id}-{entry_id}",
        read_id=read_id,
        entry_id=entry_id,
        list_id="stolen",
        match_kind=MatchKind.EXACT,
        score=1.0,
        state_agreement=StateAgreement.AGREES,
        stale=False,
        created_at=NOW - timedelta(days=40),
    )


def _rejected(hit: Hit, reason: RejectionReason) -> Hit:
    return hit.rejected("ola", NOW - timedelta(days=40), reason, note="seen on the image")


def _false(hit: Hit) -> Hit:
    confirmed = hit.confirmed(
        "ola",
        NOW - timedelta(days=40),
        characters_match=True,
        state_matches=True,
        active_at_source=True,
    )
    return confirmed.with_outcome(HitOutcome.FALSE_HIT, "ola", NOW - timedelta(days=40))


def _confirmed(hit: Hit) -> Hit:
    return hit.confirmed(
        "ola",
        NOW - timedelta(days=40),
        characters_match=True,
        state_matches=True,
        active_at_source=True,
    )


FALLS_BACK: dict[str, Callable[[Hit], list[Hit]]] = {
    "misread": lambda h: [_rejected(h, RejectionReason.MISREAD)],
    "wrong state": lambda h: [_rejected(h, RejectionReason.WRONG_STATE)],
    "expired entry": lambda h: [_rejected(h, RejectionReason.EXPIRED_ENTRY)],
    "other": lambda h: [_rejected(h, RejectionReason.OTHER)],
    "false hit": lambda h: [_false(h)],
    "two hits, both rejected": lambda h: [
        _rejected(h, RejectionReason.MISREAD),
        _rejected(replace(h, id=h.id + "-2", entry_id="entry-2"), RejectionReason.WRONG_STATE),
    ],
}
KEEPS_HIT_CLASS: dict[str, Callable[[Hit], list[Hit]]] = {
    "pending": lambda h: [h],
    "confirmed": lambda h: [_confirmed(h)],
    "one rejected, one pending": lambda h: [
        _rejected(h, RejectionReason.MISREAD),
        replace(h, id=h.id + "-2", entry_id="entry-2"),
    ],
}


@pytest.mark.parametrize("case", list(FALLS_BACK))
def test_a_read_whose_hits_came_to_nothing_is_purged_at_the_non_hit_ceiling(
    case: str, rig: Rig
) -> None:
    read = rig.add_read(1, NOW - timedelta(days=40))  # past 30 days, well within 365
    hits = FALLS_BACK[case](_hit(read.id))
    rig.store.hits.add(hits)
    assert read_class(hits) is DataClass.NON_HIT_READS
    rig.store.reads.retain_within(rig.purge)
    assert rig.store.reads.get(read.id) is None, "not shown past the non-hit ceiling"
    report = rig.purge.run()
    non_hit = next(c for c in report.entry.classes if c.data_class == "non-hit-reads")
    assert non_hit.reads == 1
    assert rig.store.reads.any_captured(read.captured_at, read.captured_at + MINUTE) is False


@pytest.mark.parametrize("case", list(KEEPS_HIT_CLASS))
def test_a_pending_or_confirmed_hit_keeps_the_hit_class(case: str, rig: Rig) -> None:
    read = rig.add_read(1, NOW - timedelta(days=40))
    hits = KEEPS_HIT_CLASS[case](_hit(read.id))
    rig.store.hits.add(hits)
    assert read_class(hits) is DataClass.HIT_READS
    assert any(keeps_hit_class(hit) for hit in hits)
    rig.store.reads.retain_within(rig.purge)
    rig.purge.run()
    assert rig.store.reads.get(read.id) is not None


@pytest.fixture
def rig(store: Store, tmp_path: Path) -> Rig:
    return make_rig(store, tmp_path)


# --- 3. the purge cadence follows the shortest ceiling; nothing past it is ever shown ----------

NH_RULES = {
    DataClass.NON_HIT_READS: RetentionRule(DataClass.NON_HIT_READS, THREE_MINUTES, "NH"),
    DataClass.HIT_READS: RetentionRule(DataClass.HIT_READS, timedelta(days=365), "test"),
}


def test_the_purge_runs_as_often_as_three_minutes_need() -> None:
    interval = purge_interval(NH_RULES, timedelta(hours=1))
    assert interval <= THREE_MINUTES / 10
    assert purge_interval({}, timedelta(hours=1)) == timedelta(hours=1)
    tiny = {DataClass.NON_HIT_READS: RetentionRule(DataClass.NON_HIT_READS, MINUTE / 60, "x")}
    assert purge_interval(tiny, timedelta(hours=1)) == timedelta(seconds=10)


def test_the_server_s_scheduler_takes_the_derived_interval(rig: Rig) -> None:
    rig.purge.rules = dict(NH_RULES)

    class NoHolds:
        def expire(self) -> None:
            return None

    scheduler = PurgeScheduler(rig.purge, NoHolds(), 3600)
    assert scheduler.interval <= THREE_MINUTES / 10


@pytest.fixture
def nh_services(backend_settings: Settings, clock: FixedClock) -> Iterator[Services]:
    services = build_test_services(backend_settings, clock)
    services.purge.rules = dict(NH_RULES)
    services.store.agencies.add(make_agency())
    services.store.cameras.add(make_camera()[0])
    yield services
    services.close()


def test_a_read_four_minutes_old_under_nh_is_shown_by_no_path_before_any_purge(
    nh_services: Services,
) -> None:
    services = nh_services
    store = services.store
    old = make_read(1, captured_at=NOW - 4 * MINUTE)
    fresh = make_read(2, captured_at=NOW - MINUTE)
    store.reads.add([old, fresh])
    # Every look-up goes through these two: search, get by id (and so images, exports, shares,
    # the hit desk, holds), retroactive matching.
    assert store.reads.get(old.id) is None
    assert store.reads.get(fresh.id) is not None
    everything = store.reads.find(ReadQuery(limit=100))
    assert [read.id for read in everything] == [fresh.id]
    assert store.reads.find(ReadQuery(plate_key=old.plate_key, agency_id="demo-pd")) == [fresh]
    # The purge has not run: the read is still stored, and it is the purge's to delete.
    assert store.reads.any_captured(old.captured_at, old.captured_at + MINUTE)
    services.purge.run()
    assert not store.reads.any_captured(old.captured_at, old.captured_at + MINUTE)


LOOK_UPS_FROM = {
    "plate": lambda since: ReadQuery(plate_key="7ABC123", captured_from=since),
    "pattern": lambda since: ReadQuery(plate_like="7AB%", captured_from=since),
    "camera and time": lambda since: ReadQuery(camera_id="main-st-north", captured_from=since),
}


@pytest.mark.parametrize("kind", list(LOOK_UPS_FROM))
@pytest.mark.parametrize("since", [NOW - 5 * MINUTE, NOW - 3 * MINUTE, NOW - 2 * MINUTE])
def test_a_look_up_from_a_given_time_shows_no_read_past_its_ceiling(
    nh_services: Services, kind: str, since: datetime
) -> None:
    # A look-up that starts after every ceiling leaves the ceilings out of its SQL; one that
    # starts before the non-hit ceiling (hit reads are kept a year) must still apply it.
    store = nh_services.store
    old = make_read(1, captured_at=NOW - 4 * MINUTE)
    fresh = make_read(2, captured_at=NOW - MINUTE)
    store.reads.add([old, fresh])
    assert [read.id for read in store.reads.find(LOOK_UPS_FROM[kind](since))] == [fresh.id]


def test_a_held_read_past_its_ceiling_is_still_shown(nh_services: Services) -> None:
    store = nh_services.store
    held = make_read(1, captured_at=NOW - 4 * MINUTE)
    store.reads.add([held])
    store.legal_holds.add(
        LegalHold(
            id="hold-1",
            agency_id="demo-pd",
            case_number="2026-000123",
            reason="evidence in a hit-and-run case",
            requested_by="avery",
            requested_at=NOW - MINUTE,
            expires_at=NOW + timedelta(days=10),
            read_ids=(held.id,),
            approved_by="sam",
            approved_at=NOW - MINUTE,
        )
    )
    assert store.reads.get(held.id) is not None
    assert [read.id for read in store.reads.find(ReadQuery())] == [held.id]


# --- 4. every data class the published policy names has a purge -----------------------------


class CountingAccessLog:
    def __init__(self) -> None:
        self.purges = 0

    def purge(self, *, dry_run: bool = False) -> int:
        self.purges += 1
        return 0


def _records(
    store: Store, rules: dict[DataClass, RetentionRule]
) -> tuple[RecordPurgeService, CountingAccessLog]:
    access_log = CountingAccessLog()
    service = RecordPurgeService(
        store, FixedClock(NOW), rules=rules, log=MemoryLog(), access_log=access_log
    )
    return service, access_log


def _rule(data_class: DataClass, days: int) -> RetentionRule:
    return RetentionRule(data_class, timedelta(days=days), "test policy")


def test_hot_list_entries_past_their_period_or_expiry_are_purged(store: Store) -> None:
    store.hotlists.add(hotlist())
    day = timedelta(days=1)
    store.hotlist_entries.add(
        [
            replace(entry("AAA111", "old"), entered_at=NOW - 400 * day),
            entry("BBB222", "expired", expires_at=NOW - day),
            entry("CCC333", "young", expires_at=NOW + day),
            entry("DDD444", "open"),
        ]
    )
    version = store.hotlist_entries.version()
    service, _ = _records(store, {DataClass.HOTLIST_ENTRIES: _rule(DataClass.HOTLIST_ENTRIES, 365)})
    report = service.run()
    assert report.deleted[DataClass.HOTLIST_ENTRIES] == 2
    assert store.hotlist_entries.get("old") is None
    assert store.hotlist_entries.get("expired") is None
    assert store.hotlist_entries.get("young") is not None
    assert store.hotlist_entries.get("open") is not None
    assert store.hotlist_entries.version() > version, "the matcher reloads"


def _ledger_entry(entry_id: str, started_days_ago: int) -> PurgeLedgerEntry:
    at = NOW - timedelta(days=started_days_ago)
    return PurgeLedgerEntry(
        id=entry_id,
        started_at=at,
        finished_at=at,
        dry_run=False,
        classes=(ClassPurge("non-hit-reads", at, reads=1),),
    )


def test_the_purge_ledger_past_its_period_is_purged(store: Store) -> None:
    store.purge_ledger.add(_ledger_entry("old", 800))
    store.purge_ledger.add(_ledger_entry("young", 10))
    service, _ = _records(store, {DataClass.PURGE_LEDGER: _rule(DataClass.PURGE_LEDGER, 730)})
    assert service.run().deleted[DataClass.PURGE_LEDGER] == 1
    assert [item.id for item in store.purge_ledger.list()] == ["young"]


def _outbox(item_id: str, status: OutboxStatus, finished_days_ago: int | None) -> OutboxItem:
    created = NOW - timedelta(days=100)
    finished = None if finished_days_ago is None else NOW - timedelta(days=finished_days_ago)
    return OutboxItem(
        id=item_id,
        destination="webhook:dispatch",
        hit_id=f"hit-{item_id}",
        payload="{}",
        status=status,
        attempts=1,
        created_at=created,
        next_attempt_at=created,
        finished_at=finished,
        last_error=None,
    )


def test_the_alert_outbox_is_purged_by_its_default_period(store: Store) -> None:
    assert DataClass.ALERT_OUTBOX in DEFAULT_CEILINGS  # the policy need not name it
    items = [
        _outbox("delivered-old", OutboxStatus.DELIVERED, 60),
        _outbox("dead-old", OutboxStatus.DEAD, 60),
        _outbox("delivered-young", OutboxStatus.DELIVERED, 2),
        _outbox("pending-old", OutboxStatus.PENDING, None),
    ]
    store.alert_outbox.enqueue(items)
    service, _ = _records(store, {})
    assert service.run().deleted[DataClass.ALERT_OUTBOX] == 2
    assert store.alert_outbox.get("delivered-old") is None
    assert store.alert_outbox.get("dead-old") is None
    assert store.alert_outbox.get("delivered-young") is not None
    assert store.alert_outbox.get("pending-old") is not None, "its delivery is still owed"


def test_the_access_log_purge_is_scheduled_daily(store: Store) -> None:
    service, access_log = _records(store, {})
    service.run()
    service.run()
    assert access_log.purges == 1


def test_the_access_log_keeps_its_floor_whatever_the_policy_says(settings: Settings) -> None:
    policy = SimpleNamespace(retention={DataClass.ACCESS_LOG: _rule(DataClass.ACCESS_LOG, 7)})
    audit = _audit_under(settings, cast(EffectivePolicy, policy))
    assert audit.audit.retention_days >= 730


def test_the_server_purges_records_besides_reads(rig: Rig, store: Store) -> None:
    class NoHolds:
        def expire(self) -> None:
            return None

    records = CountingRecords()
    scheduler = PurgeScheduler(rig.purge, NoHolds(), 60, records, FixedClock(NOW))
    scheduler.tick()
    scheduler.tick()
    assert records.runs == 1, "hourly, not at every purge of reads"


class CountingRecords:
    def __init__(self) -> None:
        self.runs = 0

    def run(self) -> None:
        self.runs += 1


def test_a_correction_goes_with_its_read_in_the_purge(rig: Rig) -> None:
    """A correction keeps the misread's original text: the purge that takes the read sweeps it,
    even where a partition drop fires no trigger."""
    read = rig.add_read(1, NOW - timedelta(days=40), plate="8OXY123")
    correction = correction_of(
        read,
        correction_id="correction-1",
        agency_id="demo-pd",
        plate_text="BOXY123",
        region=None,
        by="analyst",
        at=NOW - timedelta(days=39),
        reason="8 is a B",
        purpose_code="stolen-vehicle",
        case_number="2026-000123",
    )
    assert rig.store.read_corrections.apply(correction, read.plate_key)
    rig.purge.run()
    assert rig.store.reads.any_captured(read.captured_at, read.captured_at + MINUTE) is False
    assert rig.store.read_corrections.delete_orphaned() == 0, "swept by the purge itself"
