"""The live app of tests/api, on each database, for the insider tests."""

from tests.api.conftest import backend_settings, live_app, services

__all__ = ["backend_settings", "live_app", "services"]
