"""The start-up file-permission check as a detection: a refusal becomes a suspected breach.

When a data file or folder is readable by others, PlateKeeper refuses to open it
(``store/files.py``), so the incident cannot go into the database then. The refusal is noted in
a small file of the data folder (mode 0600, the paths and modes only), and the first start
after the modes are fixed raises the incident: others may have copied the data meanwhile.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from platekeeper.domain.breaches import Incident
from platekeeper.incidents.breaches import BreachDesk, Findings
from platekeeper.store.files import PRIVATE_FILE, FilesNotPrivate

log = logging.getLogger(__name__)

NOTED = "incident-findings.txt"
"""The file, in the data folder, of refusals not yet in the breach register."""


@contextmanager
def noting_files_not_private(data_dir: Path) -> Iterator[None]:
    """Run the block; a ``FilesNotPrivate`` it raises is noted for the register, then raised."""
    try:
        yield
    except FilesNotPrivate as refused:
        note(data_dir, refused.message)
        raise


def note(data_dir: Path, problem: str) -> None:
    path = data_dir / NOTED
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
        with os.fdopen(descriptor, "a", encoding="utf-8") as noted:
            noted.write(" ".join(problem.split()) + "\n")
    except OSError as exc:  # the refusal itself still stops the start
        log.error("could not note the file-permission finding in %s: %s", path, exc.strerror)


def raise_noted(desk: BreachDesk, data_dir: Path) -> list[Incident]:
    """Raise a suspected breach for the refusals noted since the last start; forget them."""
    path = data_dir / NOTED
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    problems = list(dict.fromkeys(line for line in lines if line.strip()))
    raised = desk.detect(Findings(permissions_problem="; ".join(problems))) if problems else []
    path.unlink(missing_ok=True)
    return raised
