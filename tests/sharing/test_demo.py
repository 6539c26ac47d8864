"""The demo's recipients: one it may share with, one refused with the California rule cited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from platekeeper.config import Settings
from platekeeper.demo.policy import ensure_demo_policy
from platekeeper.demo.seed import seed_demo
from platekeeper.demo.sharing import ALLOWED_ID, REFUSED_ID, describe, ensure_demo_sharing
from platekeeper.domain.recipients import ShareRule
from platekeeper.services import Services, build_services
from tests.conftest import FixedClock


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Iterator[Services]:
    ensure_demo_policy(settings)  # the demo's California policy: its sharing rules apply
    built = build_services(settings, clock=clock)
    built.store.upgrade()
    yield built
    built.close()


def test_the_demo_registers_the_lawful_recipient_and_shows_the_refusal(
    services: Services,
) -> None:
    seed_demo(services, read_count=10, hours=2, seed=7)
    demo = ensure_demo_sharing(services)
    assert {r.id for r in services.store.recipients.list()} == {ALLOWED_ID}
    assert services.store.recipients.get(REFUSED_ID) is None
    assert demo.refused is not None
    assert ShareRule.ENTITY_TYPE.value in demo.refused
    assert "1798.90.55(b)" in describe(demo)
    assert not ensure_demo_sharing(services).created  # a second run changes nothing
