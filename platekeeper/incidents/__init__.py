"""Incidents and requests about the data rather than of it: security incidents (breaches,
Civil Code 1798.82), the register of public-records (CPRA) requests, and corrections of misreads.
Each step is decided by the access gate and written to the access log."""

from platekeeper.incidents.breaches import BreachDesk, Findings
from platekeeper.incidents.corrections import CorrectionDesk
from platekeeper.incidents.findings import noting_files_not_private, raise_noted
from platekeeper.incidents.records import RecordsRegister

__all__ = [
    "BreachDesk",
    "CorrectionDesk",
    "Findings",
    "RecordsRegister",
    "noting_files_not_private",
    "raise_noted",
]
