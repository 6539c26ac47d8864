"""Services on a real SQLite store and image folder in a temporary directory, with a still clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from platekeeper.config import Settings
from platekeeper.services import Services, build_services
from tests.conftest import FixedClock


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Iterator[Services]:
    built = build_services(settings, clock=clock)
    built.store.upgrade()
    yield built
    built.close()
