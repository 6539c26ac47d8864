"""The access log for auditors: its entries with filters, the chain's verification, and the
misuse signals with the entries behind each.

An auditor sees their own agency's entries, who did what, why and with what outcome, never a
plate nor a read id: every entry shown is as ``AccessLog.shown`` gives it (plates withheld, read
ids and image references as the agency's pseudonyms), and the reads an access touched show as a
count. Reading the log is itself an entry of the log (``audit:read``), as over the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from platekeeper.audit import MisuseSignal, SignalKind, VerificationReport
from platekeeper.audit.actions import ACTION_LABELS, action_choices
from platekeeper.domain.access import AccessEvent, AccessOutcome, AccessRecord, Checkpoint
from platekeeper.domain.people import Account
from platekeeper.domain.permissions import Permission
from platekeeper.errors import FieldError, InvalidInput
from platekeeper.http.auth import Caller, CallerDep, requires
from platekeeper.http.deps import ServicesDep
from platekeeper.services import Services
from platekeeper.store.protocols import AccessFilter
from platekeeper.web.errors import is_htmx
from platekeeper.web.pages.caller import person
from platekeeper.web.rendering import agency_zone, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
MAX_ENTRIES_PER_SIGNAL = 50
SIGNAL_LABELS = {
    SignalKind.REPEATED_SEARCHES: "One plate searched again and again",
    SignalKind.UNUSUAL_HOURS: "Accesses at unusual hours",
    SignalKind.REUSED_PURPOSE: "One case named for many plates",
    SignalKind.SHARED_CASE: "One case number used by many people",
    SignalKind.NO_FOLLOW_UP: "Searches with no follow-up",
    SignalKind.REPEATED_VEHICLE: "One vehicle looked up on many days or cases",
    SignalKind.PATTERN_SEARCHES: "Many partial-plate or area searches",
    SignalKind.PLATE_SWEEP: "Many different plates looked up",
    SignalKind.RETROACTIVE_MATCHES: "Many retroactive matches",
    SignalKind.OWN_ENTRY_MATCHES: "Retroactive matches of their own entries",
}
_Text = Annotated[str, Query(max_length=64)]


@dataclass(frozen=True, slots=True)
class Shown:
    """An entry as the page shows it: without plates, with the person's name."""

    seq: int
    event: AccessEvent
    name: str | None
    """The display name of the account, None for a system or an account no longer known."""

    @property
    def elements(self) -> list[tuple[str, str]]:
        """The query elements; a list of read ids (a share) as its count."""
        return [
            (key, f"{len(value.split(','))} ids" if key == "read_ids" else value)
            for key, value in self.event.query.items()
        ]


class LogFilter(BaseModel):
    """The filters as typed, kept to show them again whatever they hold."""

    model_config = ConfigDict(frozen=True)

    username: str = Field("", max_length=64)
    signed_in_with: str = Field("", max_length=64)
    action: str = Field("", max_length=64)
    outcome: str = Field("", max_length=16)
    date_from: str = Field("", max_length=32)
    date_to: str = Field("", max_length=32)
    case_number: str = Field("", max_length=64)
    purpose: str = Field("", max_length=64)
    page: int = Field(1, ge=1, le=100_000)

    def query(self, people: Sequence[Account], zone: str) -> AccessFilter:
        """The store's filter for this page of entries, one more than shown to tell if another
        page follows; ``InvalidInput`` naming each field that does not parse. "Who" is matched
        against ``people`` (see ``_who``), days are the agency's, in ``zone``."""
        problems: list[FieldError] = []
        start = _day(self.date_from, "date_from", problems)
        end = _day(self.date_to, "date_to", problems)
        outcome = _outcome(self.outcome, problems)
        if start is not None and end is not None and end < start:
            problems.append(FieldError("date_to", "the last day lies before the first"))
        if problems:
            raise InvalidInput(
                "the filters are not valid", hint="Correct the fields named.", fields=problems
            )
        return AccessFilter(
            usernames=_who(self.username, people),
            signed_in_with=self.signed_in_with.strip() or None,
            action=self.action.strip() or None,
            outcome=outcome,
            case_number=self.case_number.strip() or None,
            purpose_code=self.purpose.strip() or None,
            at_from=None if start is None else _midnight(start, zone),
            at_before=None if end is None else _midnight(end + timedelta(days=1), zone),
            limit=PAGE_SIZE + 1,
            offset=(self.page - 1) * PAGE_SIZE,
        )

    def elements(self) -> dict[str, str]:
        """The filters given, as the access log records this reading."""
        given = {key: str(value).strip() for key, value in self.model_dump().items()}
        if self.page == 1:
            del given["page"]
        return {key: value for key, value in given.items() if value}

    def link(self, page: int) -> str:
        given = {key: value for key, value in self.elements().items() if key != "page"}
        return f"/audit?{urlencode({**given, 'page': page})}"


def _who(typed: str, people: Sequence[Account]) -> tuple[str, ...] | None:
    """The usernames "Who" stands for: every person of the agency whose display name or
    username holds the text (any case), and the text itself as a username, for the entries of
    someone no longer listed. None when nothing was typed."""
    text = typed.strip()
    if not text:
        return None
    folded = text.casefold()
    named = {
        account.username
        for account in people
        if folded in account.display_name.casefold() or folded in account.username.casefold()
    }
    return tuple(sorted({text, *named}))


def _midnight(day: date, zone: str) -> datetime:
    """The start of ``day`` on the agency's clock, as the UTC instant the log compares."""
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(UTC)


def _day(value: str, field: str, problems: list[FieldError]) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(FieldError(field, f"{value!r} is not a day (YYYY-MM-DD)"))
        return None


def _outcome(value: str, problems: list[FieldError]) -> AccessOutcome | None:
    if not value:
        return None
    try:
        return AccessOutcome(value)
    except ValueError:
        problems.append(FieldError("outcome", "choose allowed or denied"))
        return None


@router.get("/audit", response_class=HTMLResponse, dependencies=requires(Permission.AUDIT_READ))
def access_log(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    typed: Annotated[LogFilter, Query()],
) -> HTMLResponse:
    person(caller)
    choices = _choices(services, caller)
    context = {"filters": typed, "choices": choices}
    try:
        query = typed.query(choices["people"], agency_zone(request, caller.scope.agency_id))
    except InvalidInput as error:
        return _refused(request, caller, "log.html", context, error)
    found = _listed(services, caller, typed, query)
    context |= {
        "entries": found[:PAGE_SIZE],
        "newer": typed.link(typed.page - 1) if typed.page > 1 else None,
        "older": typed.link(typed.page + 1) if len(found) > PAGE_SIZE else None,
    }
    return render(request, "pages/audit/log.html", context, caller=caller)


def _listed(
    services: Services, caller: Caller, typed: LogFilter, query: AccessFilter
) -> list[Shown]:
    services.access_log.record_reading(
        caller.actor, "listed entries", typed.elements(), caller.client_address
    )
    return _shown(services.access_log.entries_for(caller.scope, query), _names(services, caller))


def _shown(records: Iterable[AccessRecord], names: Mapping[str, str]) -> list[Shown]:
    """``records``, already as the log shows them (``AccessLog.shown``), with names."""
    return [Shown(r.seq, r.event, names.get(r.event.actor.username)) for r in records]


def _names(services: Services, caller: Caller) -> dict[str, str]:
    return {a.username: a.display_name for a in _people(services, caller)}


def _people(services: Services, caller: Caller) -> list[Account]:
    """The accounts of the caller's agency: the people whose accesses they may see."""
    return services.accounts.list(caller.scope.agency_id)


def _refused(
    request: Request,
    caller: Caller,
    template: str,
    context: Mapping[str, object],
    error: InvalidInput,
) -> HTMLResponse:
    """The page again with what was typed, the problem, and each field's message by it."""
    shown = {**context, "error": error, "fields": {f.location: f.message for f in error.fields}}
    return render(request, f"pages/audit/{template}", shown, caller=caller, status_code=422)


def _choices(services: Services, caller: Caller) -> dict[str, Any]:
    """What the filters offer: the agency's people, the actions in words, the purposes."""
    purposes = services.read_access.catalogue.purposes
    return {
        "people": _people(services, caller),
        "actions": action_choices(),
        "action_labels": ACTION_LABELS,
        "purposes": purposes,
        "purpose_labels": {purpose.code: purpose.label for purpose in purposes},
    }


# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verification:
    report: VerificationReport
    last_checkpoint: Checkpoint | None


@router.get(
    "/audit/verify", response_class=HTMLResponse, dependencies=requires(Permission.AUDIT_READ)
)
def verify(request: Request, services: ServicesDep, caller: CallerDep) -> HTMLResponse:
    """The whole chain checked: a scan of every entry, so only when asked."""
    person(caller)
    verification = _verified(services, caller)
    template = "_verification.html" if is_htmx(request) else "verification.html"
    return render(request, f"pages/audit/{template}", {"verification": verification}, caller=caller)


def _verified(services: Services, caller: Caller) -> Verification:
    services.access_log.record_reading(caller.actor, "verified the log", {}, caller.client_address)
    report = services.verify_access_log()  # a log not intact raises a suspected breach
    return Verification(report, services.store.access_log.last_checkpoint())


# --- misuse signals ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShownSignal:
    signal: MisuseSignal
    name: str | None
    entries: list[Shown]

    @property
    def label(self) -> str:
        return SIGNAL_LABELS[self.signal.kind]


@router.get(
    "/audit/signals", response_class=HTMLResponse, dependencies=requires(Permission.AUDIT_READ)
)
def signals(
    request: Request, services: ServicesDep, caller: CallerDep, since: _Text = ""
) -> HTMLResponse:
    person(caller)
    problems: list[FieldError] = []
    start = _day(since, "since", problems)
    if problems:
        error = InvalidInput("the day is not valid", hint="Give it as YYYY-MM-DD.", fields=problems)
        return _refused(request, caller, "signals.html", {"since": since}, error)
    at = None if start is None else _midnight(start, agency_zone(request, caller.scope.agency_id))
    found = _signals(services, caller, at)
    context = {
        "since": since,
        "signals": found,
        "choices": _choices(services, caller),
    }
    return render(request, "pages/audit/signals.html", context, caller=caller)


def _signals(services: Services, caller: Caller, since: datetime | None) -> list[ShownSignal]:
    query = {} if since is None else {"since": since.isoformat()}
    services.access_log.record_reading(
        caller.actor, "listed misuse signals", query, caller.client_address
    )
    names = _names(services, caller)
    log = services.access_log
    return [
        ShownSignal(
            signal,
            names.get(signal.username),
            _shown(log.records_for(caller.scope, signal.seqs[:MAX_ENTRIES_PER_SIGNAL]), names),
        )
        for signal in log.signals(caller.scope, since)
    ]
