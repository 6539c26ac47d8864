"""The camera service: who may register and change cameras, keys shown once, and the log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from platekeeper.config import Settings
from platekeeper.domain import CameraKind, CameraStatus, GeoPoint
from platekeeper.domain.access import AccessOutcome, Actor
from platekeeper.domain.people import Role
from platekeeper.errors import AuthenticationFailed, InvalidInput, NotFound, PermissionDenied
from platekeeper.ingest.cameras import CameraAdmin, CameraDraft, silent
from platekeeper.services import Services, build_services
from platekeeper.store.protocols import AccessFilter
from tests.conftest import NOW, FixedClock, make_agency

CUSTODIAN = CameraAdmin(Actor("casey", "demo-pd"), frozenset({Role.CUSTODIAN}))
ANALYST = CameraAdmin(Actor("avery", "demo-pd"), frozenset({Role.ANALYST}))
OUTSIDER = CameraAdmin(Actor("otto", "other-pd"), frozenset({Role.CUSTODIAN}))
J_STREET = CameraDraft("j-st", "J St", CameraKind.FIXED, GeoPoint(38.58, -121.49), 270.0)


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Iterator[Services]:
    built = build_services(settings, clock=clock)
    built.store.upgrade()
    built.store.agencies.add(make_agency())
    built.store.agencies.add(make_agency("other-pd"))
    yield built
    built.close()


def logged(services: Services, action: str) -> list[tuple[str, AccessOutcome, str]]:
    records = services.store.access_log.find(AccessFilter(action=action))
    return [(r.event.actor.username, r.event.outcome, r.event.reason) for r in reversed(records)]


def test_a_registered_camera_ingests_with_the_key_shown_once(services: Services) -> None:
    camera, key = services.cameras.register(CUSTODIAN, J_STREET)
    assert (camera.agency_id, camera.status, camera.heading_deg) == ("demo-pd", "active", 270.0)
    assert services.ingest.authenticate(key).id == "j-st"
    assert key not in str(services.store.access_log.find(AccessFilter()))
    assert logged(services, "cameras:register") == [
        ("casey", AccessOutcome.ALLOWED, "fixed camera registered")
    ]


def test_a_rotated_key_voids_the_old_one(services: Services) -> None:
    _, old = services.cameras.register(CUSTODIAN, J_STREET)
    _, new = services.cameras.rotate_key(CUSTODIAN, "j-st")
    assert services.ingest.authenticate(new).id == "j-st"
    with pytest.raises(AuthenticationFailed):
        services.ingest.authenticate(old)
    assert [e[1] for e in logged(services, "cameras:rotate-key")] == [AccessOutcome.ALLOWED]


def test_a_status_change_is_logged_with_before_and_after(services: Services) -> None:
    services.cameras.register(CUSTODIAN, J_STREET)
    changed = services.cameras.set_status(CUSTODIAN, "j-st", CameraStatus.MAINTENANCE)
    assert changed.status is CameraStatus.MAINTENANCE
    assert logged(services, "cameras:status") == [
        ("casey", AccessOutcome.ALLOWED, "status active -> maintenance")
    ]


def test_only_custodians_of_the_agency_administer_its_cameras(services: Services) -> None:
    services.cameras.register(CUSTODIAN, J_STREET)
    with pytest.raises(PermissionDenied):
        services.cameras.register(ANALYST, CameraDraft("k-st", "K St", CameraKind.MOBILE))
    with pytest.raises(PermissionDenied):
        services.cameras.list(ANALYST)
    with pytest.raises(NotFound):
        services.cameras.rotate_key(OUTSIDER, "j-st")
    assert services.cameras.list(OUTSIDER) == []
    assert [c.id for c in services.cameras.list(CUSTODIAN)] == ["j-st"]
    refusals = logged(services, "cameras:register") + logged(services, "cameras:rotate-key")
    assert [(who, outcome) for who, outcome, _ in refusals if outcome == "denied"] == [
        ("avery", AccessOutcome.DENIED),
        ("otto", AccessOutcome.DENIED),
    ]


def test_a_custodian_registers_for_their_agency_only_and_bad_cameras_are_refused(
    services: Services,
) -> None:
    camera, _ = services.cameras.register(CUSTODIAN, J_STREET, agency_id="demo-pd")
    assert camera.agency_id == "demo-pd"
    with pytest.raises(PermissionDenied, match="agency x, not yours"):
        services.cameras.register(
            CUSTODIAN, CameraDraft("z", "Z", CameraKind.MOBILE), agency_id="x"
        )
    with pytest.raises(InvalidInput, match="no location"):
        services.cameras.register(CUSTODIAN, CameraDraft("y", "Y", CameraKind.FIXED))
    assert logged(services, "cameras:register")[-1][1] is AccessOutcome.DENIED
    assert [c.agency_id for c in services.store.cameras.list(None)] == ["demo-pd"]


def test_an_active_camera_unheard_for_an_hour_is_silent(services: Services) -> None:
    camera, _ = services.cameras.register(CUSTODIAN, J_STREET)
    assert silent(camera, NOW)
    services.store.cameras.record_contact("j-st", NOW)
    [heard] = services.cameras.list(CUSTODIAN)
    assert not silent(heard, NOW + timedelta(minutes=59))
    assert silent(heard, NOW + timedelta(minutes=61))
    retired = services.cameras.set_status(CUSTODIAN, "j-st", CameraStatus.RETIRED)
    assert not silent(retired, NOW + timedelta(days=9))
