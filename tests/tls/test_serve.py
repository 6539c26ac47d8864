"""``platekeeper serve`` and ``platekeeper tls self-signed`` run as an operator runs them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509

from platekeeper.cli.serve import PlainHttpRefused, is_loopback, require_encryption
from platekeeper.config import ServerSettings
from tests.cli.test_cli import assert_user_error, first_answer, run
from tests.policy.samples import write_complete_policy
from tests.ports import free_port
from tests.tls.conftest import file_fingerprint, served_fingerprint, trusting


def test_serve_refuses_plain_http_beyond_loopback(tmp_path: Path) -> None:
    refused = run(tmp_path, "serve", "--host", "0.0.0.0")
    assert_user_error(refused, "will not serve plain HTTP", "--tls-certificate", "behind_proxy")
    assert not (tmp_path / "platekeeper.sqlite3").exists()


def test_demo_refuses_plain_http_beyond_loopback_before_seeding(tmp_path: Path) -> None:
    refused = run(tmp_path, "demo", "--host", "0.0.0.0", "--reads", "5")
    assert_user_error(refused, "will not serve plain HTTP")
    assert "pkc_" not in refused.stdout
    assert not (tmp_path / "platekeeper.sqlite3").exists()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_may_serve_plain_http(host: str) -> None:
    assert is_loopback(host)
    require_encryption(ServerSettings(host=host))


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "10.1.2.3", "no-such-host.invalid"])
def test_anything_else_needs_a_certificate_or_a_named_proxy(host: str, tmp_path: Path) -> None:
    assert not is_loopback(host)
    with pytest.raises(PlainHttpRefused):
        require_encryption(ServerSettings(host=host))
    require_encryption(ServerSettings(host=host, behind_proxy=("10.0.0.5",)))
    files = {"tls_certificate": tmp_path / "c.pem", "tls_key": tmp_path / "k.pem"}
    require_encryption(ServerSettings(host=host, **files))


def test_serve_refuses_half_a_certificate_and_one_that_does_not_load(tmp_path: Path) -> None:
    only = run(tmp_path, "serve", "--tls-certificate", str(tmp_path / "c.pem"))
    assert_user_error(only, "--tls-certificate and --tls-key go together")
    made = run(tmp_path, "tls", "self-signed", "--host", "lab.example", "--out", str(tmp_path))
    assert made.returncode == 0, made.stderr
    swapped = (
        "--tls-certificate",
        str(tmp_path / "key.pem"),
        "--tls-key",
        str(tmp_path / "key.pem"),
    )
    assert_user_error(run(tmp_path, "serve", *swapped), "do not load")


def test_tls_self_signed_writes_a_lab_pair_for_the_names_and_loopback(tmp_path: Path) -> None:
    out = tmp_path / "lab"
    made = run(
        tmp_path,
        "tls",
        "self-signed",
        "--host",
        "alpr.lab.example",
        "--host",
        "10.1.2.3",
        "--out",
        str(out),
    )
    assert made.returncode == 0, made.stderr
    assert "For a lab only" in made.stdout
    certificate = x509.load_pem_x509_certificate((out / "certificate.pem").read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(names.get_values_for_type(x509.DNSName)) == {"alpr.lab.example", "localhost"}
    assert {str(ip) for ip in names.get_values_for_type(x509.IPAddress)} == {
        "10.1.2.3",
        "127.0.0.1",
        "::1",
    }
    assert stat.S_IMODE(os.stat(out / "key.pem").st_mode) == 0o600
    fingerprint = file_fingerprint(out / "certificate.pem").upper()
    assert ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)) in made.stdout
    again = run(tmp_path, "tls", "self-signed", "--host", "x.example", "--out", str(out))
    assert_user_error(again, "already exist", "--replace")
    assert file_fingerprint(out / "certificate.pem").upper() == fingerprint, "nothing overwritten"


def _serve(data_dir: Path, port: int, lab: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATEKEEPER_")}
    env |= {"PLATEKEEPER_DATA_DIR": str(data_dir), "PLATEKEEPER_SERVER__TLS_RELOAD_INTERVAL_S": "1"}
    certificate = (
        "--tls-certificate",
        str(lab / "certificate.pem"),
        "--tls-key",
        str(lab / "key.pem"),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "platekeeper", "serve", "--port", str(port), *certificate],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_serve_over_https_takes_up_a_renewed_certificate(tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    run(tmp_path, "db", "upgrade")
    write_complete_policy(tmp_path)
    assert (
        run(tmp_path, "tls", "self-signed", "--host", "lab.example", "--out", str(lab)).returncode
        == 0
    )
    port = free_port()
    url = f"https://127.0.0.1:{port}"
    process = _serve(tmp_path, port, lab)
    try:
        with httpx.Client(verify=trusting(lab / "certificate.pem")) as https:
            health = first_answer(process, lambda: https.get(f"{url}/api/v1/health"))
        assert health.headers["strict-transport-security"].startswith("max-age=")
        renewed = run(
            tmp_path, "tls", "self-signed", "--host", "lab.example", "--out", str(lab), "--replace"
        )
        assert renewed.returncode == 0, renewed.stderr
        wanted = file_fingerprint(lab / "certificate.pem")
        deadline = time.monotonic() + 15
        while served_fingerprint(url) != wanted:
            assert time.monotonic() < deadline, "the renewed certificate was not taken up"
            time.sleep(0.2)
        assert process.poll() is None, "no restart"
    finally:
        process.terminate()
        stdout, stderr = process.communicate(timeout=30)
    assert f"serving on {url}" in stdout
    assert "new TLS certificate loaded" in stderr
