"""R31: hot lists are refreshed again before each deployment, and a stale one blocks it.

On the starting commit a camera could be registered active, or set active again, while its
agency's fed lists had not been refreshed for days or their source was gone: it would then
check every plate it read against out-of-date lists. Now the camera service asks the hot-list
service (``ListsReady``) to refresh the agency's fed lists first, and refuses the activation,
logged, when one cannot be refreshed or is stale; on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from platekeeper.config import Settings
from platekeeper.domain import CameraKind, CameraStatus
from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.hotlists import STALE_AFTER, AlertLevel, ListSource
from platekeeper.domain.people import Role
from platekeeper.hotlists.importing import FileFormat, ImportSpec, parse_mapping
from platekeeper.hotlists.service import REFRESH_ACTOR, ListsNotReady
from platekeeper.ingest.cameras import CameraAdmin, CameraDraft
from platekeeper.services import Services
from platekeeper.store.protocols import AccessFilter
from tests.api.conftest import backend_settings
from tests.conftest import FixedClock, build_test_services, make_agency

__all__ = ["backend_settings"]  # SQLite and PostgreSQL in turn

CUSTODIAN = CameraAdmin(Actor("casey", "demo-pd"), frozenset({Role.CUSTODIAN}))
ANALYST = CameraAdmin(Actor("avery", "demo-pd"), frozenset({Role.ANALYST}))
OTHER_ANALYST = CameraAdmin(Actor("olga", "other-pd"), frozenset({Role.ANALYST}))
CAMERA = CameraDraft("j-st", "J St", CameraKind.MOBILE)
SPEC = ImportSpec(FileFormat.CSV, parse_mapping("plate=1,reason=2"), False)
FED = [ListSource.STATE_FEED, ListSource.NCIC]


@pytest.fixture
def services(backend_settings: Settings, clock: FixedClock) -> Iterator[Services]:
    built = build_test_services(backend_settings, clock)
    built.store.agencies.add(make_agency())
    built.store.agencies.add(make_agency("other-pd"))
    yield built
    built.close()


def make_list(services: Services, source: ListSource, who: CameraAdmin = ANALYST) -> str:
    list_id = f"{who.actor.agency_id}-{source.value}".replace("_", "-")
    services.hotlists.create_list(
        who,
        list_id=list_id,
        name=list_id,
        source=source,
        priority=2,
        alert_level=AlertLevel.WARNING,
        covert=False,
    )
    return list_id


def fed_list(
    services: Services, tmp_path: Path, source: ListSource = ListSource.STATE_FEED
) -> Path:
    """A fed list of demo-pd with a working source, refreshed once; its source file."""
    list_id = make_list(services, source)
    path = tmp_path / f"{list_id}.csv"
    path.write_text("7ABC123,stolen vehicle\n")
    services.hotlists.set_source(ANALYST, list_id, str(path), SPEC)
    services.hotlists.refresh(ANALYST, list_id)
    return path


def outcomes(services: Services, action: str) -> list[AccessOutcome]:
    records = services.store.access_log.find(AccessFilter(action=action))
    return [r.event.outcome for r in reversed(records)]


def test_registering_a_camera_refreshes_the_agencys_fed_lists_first(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    source = fed_list(services, tmp_path)
    clock.advance(STALE_AFTER / 2)  # not yet stale: refreshed anyway, before the deployment
    source.write_text("7ABC123,stolen vehicle\n8XYZ999,stolen vehicle\n")
    services.cameras.register(CUSTODIAN, CAMERA)
    hotlist = services.store.hotlists.get("demo-pd-state-feed")
    assert hotlist is not None
    assert hotlist.refreshed_at == clock.now()
    assert len(services.hotlists.entries(ANALYST, "demo-pd-state-feed")) == 2
    refreshes = services.store.access_log.find(AccessFilter(action="hotlists:refresh"))
    assert refreshes[0].event.actor.username == REFRESH_ACTOR


@pytest.mark.parametrize("source", FED)
def test_a_fed_list_that_cannot_be_refreshed_blocks_registration(
    services: Services, clock: FixedClock, tmp_path: Path, source: ListSource
) -> None:
    # Its source is gone, even though the list is not yet stale: the deployment waits.
    fed_list(services, tmp_path, source).unlink()
    clock.advance(STALE_AFTER / 4)
    with pytest.raises(ListsNotReady, match="could not be refreshed") as refused:
        services.cameras.register(CUSTODIAN, CAMERA)
    assert refused.value.hint
    assert services.store.cameras.get("j-st") is None
    assert outcomes(services, "cameras:register") == [AccessOutcome.DENIED]


def test_a_stale_fed_list_without_a_source_blocks_registration(services: Services) -> None:
    make_list(services, ListSource.STATE_FEED)  # never refreshed, nothing to refresh from
    with pytest.raises(ListsNotReady, match="is stale"):
        services.cameras.register(CUSTODIAN, CAMERA)
    assert services.store.cameras.get("j-st") is None


def test_setting_a_camera_active_again_needs_current_lists(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    source = fed_list(services, tmp_path)
    services.cameras.register(CUSTODIAN, CAMERA)
    services.cameras.set_status(CUSTODIAN, "j-st", CameraStatus.MAINTENANCE)
    source.unlink()
    clock.advance(STALE_AFTER * 3)
    with pytest.raises(ListsNotReady):
        services.cameras.set_status(CUSTODIAN, "j-st", CameraStatus.ACTIVE)
    camera = services.store.cameras.get("j-st")
    assert camera is not None
    assert camera.status is CameraStatus.MAINTENANCE
    assert outcomes(services, "cameras:status")[-1] is AccessOutcome.DENIED
    # Taking a camera out of service never waits on the lists.
    services.cameras.set_status(CUSTODIAN, "j-st", CameraStatus.RETIRED)
    # Once the source is back, the camera is deployed against the refreshed list.
    source.write_text("7ABC123,stolen vehicle\n")
    services.cameras.set_status(CUSTODIAN, "j-st", CameraStatus.ACTIVE)
    hotlist = services.store.hotlists.get("demo-pd-state-feed")
    assert hotlist is not None
    assert hotlist.refreshed_at == clock.now()


def test_only_the_agencys_own_fed_lists_are_asked(services: Services, clock: FixedClock) -> None:
    # The agency's own lists, kept by hand, have no feed to be stale; another agency's stale
    # feed is that agency's deployment problem, not this one's.
    make_list(services, ListSource.AGENCY)
    make_list(services, ListSource.MANUAL)
    make_list(services, ListSource.STATE_FEED, OTHER_ANALYST)
    clock.advance(STALE_AFTER * 2)
    camera, _ = services.cameras.register(CUSTODIAN, CAMERA)
    assert camera.status is CameraStatus.ACTIVE
