"""Running the app: bind the port first, so that a busy port is known before any other work."""

from __future__ import annotations

import logging
import socket

import uvicorn

from platekeeper.app import create_app
from platekeeper.audit import PeriodicCheckpointer
from platekeeper.cli.console import out
from platekeeper.errors import PlateKeeperError
from platekeeper.hotlists.refresh import RefreshScheduler
from platekeeper.http.alert_stream import AlertStreamServer
from platekeeper.policy.effective import require_complete_policy
from platekeeper.retention.scheduler import PurgeScheduler
from platekeeper.services import Services
from platekeeper.store.factory import file_warnings

logger = logging.getLogger(__name__)


class PortUnavailable(PlateKeeperError):
    code = "port_unavailable"
    title = "Cannot listen on the port"


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The pool warns at every failed attempt; the store reports the failure once, with a hint.
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
    # httpx names every URL it calls at INFO; a webhook's URL may carry a token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or a ``PortUnavailable`` that says what to do."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        raise PortUnavailable(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="Stop what is using the port, or choose another with --port.",
        ) from None


def run_server(services: Services, listener: socket.socket) -> None:
    """Serve on ``listener`` until interrupted, then close the services.

    Ingest must not start while the usage and privacy policy is missing or incomplete.
    """
    settings = services.settings
    try:
        require_complete_policy(settings)
    except BaseException:
        listener.close()
        services.close()
        raise
    configure_logging(settings.log_level)
    for warning in file_warnings(settings):
        logger.warning(warning)
    host, port = listener.getsockname()[:2]
    config = uvicorn.Config(
        create_app(services),
        log_level=settings.log_level.lower(),
        # Request lines carry no plate data today; keep them out of INFO logs regardless.
        access_log=settings.log_level == "DEBUG",
    )
    checkpointer = PeriodicCheckpointer(
        services.access_log, services.settings.audit.checkpoint_interval_s
    )
    # Accounts also suspend themselves when next used; sweeping at start keeps the account list
    # that custodians and auditors see honest about who can still sign in.
    for account, reason in services.accounts.sweep():
        logger.info("suspended account %s: %s", account.username, reason.value)
    out.print(f"PlateKeeper is serving on [bold]http://{host}:{port}[/] (Ctrl-C stops it).")
    checkpointer.start()
    # Alerts left pending by the last run are delivered now: the outbox is in the database.
    outbox = services.alerts.delivery_worker()
    outbox.start()
    refresher = RefreshScheduler(services.hotlists)
    refresher.start()
    purger = PurgeScheduler(
        services.purge, services.holds, services.settings.retention.purge_interval_minutes * 60
    )
    purger.start()
    try:
        AlertStreamServer(config, services.alerts.live).run(sockets=[listener])
    finally:
        listener.close()
        # The last checkpoint covers every access made while the server ran.
        purger.stop()
        refresher.stop()
        checkpointer.stop()
        outbox.stop()
        services.close()
