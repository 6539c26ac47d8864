"""HTTPS for the server: a TLS context from a certificate and key, renewed without a restart.

Certificates are renewed on a schedule (every 90 days with ACME, yearly from an agency's own
authority), and a restart to pick one up would end every live alert stream. So the files are
watched: when either changes, a new context is made from them and every connection accepted from
then on uses it, while connections already open keep theirs. A new pair that does not load (a key
that does not match, a file half-written) is logged, and the server keeps the certificate it had.

Contexts are never changed once made: the listening context's SNI callback hands each new
handshake the newest one, which the watcher replaces whole from its own thread (``SSLContext``
is not safe to change while the server's thread makes connections from it).
"""

from __future__ import annotations

import logging
import os
import ssl
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509

from platekeeper.background import BackgroundLoop
from platekeeper.errors import ConfigError

logger = logging.getLogger(__name__)

MINIMUM_VERSION = ssl.TLSVersion.TLSv1_2
"""The oldest TLS spoken: 1.0 and 1.1 are deprecated (RFC 8996)."""


class CertificateUnusable(ConfigError):
    code = "tls_certificate_unusable"
    title = "The TLS certificate cannot be used"


@dataclass(frozen=True, slots=True)
class CertificateFiles:
    """The certificate chain and its private key, as PEM files."""

    certificate: Path
    key: Path

    def stamp(self) -> tuple[tuple[int, int, int], ...]:
        """What changes when either file is replaced or rewritten (``OSError`` if one is
        missing): its inode, size and modification time."""
        stats = (os.stat(self.certificate), os.stat(self.key))
        return tuple((s.st_ino, s.st_size, s.st_mtime_ns) for s in stats)

    def expires_at(self) -> datetime:
        """When the (first) certificate in the chain expires."""
        certificate = x509.load_pem_x509_certificate(self.certificate.read_bytes())
        return certificate.not_valid_after_utc

    def key_readable_by_others(self) -> bool:
        return bool(os.stat(self.key).st_mode & 0o077)


def server_context(files: CertificateFiles) -> ssl.SSLContext:
    """A server context for ``files``, TLS 1.2 at least, or ``CertificateUnusable`` saying why."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = MINIMUM_VERSION
    try:
        context.load_cert_chain(files.certificate, files.key, password=_no_password)
    except OSError as exc:
        reason = exc.strerror if exc.strerror and not isinstance(exc, ssl.SSLError) else exc
        raise CertificateUnusable(
            f"the TLS certificate {files.certificate} and key {files.key} do not load: {reason}",
            hint="Give the PEM certificate chain and its own unencrypted private key, readable "
            "by the server's user ('platekeeper tls self-signed' makes a pair for a lab).",
        ) from None
    return context


def _no_password() -> str:
    # Without this, OpenSSL would stop the server to ask for a passphrase at the terminal.
    raise ssl.SSLError("the private key is encrypted; the server cannot ask for its passphrase")


class ReloadingCertificate:
    """The server's TLS context, and the watcher that renews it when the files change."""

    def __init__(self, files: CertificateFiles, interval_s: float) -> None:
        self.files = files
        self.listening = server_context(files)
        self._newest = self.listening
        self._stamp = files.stamp()
        self.listening.sni_callback = self._hand_newest
        self._loop = BackgroundLoop(
            "tls-certificate",
            self.check,
            interval_s=interval_s,
            log=logger,
            failure="checking the TLS certificate files failed",
            first_at_once=False,
        )

    def _hand_newest(self, connection: ssl.SSLObject, _name: str | None, _: ssl.SSLContext) -> None:
        # Called for every handshake, whether or not the client names a server (SNI).
        newest = self._newest
        if connection.context is not newest:
            connection.context = newest

    def check(self) -> None:
        """One look at the files: if they changed, load them, or log why they were not."""
        try:
            stamp = self.files.stamp()
        except OSError:
            return  # being replaced; the next look will see the new file
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            context = server_context(self.files)
        except CertificateUnusable as error:
            logger.warning("%s; the server keeps the certificate it had", error.message)
            return
        self._newest = context
        logger.info("new TLS certificate loaded, valid until %s", self.files.expires_at())

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop(timeout_s=5)
