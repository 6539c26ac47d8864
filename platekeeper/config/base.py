"""What every settings section shares: its strictness, and the names of the environment."""

from __future__ import annotations

from pydantic import (
    BaseModel,
    ConfigDict,
)

ENV_PREFIX = "PLATEKEEPER_"
CONFIG_PATH_ENV = "PLATEKEEPER_CONFIG"
# Variables with the prefix that are not settings: the config path itself, the test harness's, and
# who signs in at the console (PLATEKEEPER_CONSOLE_USER and _PASSWORD, cli/identity.py).
NON_SETTING_ENV = (CONFIG_PATH_ENV, "PLATEKEEPER_TEST_", "PLATEKEEPER_CONSOLE_")
PLACEHOLDER_SECRETS = {"changeme", "change-me", "password", "secret", "example", "xxx", "todo"}


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
