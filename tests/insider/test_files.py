"""Attack 9: files readable by every local user. The database was 0644, the keys folder 0755,
and the image master key sat inside the data directory. Now every folder PlateKeeper makes is
0700 and every file 0600 from its first byte, whatever the umask; every start refuses a looser
mode, naming the path, its mode and the chmod; and a server is told when the image master key
lies in the data directory, with a setting to keep it elsewhere."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from platekeeper.config import Settings, load_settings
from platekeeper.domain import CameraKind
from platekeeper.errors import ConfigError
from platekeeper.services import Services
from platekeeper.store.factory import file_warnings
from platekeeper.store.images import ImageKind
from tests.access.conftest import jpeg
from tests.api import conftest as api
from tests.cli.test_cli import assert_user_error, run
from tests.conftest import NOW, FixedClock, build_test_services, make_agency, make_camera, make_read

# Settings on both databases, as the API tests have them.
backend_settings = api.backend_settings


@pytest.fixture(params=[0o022, 0o002, 0o000], ids=["umask-022", "umask-002", "umask-000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """The process's umask while the test runs: the modes must not depend on it."""
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def _used(settings: Settings) -> Services:
    """Services that wrote a read with an image, an access-log entry and a checkpoint."""
    services = build_test_services(settings, FixedClock())
    services.store.agencies.add(make_agency())
    camera, _ = make_camera("main-st-north", kind=CameraKind.FIXED)
    services.store.cameras.add(camera)
    crop = services.images.put(jpeg(), kind=ImageKind.CROP, captured_at=NOW)
    read = make_read(0, plate_text="7ABC123", captured_at=NOW - timedelta(minutes=1))
    services.store.reads.add([replace(read, crop_ref=crop)])
    services.access_log.checkpoint()
    return services


def _modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def test_everything_written_is_the_owners_alone_whatever_the_umask(
    backend_settings: Settings, umask: int
) -> None:
    services = _used(backend_settings)
    try:
        modes = _modes(backend_settings.data_dir)
    finally:
        services.close()
    loose = {path: f"{mode:04o}" for path, mode in modes.items() if mode & 0o077}
    assert loose == {}
    assert "keys/images.master-key" in modes
    assert "keys/access-log.ed25519" in modes
    assert any(path.startswith("images/") and path.endswith(".jpg") for path in modes)
    if backend_settings.store.type == "sqlite":
        assert {"platekeeper.sqlite3", "platekeeper.sqlite3-wal"} <= set(modes)


LOOSE = [
    (".", 0o755),
    (".", 0o750),
    ("platekeeper.sqlite3", 0o644),
    ("platekeeper.sqlite3", 0o640),
    ("platekeeper.sqlite3-wal", 0o644),
    ("platekeeper.sqlite3-shm", 0o604),
    ("keys", 0o755),
    ("keys/images.master-key", 0o644),
    ("keys/access-log.ed25519", 0o640),
    ("images", 0o755),
]


@pytest.mark.parametrize(("relative", "mode"), LOOSE)
def test_a_start_refuses_a_loose_mode_naming_the_path_its_mode_and_the_chmod(
    settings: Settings, relative: str, mode: int
) -> None:
    _used(settings).close()
    path = settings.data_dir / relative
    if not path.exists():  # the write-ahead files go at a clean close; an older run's may stay
        path.touch(mode=0o600)
    os.chmod(path, mode)
    with pytest.raises(ConfigError) as refused:
        build_test_services(settings, FixedClock()).close()
    wanted = "700" if path.is_dir() else "600"
    assert str(path) in refused.value.message
    assert f"{mode:04o}" in refused.value.message
    assert f"chmod {wanted} {path}" in (refused.value.hint or "")


def test_a_command_that_opens_the_store_refuses_too(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert run(data_dir, "db", "upgrade").returncode == 0
    os.chmod(data_dir / "platekeeper.sqlite3", 0o644)
    assert_user_error(run(data_dir, "db", "status"), "0644", "chmod 600")


def test_the_image_master_key_can_live_outside_the_data_directory(tmp_path: Path) -> None:
    inside = load_settings(data_dir=tmp_path / "data")
    [warning] = file_warnings(inside)
    assert str(inside.image_master_key_path) in warning
    assert "images.master_key_path" in warning
    key = tmp_path / "etc" / "platekeeper" / "images.master-key"
    outside = load_settings(data_dir=tmp_path / "data", images={"master_key_path": key})
    assert file_warnings(outside) == []
    _used(outside).close()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert not (outside.data_dir / "keys" / "images.master-key").exists()
    from_env = load_settings(data_dir=tmp_path / "data", images={"master_key_env": "PK_KEY"})
    assert file_warnings(from_env) == []
