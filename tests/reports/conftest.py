"""Services on each backend under a complete California policy, and a database the tests fill:
first clean (every test of the report passes), then with known violations."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from platekeeper.config import Settings
from platekeeper.domain.access import AccessEvent, AccessOutcome, Actor
from platekeeper.domain.hotlists import AlertLevel, Hotlist, HotlistEntry, ListSource
from platekeeper.domain.people import Account, Role
from platekeeper.domain.purges import PurgeLedgerEntry
from platekeeper.domain.recipients import Agreement, Recipient
from platekeeper.domain.sharing import EntityType
from platekeeper.policy.effective import policy_path
from platekeeper.reports.compliance import Period
from platekeeper.services import Services
from platekeeper.store.protocols import PolicyVersion
from tests.api.conftest import backend_settings
from tests.api.people import CONSOLE
from tests.conftest import NOW, FixedClock, build_test_services, make_agency, make_camera, make_read
from tests.policy.samples import write_complete_policy

__all__ = ["backend_settings"]

PLATE = "7ABC123"
"""The plate every seeded read and search names: the report must never show it."""
PERIOD = Period.of_days(date(2026, 11, 27), date(2026, 11, 28))
CASE = "2026-000123"


@pytest.fixture
def services(backend_settings: Settings, clock: FixedClock) -> Iterator[Services]:
    write_complete_policy(backend_settings.data_dir)
    services = build_test_services(backend_settings, clock)
    yield services
    services.close()


def add_account(services: Services, username: str, role: Role = Role.ANALYST) -> Account:
    return services.accounts.create(
        CONSOLE,
        username=username,
        display_name=username.title(),
        agency_id="demo-pd",
        job_title=role.value.title(),
        roles=[role],
        training_completed_on=date(2026, 6, 1),
    )


def search(
    services: Services, username: str, hours_ago: float, action: str = "reads:search"
) -> int:
    """An allowed access under a valid purpose and case, within working hours."""
    record = services.access_log.record(
        AccessEvent(
            at=NOW - timedelta(hours=hours_ago),
            actor=Actor(username, "demo-pd"),
            action=action,
            outcome=AccessOutcome.ALLOWED,
            reason="allowed: purpose and case number given",
            query={"plate": PLATE},
            read_ids=("read-1",),
            purpose_code="criminal-investigation",
            case_number=CASE,
            client_address="10.0.0.7",
        )
    )
    return record.seq


def seed_clean(services: Services) -> None:
    """A database with nothing to report: every test of the report passes on it."""
    store = services.store
    store.agencies.add(make_agency())
    camera, _ = make_camera()
    store.cameras.add(camera)
    sha = hashlib.sha256(policy_path(services.settings).read_bytes()).hexdigest()
    store.policy_versions.record(
        PolicyVersion("2026-11-01 " + sha[:8], sha, NOW - timedelta(days=27))
    )
    add_account(services, "avery")
    add_account(services, "aude", Role.AUDITOR)
    store.reads.add(
        [make_read(i, plate_text=PLATE, captured_at=NOW - timedelta(hours=i + 1)) for i in range(5)]
    )
    search(services, "avery", 2)
    search(services, "avery", 1.5, action="reads:view")
    start = PERIOD.start
    while start < NOW:
        store.purge_ledger.add(
            PurgeLedgerEntry(f"purge-{start:%d%H}", start, start + timedelta(seconds=5), False, ())
        )
        start += timedelta(minutes=60)
    store.recipients.add(recipient("sac-so", "Sacramento County Sheriff", "CA"))
    add_fed_list(services, "ca-stolen", refreshed_hours_ago=1)


def recipient(recipient_id: str, name: str, state: str) -> Recipient:
    return Recipient(
        id=recipient_id,
        agency_id="demo-pd",
        legal_name=name,
        entity_type=EntityType.PUBLIC_AGENCY,
        state=state,
        contact="records@example.org",
        approving_official="Records Lieutenant",
        purpose_and_need="Investigations of specific crimes",
        next_review_on=date(2027, 6, 1),
        created_at=NOW - timedelta(days=60),
        agreement=Agreement(date(2026, 1, 1), date(2027, 12, 31)),
    )


def add_fed_list(services: Services, list_id: str, refreshed_hours_ago: float) -> None:
    store = services.store
    store.hotlists.add(
        Hotlist(
            id=list_id,
            agency_id="demo-pd",
            name=f"List {list_id}",
            source=ListSource.STATE_FEED,
            priority=1,
            alert_level=AlertLevel.CRITICAL,
            covert=False,
            created_at=NOW - timedelta(days=10),
        )
    )
    store.hotlist_entries.add(
        [
            HotlistEntry(
                id=f"{list_id}-1",
                list_id=list_id,
                plate_text=PLATE,
                state="us-ca",
                reason="stolen vehicle",
                entered_by="system:refresh",
                entered_at=NOW - timedelta(days=2),
                expires_at=NOW + timedelta(days=30),
            )
        ]
    )
    store.hotlists.record_refresh(list_id, NOW - timedelta(hours=refreshed_hours_ago))
