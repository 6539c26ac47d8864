"""``platekeeper camera source ID --image-user U --image-password-stdin``: a custodian sets the
credentials for a camera's images by URL; the password is sealed, never shown nor logged, and
the other source settings are kept."""

from __future__ import annotations

from pathlib import Path

from platekeeper.accounts.sealing import load_secret_seal
from platekeeper.config import load_settings
from platekeeper.domain.people import Role
from platekeeper.services import build_services
from tests.cli.console import add_people, run_as
from tests.cli.test_cli import assert_user_error, run

_PASSWORD = "made-up-camera-image-password"


def _registered(data_dir: Path) -> None:
    run(data_dir, "db", "upgrade")
    run(data_dir, "agency", "add", "sac-pd", "--name", "Sacramento PD", "--state", "ca")
    add_people(data_dir, ("casey", "sac-pd", Role.CUSTODIAN))
    added = run_as(
        data_dir, "casey", "camera", "add", "j-st", "--name", "J St",
        "--latitude", "38.58", "--longitude", "-121.49",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr


def test_a_custodian_sets_image_credentials_sealed_and_keeps_the_other_settings(
    tmp_path: Path,
) -> None:
    _registered(tmp_path)
    zone = run_as(tmp_path, "casey", "camera", "source", "j-st", "--time-zone", "Europe/Prague")
    assert zone.returncode == 0, zone.stderr

    result = run_as(
        tmp_path, "casey", "camera", "source", "j-st", "--image-base-url", "http://10.1.2.3",
        "--image-user", "viewer", "--image-password-stdin", stdin=_PASSWORD + "\n",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "user viewer (password sealed)" in result.stdout
    assert "Europe/Prague" in result.stdout
    assert _PASSWORD not in result.stdout + result.stderr
    settings = load_settings(data_dir=tmp_path)
    services = build_services(settings)
    try:
        source = services.store.image_fetches.source("j-st")
        log = [str(record.event) for record in services.store.access_log.scan(0, 1000)]
        assert services.sources.settings("j-st").time_zone == "Europe/Prague"
    finally:
        services.close()
    assert (source.base_url, source.username) == ("http://10.1.2.3", "viewer")
    assert source.sealed_password is not None
    assert _PASSWORD not in source.sealed_password
    seal = load_secret_seal(settings.second_factor_key_path)
    assert seal.open(source.sealed_password, "camera:j-st", "image-password") == _PASSWORD
    assert any("user viewer, password sealed" in event for event in log)
    assert not any(_PASSWORD in event for event in log)
    forgot = run_as(tmp_path, "casey", "camera", "source", "j-st", "--no-image-credentials")
    assert forgot.returncode == 0, forgot.stderr
    assert "image base URL http://10.1.2.3, image credentials none" in forgot.stdout


def test_a_user_without_a_password_or_a_bad_base_url_is_refused(tmp_path: Path) -> None:
    _registered(tmp_path)

    no_password = run_as(tmp_path, "casey", "camera", "source", "j-st", "--image-user", "v")
    bad_url = run_as(
        tmp_path, "casey", "camera", "source", "j-st", "--image-base-url", "ftp://10.1.2.3"
    )

    assert_user_error(no_password, "--image-user needs its password", "--image-password-stdin")
    assert_user_error(bad_url, "not an http or https URL")
