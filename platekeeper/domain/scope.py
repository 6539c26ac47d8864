"""One agency, one world: what a caller may see of the records of several agencies.

A store may hold the records of several agencies (a county's server shared by its cities). A
person sees, finds and changes only their own agency's: its reads, hits, hot lists, holds,
shares, approvals, accounts, cameras, its part of the access log and its reports. The rule is
decided here, once, from the person acting; every service applies it by taking an
``AgencyScope`` from its caller and handing the store the agency it names, so a query without
an agency is never written for a person.

Another agency's record is reported exactly as a record that does not exist (``NotFound`` with
the same words), so that a refusal does not tell whether it exists elsewhere.

The one scope without an agency is the server's console (``whole_system``): whoever runs it can
read the database itself, so the console hides nothing from them (docs/threat-model.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from platekeeper.errors import NotFound

T = TypeVar("T")


class HasAgency(Protocol):
    @property
    def agency_id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class AgencyScope:
    """The agency whose records a caller sees; ``agency_id`` None for the console only."""

    agency_id: str | None

    @classmethod
    def of(cls, acting: HasAgency) -> AgencyScope:
        """The scope of a person (an ``Actor``, an ``Account``): their own agency."""
        return cls(acting.agency_id)

    @classmethod
    def whole_system(cls) -> AgencyScope:
        """The console's scope: every agency's records."""
        return cls(None)

    def admits(self, agency_id: str | None) -> bool:
        """Whether a record of ``agency_id`` lies in this scope (None: owned by no agency)."""
        return self.agency_id is None or agency_id == self.agency_id

    def keep(self, records: Iterable[T], agency_of: Callable[[T], str]) -> list[T]:
        """The records of ``records`` that lie in this scope, in their order."""
        return [record for record in records if self.admits(agency_of(record))]

    def own(self, record: T | None, agency_of: Callable[[T], str], missing: str) -> T:
        """``record`` if it exists and lies in this scope, else ``NotFound(missing)``: another
        agency's record and no record read the same."""
        if record is None or not self.admits(agency_of(record)):
            raise NotFound(missing, hint="Check the id; only your agency's records are shown.")
        return record

    def missing(self, ids: Iterable[str], agency_of: Callable[[str], str | None]) -> list[str]:
        """The ids among ``ids`` that name no record of this scope (``agency_of`` gives None
        for an id naming no record at all)."""
        found = [(record_id, agency_of(record_id)) for record_id in ids]
        return [rid for rid, agency in found if agency is None or not self.admits(agency)]
