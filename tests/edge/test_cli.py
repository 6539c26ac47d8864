"""``platekeeper edge run``'s user errors: one line, what was wrong and what to do, exit 2."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import assert_user_error, run


def test_a_missing_key_file_is_a_user_error(tmp_path: Path) -> None:
    result = run(
        tmp_path / "home",
        "edge",
        "run",
        "--server",
        "http://127.0.0.1:9",
        "--camera-key-file",
        str(tmp_path / "absent.key"),
        "--source",
        str(tmp_path),
        "--data",
        str(tmp_path / "queue"),
    )
    assert_user_error(result, "cannot read the camera key file", "absent.key")


def test_a_source_that_is_no_folder_stream_or_device_is_a_user_error(tmp_path: Path) -> None:
    key = tmp_path / "camera.key"
    key.write_text("pkc_anything")
    result = run(
        tmp_path / "home",
        "edge",
        "run",
        "--server",
        "http://127.0.0.1:9",
        "--camera-key-file",
        str(key),
        "--source",
        str(tmp_path / "nowhere"),
        "--data",
        str(tmp_path / "queue"),
        "--page-port",
        "0",
    )
    assert_user_error(result, "neither a folder, a stream URL nor a /dev/video device")
