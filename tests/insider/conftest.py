"""The insider's tools: the live app of tests/api, an account service, and a store, each on
every database."""

from __future__ import annotations

from tests.accounts.conftest import accounts, auth, factors, sink
from tests.api.conftest import backend_settings, live_app, services
from tests.store.conftest import empty_store, store

__all__ = [
    "accounts",
    "auth",
    "backend_settings",
    "empty_store",
    "factors",
    "live_app",
    "services",
    "sink",
    "store",
]
