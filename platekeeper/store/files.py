"""Files that hold plate data or keys are the owner's alone, from their first byte.

The data directory, the database with its write-ahead log, the image folder and the keys are
made 0700 (folders) and 0600 (files), whatever the process's umask; and every start checks
them, refusing a looser mode with the path, its mode and the ``chmod`` that fixes it. There is
no setting to relax this: a file others on the machine may read gives them every plate read
and every key, around the access log.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from platekeeper.errors import ConfigError

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
_OTHERS = stat.S_IRWXG | stat.S_IRWXO


class FilesNotPrivate(ConfigError):
    """A data file or folder others on the machine may read: refused, and a suspected breach
    (``incidents/findings.py`` notes it for the breach register)."""


def private_folder(path: Path) -> Path:
    """``path`` as a folder only its owner may enter: made 0700 with any missing parents, or
    checked if it is there already."""
    make_private_folders(path)
    require_private(path)
    return path


def make_private_folders(path: Path) -> None:
    """Make ``path`` and its missing parents, each 0700 (``mkdir -p`` would make the parents
    with the umask's mode). No check: the hot path of writing images calls it."""
    missing = []
    while not path.exists():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_FOLDER)
        except FileExistsError:
            continue  # another process made it meanwhile; the check after says if it is private
        os.chmod(folder, PRIVATE_FOLDER)  # mkdir's mode passes through the umask


def private_file(path: Path) -> Path:
    """``path`` as a file only its owner may read: made empty with mode 0600 if it is missing
    (so that whatever writes it next inherits that mode), or checked if it is there."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    require_private(path)
    return path


def require_private(path: Path) -> None:
    """Refuse ``path`` when anyone but its owner may read, write or enter it."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & _OTHERS:
        wanted = PRIVATE_FOLDER if path.is_dir() else PRIVATE_FILE
        raise FilesNotPrivate(
            f"{path} has mode {mode:04o}: it is readable or writable by others on this "
            f"machine; PlateKeeper keeps its data and keys to its own user ({wanted:04o})",
            hint=f"Run 'chmod {wanted:o} {path}' as the user that runs PlateKeeper, and check "
            "who may have copied it meanwhile.",
        )


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies in ``folder`` (both made absolute, links resolved)."""
    return path.resolve().is_relative_to(folder.resolve())
