"""HTTPS as ``serve`` serves it: the lab certificate, TLS 1.2 at least, HSTS over HTTPS only,
Secure cookies, and a renewed certificate taken up without a restart."""

from __future__ import annotations

import logging
import shutil
import socket
import ssl
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from platekeeper.domain.people import Role
from platekeeper.http.tls import CertificateFiles, CertificateUnusable, ReloadingCertificate
from tests.api.people import PASSWORD, Person, add_person
from tests.tls.conftest import (
    ServicesOn,
    client,
    file_fingerprint,
    make_lab_certificate,
    served_fingerprint,
    serving,
    settings_with,
)

RELOAD_WAIT_S = 10.0


def test_https_is_served_with_the_lab_certificate_and_hsts(
    tmp_path: Path, lab: CertificateFiles, make_services: ServicesOn
) -> None:
    services = make_services(settings_with(tmp_path))
    with serving(services, ReloadingCertificate(lab, 60)) as url:
        assert url.startswith("https://127.0.0.1:")
        with client(url, lab.certificate) as https:
            answer = https.get("/api/v1/health")
            page = https.get("/login")
        assert served_fingerprint(url) == file_fingerprint(lab.certificate)
    assert answer.status_code == 200
    assert answer.headers["strict-transport-security"] == "max-age=31536000"
    assert page.headers["strict-transport-security"] == "max-age=31536000"


def test_a_client_that_does_not_trust_the_certificate_is_not_answered(
    tmp_path: Path, lab: CertificateFiles, make_services: ServicesOn
) -> None:
    services = make_services(settings_with(tmp_path))
    stranger = make_lab_certificate(tmp_path / "stranger")
    with (
        serving(services, ReloadingCertificate(lab, 60)) as url,
        client(url, stranger.certificate) as https,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        https.get("/api/v1/health")


def test_plain_http_carries_no_hsts(tmp_path: Path, make_services: ServicesOn) -> None:
    services = make_services(settings_with(tmp_path))
    with serving(services) as url, client(url) as plain:
        assert url.startswith("http://")
        answer = plain.get("/api/v1/health")
        page = plain.get("/login")
    assert answer.status_code == page.status_code == 200
    assert "strict-transport-security" not in answer.headers
    assert "strict-transport-security" not in page.headers


def _client_speaking(version: ssl.TLSVersion, certificate: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(certificate)
    context.set_ciphers("DEFAULT:@SECLEVEL=0")  # let this client speak TLS 1.1 at all
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLSv1_1 is, which is the point
        context.minimum_version = context.maximum_version = version
    return context


def _handshake(url: str, context: ssl.SSLContext) -> str | None:
    parts = urlsplit(url)
    with (
        socket.create_connection((parts.hostname, parts.port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        return tls.version()


def test_tls_older_than_1_2_is_refused(
    tmp_path: Path, lab: CertificateFiles, make_services: ServicesOn
) -> None:
    services = make_services(settings_with(tmp_path))
    with serving(services, ReloadingCertificate(lab, 60)) as url:
        old = _client_speaking(ssl.TLSVersion.TLSv1_1, lab.certificate)
        with pytest.raises(ssl.SSLError) as refused:
            _handshake(url, old)
        # The same client, but for the version, is answered.
        spoken = _handshake(url, _client_speaking(ssl.TLSVersion.TLSv1_2, lab.certificate))
    assert refused.value.reason in {"TLSV1_ALERT_PROTOCOL_VERSION", "UNEXPECTED_EOF_WHILE_READING"}
    assert spoken == "TLSv1.2"


def _sign_in(client: httpx.Client, person: Person) -> httpx.Response:
    """Both steps of signing in: the password, then a code; the answer to the second, which
    sets the session cookie."""
    login = {"username": person.account.username, "password": PASSWORD}
    password_step = client.post("/api/v1/auth/login", json=login)
    assert password_step.status_code == 200, password_step.text
    assert "set-cookie" not in password_step.headers, "no session before the second factor"
    second = {"pending_token": password_step.json()["pending_token"], "code": person.code()}
    return client.post("/api/v1/auth/second-factor", json=second)


def test_over_https_the_session_cookie_is_secure_whatever_the_setting(
    tmp_path: Path, lab: CertificateFiles, make_services: ServicesOn
) -> None:
    """``accounts.cookie_secure = false`` exists for plain-HTTP tests; a session begun over
    HTTPS is still never sent back over plain HTTP."""
    services = make_services(settings_with(tmp_path, accounts={"cookie_secure": False}))
    sam = add_person(services, "sam", Role.SUPERVISOR)
    with (
        serving(services, ReloadingCertificate(lab, 60)) as url,
        client(url, lab.certificate) as https,
    ):
        encrypted = _sign_in(https, sam)
    with serving(services) as url, client(url) as plain:
        unencrypted = _sign_in(plain, sam)
    assert encrypted.status_code == unencrypted.status_code == 200, encrypted.text
    cookie = [part.strip().lower() for part in encrypted.headers["set-cookie"].split(";")]
    assert cookie[0].startswith("pk_session="), "the session cookie, set by the second step"
    assert "secure" in cookie
    assert cookie.count("secure") == 1
    plain_cookie = [p.strip().lower() for p in unencrypted.headers["set-cookie"].split(";")]
    assert "secure" not in plain_cookie, "the setting still holds where there is no TLS"


def _wait_for_fingerprint(url: str, wanted: str) -> str:
    deadline = time.monotonic() + RELOAD_WAIT_S
    seen = served_fingerprint(url)
    while seen != wanted and time.monotonic() < deadline:
        time.sleep(0.1)
        seen = served_fingerprint(url)
    return seen


def test_a_renewed_certificate_is_served_to_new_connections_without_a_restart(
    tmp_path: Path, lab: CertificateFiles, make_services: ServicesOn
) -> None:
    services = make_services(settings_with(tmp_path))
    certificate = ReloadingCertificate(lab, interval_s=0.2)
    certificate.start()
    first = file_fingerprint(lab.certificate)
    try:
        with serving(services, certificate) as url:
            assert served_fingerprint(url) == first
            make_lab_certificate(lab.certificate.parent, "--replace")
            renewed = file_fingerprint(lab.certificate)
            assert renewed != first
            assert _wait_for_fingerprint(url, renewed) == renewed
            with client(url, lab.certificate) as https:  # trusted by the new certificate alone
                assert https.get("/api/v1/health").status_code == 200
    finally:
        certificate.stop()


def test_a_bad_new_pair_is_logged_and_the_old_certificate_kept(
    tmp_path: Path,
    lab: CertificateFiles,
    make_services: ServicesOn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    services = make_services(settings_with(tmp_path))
    other = make_lab_certificate(tmp_path / "other")
    good = file_fingerprint(lab.certificate)
    kept = shutil.copyfile(lab.certificate, tmp_path / "kept.pem")
    certificate = ReloadingCertificate(lab, interval_s=0.2)
    certificate.start()
    try:
        with serving(services, certificate) as url, caplog.at_level(logging.WARNING):
            shutil.copyfile(other.certificate, lab.certificate)  # its key stays the old one
            deadline = time.monotonic() + RELOAD_WAIT_S
            while "keeps the certificate it had" not in caplog.text:
                assert time.monotonic() < deadline, "the watcher never looked"
                time.sleep(0.1)
            assert served_fingerprint(url) == good
            lab.certificate.write_text("not a certificate\n")
            time.sleep(0.6)
            assert served_fingerprint(url) == good
            with client(url, kept) as https:  # still the first certificate, whole
                assert https.get("/api/v1/health").status_code == 200
    finally:
        certificate.stop()


def test_a_certificate_that_does_not_load_stops_the_start(
    tmp_path: Path, lab: CertificateFiles
) -> None:
    other = make_lab_certificate(tmp_path / "other")
    for files in (
        CertificateFiles(lab.certificate, other.key),
        CertificateFiles(lab.certificate, tmp_path / "missing.pem"),
        CertificateFiles(lab.key, lab.key),
    ):
        with pytest.raises(CertificateUnusable, match="do not load"):
            ReloadingCertificate(files, 60)
