"""The README's "Using PlateKeeper" steps, run as written on an empty data directory, reach a
served sign-in page.

The commands are read from the README itself, so that a step that stops working, or steps put
in an order that does not work, fail here. Two things a person does by hand are done the same way
here: typing the first custodian's password (given on standard input), and filling in what
``policy check`` lists as missing in ``policy.toml``.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tests.cli.console import run_as
from tests.ports import free_port

ROOT = Path(__file__).parents[2]
PASSWORD = "Readme-Steps-Custodian-2026!"


def readme_steps() -> list[list[str]]:
    """The first shell block of "Using PlateKeeper", one argument list per command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using PlateKeeper", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "'Using PlateKeeper' has no shell block"
    joined = block.group(1).replace("\\\n", " ")
    return [shlex.split(line, comments=True) for line in joined.splitlines() if line.strip()]


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATEKEEPER_")}
    env["PLATEKEEPER_DATA_DIR"] = str(data_dir)
    env["COLUMNS"] = "200"
    return env


def run_step(data_dir: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    stdin = ""
    if args[1:3] == ["user", "add"]:
        stdin = PASSWORD + "\n"
        args = [*args, "--password-stdin"]
        # Training counts for a limited time: the README's date, moved to today.
        at = args.index("--training-completed") + 1
        args[at] = datetime.now(UTC).date().isoformat()
    return run_as(data_dir, None, *args[1:], password=None, stdin=stdin)


def fill_in(policy: Path) -> None:
    """What the agency writes where ``policy init`` left a TODO."""
    text = policy.read_text(encoding="utf-8")
    titles = {
        "officer": "Police Officer",
        "analyst": "Crime Analyst",
        "supervisor": "Sergeant",
        "auditor": "Professional Standards Investigator",
    }
    for role, title in titles.items():
        text = text.replace(
            f'role = "{role}"\njob_titles = ["TODO"]', f'role = "{role}"\njob_titles = ["{title}"]'
        )
    text = text.replace(
        '"TODO: the course and who gives it"', '"ALPR use and privacy, by the Training Unit"'
    )
    text = text.replace('body = "TODO: e.g. City Council"', 'body = "Sacramento City Council"')
    text = text.replace("# TODO: the meeting's date, e.g. date = 2026-01-13", "date = 2026-01-13")
    text = text.replace('minutes_url = "TODO"', 'minutes_url = "https://example.org/minutes"')
    policy.write_text(text, encoding="utf-8")


def test_the_readme_steps_in_order_reach_a_served_sign_in_page(tmp_path: Path) -> None:
    data_dir = tmp_path / "platekeeper-data"
    env = environment(data_dir)
    steps = readme_steps()
    assert [args[0] for args in steps] == ["platekeeper"] * len(steps)
    assert [args[1] for args in steps][-3:] == ["policy", "policy", "serve"]
    *setup, check, serve = steps
    for args in setup:
        result = run_step(data_dir, args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)

    policy = data_dir / "policy.toml"
    written = policy.read_text(encoding="utf-8")
    assert 'name = "Sacramento Police Department"' in written  # from 'agency add'
    assert 'job_titles = ["Records Custodian"]' in written  # Cora's title, from 'user add'
    assert 'custodian_title = "Records Custodian"' in written
    first = run_step(data_dir, check)
    assert first.returncode == 1
    findings = re.search(r"incomplete: (\d+) findings", first.stdout)
    assert findings is not None, first.stdout
    assert int(findings.group(1)) <= 12  # "about a dozen", each the agency's own to say
    assert "agency.name" not in first.stdout
    assert "retention" not in first.stdout

    fill_in(policy)
    second = run_step(data_dir, check)
    assert second.returncode == 0, second.stdout

    port = free_port()
    with subprocess.Popen(
        [sys.executable, "-m", "platekeeper", *serve[1:], "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as server:
        try:
            page = wait_for(f"http://127.0.0.1:{port}/login", server)
            assert page.status_code == 200
            assert "Sign in" in page.text
        finally:
            server.terminate()
            server.wait(timeout=30)


def wait_for(url: str, server: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = server.stdout.read() if server.stdout else ""
            raise AssertionError(f"serve stopped ({server.returncode}): {output}")
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError(f"nothing answered at {url}")
