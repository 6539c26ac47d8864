"""What every command shares: the settings it was started with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from platekeeper.config import Settings, load_settings
from platekeeper.errors import StoreError
from platekeeper.services import Services, build_services


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
    pending = services.store.pending_migrations()
    if pending:
        services.close()
        raise StoreError(
            f"the database schema lacks migrations {', '.join(pending)}",
            hint="Run 'platekeeper db upgrade' first.",
        )
    return services
