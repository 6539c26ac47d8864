"""Running the app: bind the port first, so that a busy port is known before any other work."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from ipaddress import ip_address
from types import FrameType

import uvicorn
from starlette.types import ASGIApp

from platekeeper.accounts.sweeper import AccountSweeper
from platekeeper.audit import PeriodicCheckpointer
from platekeeper.cli.console import out
from platekeeper.config import ServerSettings, Settings
from platekeeper.errors import PlateKeeperError
from platekeeper.hotlists.refresh import RefreshScheduler
from platekeeper.http.alert_stream import AlertStreamServer
from platekeeper.http.redaction import install_url_key_redaction
from platekeeper.http.tls import CertificateFiles, ReloadingCertificate
from platekeeper.ingest.sources.fetcher import ImageFetchLoop
from platekeeper.ingest.sources.frigate_mqtt import FrigateSubscriber
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
    # A camera may carry its key in a vendor source's URL; request lines must not show it.
    install_url_key_redaction()


class PlainHttpRefused(PlateKeeperError):
    code = "plain_http_refused"
    title = "Will not serve plain HTTP to the network"


@dataclass(frozen=True, slots=True)
class Listening:
    """Where the server listens, and with which certificate (None: plain HTTP)."""

    socket: socket.socket
    certificate: ReloadingCertificate | None

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        host = f"[{host}]" if ":" in host else host
        return f"{'http' if self.certificate is None else 'https'}://{host}:{port}"

    def close(self) -> None:
        self.socket.close()


def listen(server: ServerSettings) -> Listening:
    """The listening socket and TLS context for ``server``. Checked before anything binds:
    plain HTTP beyond this machine, or a certificate that does not load, is refused."""
    require_encryption(server)
    certificate = None
    if server.tls_certificate is not None and server.tls_key is not None:
        files = CertificateFiles(server.tls_certificate, server.tls_key)
        certificate = ReloadingCertificate(files, server.tls_reload_interval_s)
    return Listening(bind(server.host, server.port), certificate)


def require_encryption(server: ServerSettings) -> None:
    """Passwords, session cookies and plate reads cross the network encrypted (CJIS SC-8):
    plain HTTP is served on loopback only, unless proxies named in ``server.behind_proxy`` end
    TLS in front of the app."""
    if server.tls_certificate is not None or server.behind_proxy or is_loopback(server.host):
        return
    raise PlainHttpRefused(
        f"will not serve plain HTTP on {server.host or 'every address'}: passwords, sessions "
        "and plate reads would cross the network unencrypted",
        hint="Give a certificate (--tls-certificate and --tls-key, or server.tls_certificate "
        "and server.tls_key; 'platekeeper tls self-signed' makes one for a lab), or name the "
        "reverse proxy that ends TLS in server.behind_proxy, or listen on 127.0.0.1.",
    )


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` stands for is this machine's own (127.0.0.0/8, ::1)."""
    try:
        return ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False  # a name that resolves to nothing is nobody's loopback
    return bool(found) and all(ip_address(entry[4][0]).is_loopback for entry in found)


def server_config(
    app: ASGIApp, settings: Settings, certificate: ReloadingCertificate | None
) -> uvicorn.Config:
    """uvicorn's settings for ``app``."""
    return uvicorn.Config(
        app,
        log_level=settings.log_level.lower(),
        # Request lines carry no plate data today; keep them out of INFO logs regardless.
        access_log=settings.log_level == "DEBUG",
        # uvicorn believes X-Forwarded-For and -Proto from 127.0.0.1 unless told not to, so
        # that any local process could pose as any client. The app decides whom to believe
        # (http/proxy.py, server.behind_proxy); uvicorn believes nobody.
        proxy_headers=False,
        forwarded_allow_ips=[],
        ssl_context_factory=None if certificate is None else lambda *_: certificate.listening,
    )


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


def run_server(services: Services, listening: Listening) -> None:
    """Serve on ``listening`` until interrupted, then close the services.

    Ingest must not start while the usage and privacy policy is missing or incomplete.
    """
    settings = services.settings
    try:
        require_complete_policy(settings, store=services.store)
    except BaseException:
        listening.close()
        services.close()
        raise
    configure_logging(settings.log_level)
    for warning in [*file_warnings(settings), *_certificate_warnings(listening.certificate)]:
        logger.warning(warning)
    # Imported here: building the routes takes about a second, which every other command of
    # the console (each a process of its own) would otherwise pay at start.
    from platekeeper.app import create_app  # noqa: PLC0415

    config = server_config(create_app(services), settings, listening.certificate)
    audit = settings.audit
    checkpointer = PeriodicCheckpointer(
        services.access_log, audit.checkpoint_interval_s, audit.checkpoint_every_entries
    )
    with _terminate_as_exit() as stopping, ExitStack() as running:
        # Unwound last to first: the services close last, the final checkpoint just before,
        # after every component that may still write the access log has stopped.
        running.callback(services.close)
        running.callback(checkpointer.stop)
        running.callback(listening.close)
        checkpointer.start()
        if listening.certificate is not None:
            listening.certificate.start()
            running.callback(listening.certificate.stop)
        # Accounts also suspend themselves when next used; sweeping at start and daily keeps
        # the account list honest about who can still sign in (CJIS AC-2(3)).
        sweeper = AccountSweeper(services.accounts)
        sweeper.start()
        running.callback(sweeper.stop)
        out.print(f"PlateKeeper is serving on [bold]{listening.url}[/] (Ctrl-C stops it).")
        # Alerts left pending by the last run are delivered now: the outbox is in the database.
        outbox = services.alerts.delivery_worker()
        outbox.start()
        running.callback(outbox.stop)
        # Images that cameras sent as URLs, fetched after their reads were stored.
        fetching = ImageFetchLoop(services.image_fetcher)
        fetching.start()
        running.callback(fetching.stop)
        if settings.frigate.enabled:
            frigate = FrigateSubscriber(
                settings.frigate, services.sources, services.store, os.environ
            )
            frigate.start()
            running.callback(frigate.stop)
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
        AlertStreamServer(config, services.alerts.live).run(sockets=[listening.socket])


def _certificate_warnings(certificate: ReloadingCertificate | None) -> list[str]:
    if certificate is None:
        return []
    files = certificate.files
    warnings = []
    if files.key_readable_by_others():
        warnings.append(f"the TLS key {files.key} is readable by others: chmod 600 it")
    expires_at = files.expires_at()
    if expires_at <= datetime.now(UTC):
        warnings.append(f"the TLS certificate {files.certificate} expired at {expires_at}")
    return warnings


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
