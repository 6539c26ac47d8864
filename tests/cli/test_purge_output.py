"""``platekeeper purge`` prints whole timestamps, whatever the width of what it is written to."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from platekeeper.config import load_settings
from platekeeper.services import build_services
from tests.cli.test_cli import run
from tests.conftest import make_agency, make_camera, make_read
from tests.policy.samples import write_complete_policy

ISO_TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"


def test_a_dry_run_piped_at_80_columns_shows_every_timestamp_whole(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    write_complete_policy(tmp_path)
    services = build_services(load_settings(data_dir=tmp_path))
    try:
        services.store.agencies.add(make_agency())
        camera, _ = make_camera()
        services.store.cameras.add(camera)
        long_ago = datetime.now(UTC) - timedelta(days=60)
        services.store.reads.add(
            [make_read(index, captured_at=long_ago + timedelta(hours=index)) for index in range(3)]
        )
    finally:
        services.close()
    for columns in (None, "80"):
        result = run(tmp_path, "purge", "--dry-run", columns=columns)
        assert result.returncode == 0, result.stderr
        assert "…" not in result.stdout
        [line] = [line for line in result.stdout.splitlines() if "non-hit-reads" in line]
        assert "3 reads and 0 images would be deleted" in line
        assert len(re.findall(ISO_TIME, line)) == 3  # the cutoff, the oldest, the newest
