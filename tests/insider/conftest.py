"""The insider's tools: an account service on each backend, and people to act as."""

from __future__ import annotations

from tests.accounts.conftest import accounts, sink  # noqa: F401 - fixtures used by the tests
from tests.store.conftest import empty_store, store  # noqa: F401 - fixtures used by the tests
