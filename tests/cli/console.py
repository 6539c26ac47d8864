"""People who sign in at the console in the command tests: made in the data directory's own
database, each with their test authenticator, then named to a command through
PLATEKEEPER_CONSOLE_USER, _PASSWORD and _CODE (a fresh code of the authenticator)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from platekeeper.config import load_settings
from platekeeper.domain.people import Role
from platekeeper.services import build_services
from tests.accounts.conftest import PASSWORD, add_person
from tests.factors import console_code, enrol_for_console


def add_people(data_dir: Path, *people: tuple[str, str, Role]) -> None:
    """Accounts (username, agency, role) in ``data_dir``'s database, each with ``PASSWORD``,
    trained today: the commands run at the real date, and training lapses."""
    services = build_services(load_settings(data_dir=data_dir))
    today = services.clock.now().date()
    try:
        for username, agency, role in people:
            account = add_person(
                services.accounts, username, role, agency_id=agency, trained_on=today
            )
            enrol_for_console(services.second_factors, account, str(data_dir))
    finally:
        services.close()


def run_as(
    data_dir: Path,
    username: str | None,
    *args: str,
    password: str | None = PASSWORD,
    stdin: str = "",
    code: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``platekeeper ARGS`` signed in as ``username`` (None: nobody) with ``password`` and
    ``code``, or a fresh code of their test authenticator."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATEKEEPER_")}
    env["PLATEKEEPER_DATA_DIR"] = str(data_dir)
    env["COLUMNS"] = "200"
    if username is not None:
        env["PLATEKEEPER_CONSOLE_USER"] = username
    if password is not None:
        env["PLATEKEEPER_CONSOLE_PASSWORD"] = password
    if username is not None:
        env["PLATEKEEPER_CONSOLE_CODE"] = code or console_code(str(data_dir), username)
    return subprocess.run(
        [sys.executable, "-m", "platekeeper", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
