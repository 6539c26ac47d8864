"""Which records of a hot-list feed the law or the policy keeps out of the agency's lists.

A feed can carry records of several files in one: an NCIC extract holds the Stolen Vehicle File
beside the Immigration Violator File. The list may be lawful while some of its records are not:
California forbids helping immigration enforcement (Gov. Code 7284.6), so a California agency
loads none of the Immigration Violator File's records. A record is excluded when

- its source file is one the policy file or a profile names (``[hotlists]
  exclude_source_files``; a profile's forbidden category lists ``hotlist_files``), compared as
  words so that 'NCIC Immigration Violator File' holds 'Immigration Violator File';
- its message key (MKE) is one the policy file names (``exclude_message_keys``);
- its source file or message key points at a category a profile forbids, read with the same
  vocabulary as purposes and case numbers (``purpose_words``): 'IMMIGRATION VIOLATOR',
  'DEPORTED FELON'.

An excluded record is never stored, so it never raises a hit; what was excluded is counted, by
file and rule, for the compliance report and the transparency page (counts, never plates).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from platekeeper.domain.hotlists import EntryRecord
from platekeeper.domain.purpose_words import points_at
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.domain.time import require_utc


def folded(name: str) -> str:
    """``name`` as compared: lower case, no accents, runs of anything but letters and digits
    one space ('Immigration-Violator  FILE' is 'immigration violator file')."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", plain))


@dataclass(frozen=True, slots=True)
class ExclusionRules:
    """What keeps a record out, each with the rule that says so (its law or the policy)."""

    source_files: Mapping[str, str] = field(default_factory=dict)
    """A file's name (as ``folded`` gives it) to its rule."""
    message_keys: Mapping[str, str] = field(default_factory=dict)
    """A message key in upper case to its rule."""
    forbidden: Mapping[PurposeCategory, str] = field(default_factory=dict)
    """Each category a profile forbids, with the law."""
    policy_sha256: str | None = None
    """The SHA-256 of the policy file in force, recorded with every exclusion."""

    def why_excluded(self, record: EntryRecord) -> str | None:
        """The rule that keeps ``record`` out, or None when it may be loaded."""
        source = folded(record.source_file or "")
        if source:
            padded = f" {source} "
            for name, rule in self.source_files.items():
                if f" {name} " in padded:
                    return rule
        key = (record.message_key or "").strip().upper()
        if key in self.message_keys:
            return self.message_keys[key]
        for text in (record.source_file, record.message_key):
            found = points_at(text or "", self.forbidden)
            if found is not None:
                category = PurposeCategory(found[0])
                return f"{category.value}, forbidden by {self.forbidden[category]}"
        return None


NO_EXCLUSIONS = ExclusionRules()


@dataclass(frozen=True, slots=True)
class HotlistExclusion:
    """Entries of one source file and message key that one rule kept out of a list, at one
    import or refresh: the record the reports count."""

    id: str
    list_id: str
    agency_id: str
    excluded_at: datetime
    source_file: str | None
    message_key: str | None
    rule: str
    entries: int
    policy_sha256: str | None
    excluded_by: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "excluded_at", require_utc(self.excluded_at, "excluded_at"))

    @property
    def file_label(self) -> str:
        """How a report names where the entries came from."""
        if self.source_file:
            return self.source_file
        return f"message key {self.message_key}" if self.message_key else "(no source file)"
