"""ONNX Runtime sessions, each model loaded once per process and never downloaded."""

from __future__ import annotations

import functools
from pathlib import Path

import onnxruntime as ort

from platekeeper.errors import InvalidInput

_CPU = "CPUExecutionProvider"


def _options(threads: int) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # Idle worker threads sleep instead of spinning: the engine shares its cores with the web
    # server, the database and other workers, and with any of them busy a spinning thread
    # waits on a core someone else holds (2 threads took 1.7x one thread's time under load).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise InvalidInput(
            f"recognition model {path} does not exist",
            hint="Set recognition.*_path to an ONNX file on this machine; models are never "
            "downloaded.",
        )


@functools.cache
def session(path: Path, threads: int) -> ort.InferenceSession:
    """The session for the model file at ``path``; ``threads`` 0 lets the runtime choose."""
    _require_file(path)
    try:
        return ort.InferenceSession(str(path), _options(threads), providers=[_CPU])
    except Exception as exc:  # the runtime's own errors say what is wrong with the file
        raise InvalidInput(f"recognition model {path} cannot be loaded: {exc}") from None
