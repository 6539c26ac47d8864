"""Running the app."""

from __future__ import annotations

import logging

import uvicorn

from platekeeper.api import create_app
from platekeeper.cli.console import out
from platekeeper.services import Services


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The pool warns at every failed attempt; the store reports the failure once, with a hint.
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)


def run_server(services: Services, *, host: str, port: int) -> None:
    """Serve until interrupted, then close the services."""
    settings = services.settings
    configure_logging(settings.log_level)
    out.print(f"PlateKeeper is serving on [bold]http://{host}:{port}[/] (Ctrl-C stops it).")
    try:
        uvicorn.run(
            create_app(services),
            host=host,
            port=port,
            log_level=settings.log_level.lower(),
            # Request lines carry no plate data today; keep them out of INFO logs regardless.
            access_log=settings.log_level == "DEBUG",
        )
    finally:
        services.close()
