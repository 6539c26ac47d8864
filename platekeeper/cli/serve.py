"""Running the app: bind the port first, so that a busy port is known before any other work."""

from __future__ import annotations

import logging
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from types import FrameType

import uvicorn

from platekeeper.accounts.sweeper import AccountSweeper
from platekeeper.app import create_app
from platekeeper.audit import PeriodicCheckpointer
from platekeeper.cli.console import out
from platekeeper.errors import PlateKeeperError
from platekeeper.hotlists.refresh import RefreshScheduler
from platekeeper.http.alert_stream import AlertStreamServer
from platekeeper.policy.effective import require_complete_policy
from platekeeper.reports.publisher import PublicationScheduler, TransparencyPublisher
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
        require_complete_policy(settings, store=services.store)
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
    audit = settings.audit
    checkpointer = PeriodicCheckpointer(
        services.access_log, audit.checkpoint_interval_s, audit.checkpoint_every_entries
    )
    with _terminate_as_exit() as stopping, ExitStack() as running:
        # Unwound last to first: the services close last, the final checkpoint just before,
        # after every component that may still write the access log has stopped.
        running.callback(services.close)
        running.callback(checkpointer.stop)
        running.callback(listener.close)
        checkpointer.start()
        # Accounts also suspend themselves when next used; sweeping at start and daily keeps
        # the account list honest about who can still sign in (CJIS AC-2(3)).
        sweeper = AccountSweeper(services.accounts)
        sweeper.start()
        running.callback(sweeper.stop)
        out.print(f"PlateKeeper is serving on [bold]http://{host}:{port}[/] (Ctrl-C stops it).")
        # Alerts left pending by the last run are delivered now: the outbox is in the database.
        outbox = services.alerts.delivery_worker()
        outbox.start()
        running.callback(outbox.stop)
        refresher = RefreshScheduler(services.hotlists)
        refresher.start()
        running.callback(refresher.stop)
        purger = PurgeScheduler(
            services.purge,
            services.holds,
            settings.retention.purge_interval_minutes * 60,
            services.records,
            services.clock,
        )
        purger.start()
        running.callback(purger.stop)
        # The public report on the schedule the law sets (R37), published while serving.
        publisher = PublicationScheduler(TransparencyPublisher(services))
        publisher.start()
        running.callback(publisher.stop)
        running.callback(stopping.set)  # first thing on the way out
        AlertStreamServer(config, services.alerts.live).run(sockets=[listener])


@contextmanager
def _terminate_as_exit() -> Iterator[threading.Event]:
    """Make SIGTERM end the server as Ctrl-C does: through the shutdown path, which signs the
    last checkpoint, rather than by Python's default of dying on the spot.

    uvicorn catches SIGTERM while it serves, shuts down, restores the handler it found (this
    one) and raises the signal again; the handler turns it into ``SystemExit(0)``, so every
    ``finally`` runs. Service managers stop services with SIGTERM. Once ``stopping`` (yielded)
    is set, SIGTERM is ignored: the shutdown is already under way (SIGKILL remains for a stuck
    one)."""
    stopping = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stopping  # signals reach the main thread only; whoever runs us there handles them
        return

    def terminate(signum: int, frame: FrameType | None) -> None:
        if stopping.is_set():
            logger.info("already stopping; SIGTERM ignored")
            return
        stopping.set()
        logger.info("SIGTERM: stopping")
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield stopping
    finally:
        signal.signal(signal.SIGTERM, previous)
