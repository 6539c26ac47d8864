"""Edge agents: a camera that keeps its reads on its own disk until the server has them.

Two things cross between an agent and the server besides the reads themselves:

- its health (``EdgeHealth``), reported by the agent and shown on the camera page;
- a signed copy of its agency's hot lists (``HotlistCopy``), which the agent matches with while
  it has no uplink. The server signs the copy's exact bytes (``copy_message``) with the key that
  signs access-log checkpoints; the domain prefix keeps that signature from ever passing for a
  checkpoint's, or a checkpoint's for a copy's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from platekeeper.domain.purposes import (
    CaseNumberFormat,
    PurposeCatalogue,
    PurposeCategory,
    SearchPurpose,
)
from platekeeper.domain.time import require_utc
from platekeeper.errors import InvalidInput

COPY_PREFIX = b"platekeeper edge hot-list copy v1\n"


def copy_message(payload: bytes) -> bytes:
    """What the server signs for a copy whose JSON is ``payload``."""
    return COPY_PREFIX + payload


@dataclass(frozen=True, slots=True)
class CopyEntry:
    """One hot-list entry as the agent holds it: enough to match and to say what matched."""

    id: str
    list_id: str
    list_name: str
    plate_text: str
    plate_key: str
    state: str | None
    reason: str
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class HotlistCopy:
    """The entries a camera's agency had active at ``issued_at``, good until ``expires_at``."""

    camera_id: str
    agency_id: str
    issued_at: datetime
    expires_at: datetime
    entries: tuple[CopyEntry, ...]
    purposes: tuple[SearchPurpose, ...] = ()
    """The purposes a person may state on the agent's page: the server's, as its gate has them."""
    case_format: CaseNumberFormat | None = None
    alert_candidates: int = 0
    """How many of the reader's alternative readings alert besides its own text, as at the
    server (``hotlists.alert_candidates``); a copy from before tiers says none."""
    one_off_alert_lists: frozenset[str] = frozenset()
    """The lists whose one-character-off matches alert, as the server decided them when it
    issued the copy (a list set to ``auto``, by its chance then); other lists' do not."""

    def catalogue(self) -> PurposeCatalogue:
        """The server's purposes and case format, for the agent's gate."""
        if self.case_format is None:
            raise InvalidInput("the hot-list copy carries no case number format")
        return PurposeCatalogue(self.purposes, self.case_format)

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def age(self, now: datetime) -> timedelta:
        return now - self.issued_at


@dataclass(frozen=True, slots=True)
class EdgeHealth:
    """What an agent last said of itself, and when the server heard it."""

    camera_id: str
    received_at: datetime
    agent_time: datetime
    queue_depth: int
    oldest_queued_at: datetime | None
    last_forwarded_at: datetime | None
    copy_issued_at: datetime | None
    copy_expires_at: datetime | None
    warning: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "received_at", require_utc(self.received_at, "received_at"))
        object.__setattr__(self, "agent_time", require_utc(self.agent_time, "agent_time"))

    @property
    def clock_skew(self) -> timedelta:
        """How far the agent's clock runs ahead of the server's (negative: behind). The report's
        time in flight counts as skew, a fraction of a second on a working uplink."""
        return self.agent_time - self.received_at

    def copy_age(self, now: datetime) -> timedelta | None:
        return None if self.copy_issued_at is None else now - self.copy_issued_at


def encode_copy(copy: HotlistCopy) -> bytes:
    """The copy as the JSON bytes the server signs and the agent keeps."""
    document = {
        "camera_id": copy.camera_id,
        "agency_id": copy.agency_id,
        "issued_at": copy.issued_at.isoformat(),
        "expires_at": copy.expires_at.isoformat(),
        "entries": [_entry_document(entry) for entry in copy.entries],
        "purposes": [
            {"code": p.code, "label": p.label, "category": p.category.value} for p in copy.purposes
        ],
        "case_format": None
        if copy.case_format is None
        else {"pattern": copy.case_format.pattern, "example": copy.case_format.example},
        "alert_candidates": copy.alert_candidates,
        "one_off_alert_lists": sorted(copy.one_off_alert_lists),
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def decode_copy(payload: bytes) -> HotlistCopy:
    """The copy in ``payload``; ``InvalidInput`` if it is not one."""
    try:
        document = json.loads(payload)
        return HotlistCopy(
            camera_id=str(document["camera_id"]),
            agency_id=str(document["agency_id"]),
            issued_at=_instant(document["issued_at"]),
            expires_at=_instant(document["expires_at"]),
            entries=tuple(_entry(item) for item in document["entries"]),
            purposes=tuple(
                SearchPurpose(str(p["code"]), str(p["label"]), PurposeCategory(p["category"]))
                for p in document.get("purposes", [])
            ),
            case_format=_case_format(document.get("case_format")),
            alert_candidates=int(document.get("alert_candidates", 0)),
            one_off_alert_lists=frozenset(map(str, document.get("one_off_alert_lists", []))),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidInput(f"the hot-list copy is malformed: {error}") from None


def _entry_document(entry: CopyEntry) -> dict[str, object]:
    return {
        "id": entry.id,
        "list_id": entry.list_id,
        "list_name": entry.list_name,
        "plate_text": entry.plate_text,
        "plate_key": entry.plate_key,
        "state": entry.state,
        "reason": entry.reason,
        "expires_at": None if entry.expires_at is None else entry.expires_at.isoformat(),
    }


def _entry(item: dict[str, object]) -> CopyEntry:
    expires = item["expires_at"]
    state = item["state"]
    return CopyEntry(
        id=str(item["id"]),
        list_id=str(item["list_id"]),
        list_name=str(item["list_name"]),
        plate_text=str(item["plate_text"]),
        plate_key=str(item["plate_key"]),
        state=None if state is None else str(state),
        reason=str(item["reason"]),
        expires_at=None if expires is None else _instant(expires),
    )


def _case_format(value: object) -> CaseNumberFormat | None:
    if not isinstance(value, dict):
        return None
    return CaseNumberFormat(str(value["pattern"]), str(value["example"]))


def _instant(value: object) -> datetime:
    return require_utc(datetime.fromisoformat(str(value)), "a time in the copy")
