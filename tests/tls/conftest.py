"""A lab certificate made by ``platekeeper tls self-signed``, and the app served as ``serve`` serves
it (the same uvicorn settings, TLS context and middleware) in a thread on a free local port."""

from __future__ import annotations

import hashlib
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from platekeeper.app import create_app
from platekeeper.cli.main import app as cli_app
from platekeeper.cli.serve import Listening, bind, server_config
from platekeeper.config import Settings, load_settings
from platekeeper.http.tls import CertificateFiles, ReloadingCertificate
from platekeeper.services import Services
from tests.conftest import FixedClock, build_test_services, make_agency
from tests.ports import running


def make_lab_certificate(out: Path, *args: str) -> CertificateFiles:
    """The files ``platekeeper tls self-signed --host lab.example --out OUT ARGS`` writes."""
    result = CliRunner().invoke(
        cli_app, ["tls", "self-signed", "--host", "lab.example", "--out", str(out), *args]
    )
    assert result.exit_code == 0, (result.output, result.exception)
    return CertificateFiles(out / "certificate.pem", out / "key.pem")


@pytest.fixture
def lab(tmp_path: Path) -> CertificateFiles:
    return make_lab_certificate(tmp_path / "tls")


def settings_with(tmp_path: Path, **sections: Any) -> Settings:
    """The test settings with ``sections`` merged in, validated as a settings file would be."""
    return load_settings(data_dir=tmp_path / "data", **sections)


ServicesOn = Callable[[Settings], Services]


@pytest.fixture
def make_services(clock: FixedClock) -> Iterator[ServicesOn]:
    """Services on given settings (SQLite), with the agency the test people belong to."""
    made: list[Services] = []

    def make(settings: Settings) -> Services:
        services = build_test_services(settings, clock)
        services.store.agencies.add(make_agency())
        made.append(services)
        return services

    yield make
    for services in made:
        services.close()


@contextmanager
def serving(services: Services, certificate: ReloadingCertificate | None = None) -> Iterator[str]:
    """The app on ``services`` served on a free local port while the block runs; its URL."""
    listening = Listening(bind("127.0.0.1", 0), certificate)
    server = uvicorn.Server(server_config(create_app(services), services.settings, certificate))
    with closing(listening), running(server, [listening.socket]):
        yield listening.url


def trusting(certificate: Path) -> ssl.SSLContext:
    """A client context that trusts ``certificate`` alone, as a browser told of the lab CA."""
    return ssl.create_default_context(cafile=str(certificate))


def client(url: str, certificate: Path | None = None) -> httpx.Client:
    verify: ssl.SSLContext | bool = True if certificate is None else trusting(certificate)
    return httpx.Client(base_url=url, verify=verify, timeout=30.0)


def served_fingerprint(url: str) -> str:
    """The SHA-256 fingerprint of the certificate a new connection to ``url`` is shown."""
    parts = urlsplit(url)
    look = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    look.check_hostname = False
    look.verify_mode = ssl.CERT_NONE  # only looked at, and compared with the file's
    with (
        socket.create_connection((parts.hostname, parts.port), timeout=10) as raw,
        look.wrap_socket(raw) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return hashlib.sha256(der).hexdigest()


def file_fingerprint(certificate: Path) -> str:
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(certificate.read_text())).hexdigest()
