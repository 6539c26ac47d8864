"""``platekeeper edge run``'s user errors: one line, what was wrong and what to do, exit 2."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.cli.test_cli import assert_user_error, run


def edge_run(tmp_path: Path, key_file: Path, source: Path) -> subprocess.CompletedProcess[str]:
    return run(
        tmp_path / "home",
        "edge",
        "run",
        "--server",
        "http://127.0.0.1:9",
        "--camera-key-file",
        str(key_file),
        "--source",
        str(source),
        "--data",
        str(tmp_path / "queue"),
        "--page-port",
        "0",
    )


def test_a_missing_key_file_is_a_user_error(tmp_path: Path) -> None:
    result = edge_run(tmp_path, tmp_path / "absent.key", tmp_path)
    assert_user_error(result, "cannot read the camera key file", "absent.key")


def test_a_source_that_is_no_folder_stream_or_device_is_a_user_error(tmp_path: Path) -> None:
    key = tmp_path / "camera.key"
    key.write_text("pkc_anything")
    result = edge_run(tmp_path, key, tmp_path / "nowhere")
    assert_user_error(result, "neither a folder, a stream URL nor a /dev/video device")
