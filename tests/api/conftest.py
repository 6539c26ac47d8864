"""The app served for real by uvicorn on a free local port, and a client that speaks HTTP to it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from pydantic import SecretStr

from platekeeper.app import create_app
from platekeeper.config import PostgresStoreSettings, Settings
from platekeeper.domain import CameraKind
from platekeeper.services import Services
from tests.conftest import FixedClock, build_test_services, make_agency, make_camera
from tests.ports import served


@dataclass
class LiveApp:
    base_url: str
    services: Services
    camera_key: str
    mobile_key: str

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {} if key is None else {"Authorization": f"Bearer {key}"}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30.0)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """The test's settings, on each store backend in turn."""
    if request.param == "sqlite":
        return settings
    dsn = request.getfixturevalue("postgres_schema_dsn")
    store = PostgresStoreSettings(type="postgres", dsn=SecretStr(dsn), pool_max_size=4)
    return settings.model_copy(update={"store": store})


@pytest.fixture
def services(backend_settings: Settings, clock: FixedClock) -> Iterator[Services]:
    services = build_test_services(backend_settings, clock)
    yield services
    services.close()


@pytest.fixture
def live_app(services: Services) -> Iterator[LiveApp]:
    services.store.agencies.add(make_agency())
    fixed, fixed_key = make_camera("main-st-north")
    mobile, mobile_key = make_camera("patrol-12", kind=CameraKind.MOBILE)
    services.store.cameras.add(fixed)
    services.store.cameras.add(mobile)
    with served(create_app(services)) as base_url:
        yield LiveApp(base_url, services, fixed_key, mobile_key)
