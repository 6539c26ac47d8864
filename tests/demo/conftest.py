"""Services on a real SQLite store and image folder in a temporary directory, with a still clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from platekeeper.config import Settings
from platekeeper.services import Services, build_services
from tests.conftest import FixedClock
from tests.policy.samples import write_complete_policy


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Iterator[Services]:
    write_complete_policy(settings.data_dir)  # the demo stores reads, as 'platekeeper demo' does
    built = build_services(settings, clock=clock)
    built.store.upgrade()
    yield built
    built.close()
