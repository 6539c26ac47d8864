"""The access log: a hash chain of every access, signed checkpoints, verification and misuse
signals (docs/access-log.md)."""

from platekeeper.audit.checkpointer import PeriodicCheckpointer
from platekeeper.audit.log import AccessLog, open_access_log
from platekeeper.audit.signals import MisuseSignal, SignalKind
from platekeeper.audit.verify import Problem, ProblemKind, VerificationReport

__all__ = [
    "AccessLog",
    "MisuseSignal",
    "PeriodicCheckpointer",
    "Problem",
    "ProblemKind",
    "SignalKind",
    "VerificationReport",
    "open_access_log",
]
