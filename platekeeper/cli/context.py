"""What every command shares: the settings it was started with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from platekeeper.config import Settings, load_settings
from platekeeper.incidents import raise_noted
from platekeeper.services import Services, build_services, require_current_schema


@dataclass
class CliState:
    config_path: Path | None = None

    def settings(self, **overrides: Any) -> Settings:
        return load_settings(self.config_path, **overrides)


def state(ctx: typer.Context) -> CliState:
    value = ctx.ensure_object(CliState)
    assert isinstance(value, CliState)
    return value


def open_current(settings: Settings) -> Services:
    """Services on a store whose schema is current, or a clear error saying how to get there."""
    services = build_services(settings)
    try:
        require_current_schema(services.store)
        # A start refused for files others could read is a suspected breach: raised now.
        raise_noted(services.breaches, settings.data_dir)
    except BaseException:
        services.close()
        raise
    return services
