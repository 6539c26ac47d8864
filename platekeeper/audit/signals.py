"""Misuse signals for auditors: patterns in the access log worth a person's look.

Each is a pure function over records; none is proof of misuse, each lists the entries behind
it. Only accesses that revealed ALPR data count (``REVEALING_ACTIONS``), and only allowed ones:
a denied access showed nothing, and is plain to see in the log as denied.

* repeated_searches: one user searching one plate ``repeat_searches`` times or more within
  ``repeat_window_days`` (stalking looks like this).
* unusual_hours: accesses outside ``working_hours`` on the clock of the person's agency (its
  time zone; ``timezone`` for an agency unknown here).
* reused_purpose: one user naming one case number for ``purpose_reuse`` or more distinct
  plates (a vague purpose stretched over many searches).
* shared_case: one case number named by ``shared_case_people`` or more different people (a
  number passed around, or copied from an example, rather than a case being worked).
* no_follow_up: a case number under which reads were searched, with no other kind of access
  (viewing, exporting, verifying an alert) under it, by anyone, within ``follow_up_days`` of
  its last search. Raised only once that many days have passed.

Stalking, which the issue 15 audit found raised nothing (settings in ``[audit]``):

* repeated_vehicle: one user looking up one plate (search, vehicle history or retroactive
  match; the plate compared normalised, so spellings do not split it) on
  ``vehicle_repeat_days`` distinct days or under ``vehicle_repeat_cases`` distinct case numbers.
  ``repeated_searches`` above counts these look-ups too, densely within a window.
* pattern_searches: ``pattern_searches`` or more wildcard, misread-tolerant or area searches by
  one user within ``repeat_window_days``.
* plate_sweep: one user looking up ``plate_sweep`` distinct plates within
  ``plate_sweep_hours``, whatever the cases.
* retroactive_matches: ``retroactive_matches`` or more retroactive matches by one user within
  ``repeat_window_days``; and own_entry_matches: a user matching retroactively entries they
  listed themselves, ``own_entry_matches`` times or more (the log of each match names the plate
  and who listed it).

What is counted is what a person did, not what their screen fetched: the crops and photos a
page shows arrive as ``images:view`` entries of their own, and a run of them is one access
(``one_per_request``). And a person working one case is not a signal by itself: one user
looking one plate up again and again on one day (the agency's) under one case number, no more
than ``case_volume`` times, is one piece of work (``_units_of_work``), which repeated_searches
counts once. The same plate looked up on several days stays repeated_vehicle's signal even
under one case: that is how following someone looks (the issue 15 audit). A second case number,
a look-up without one, more look-ups than that, the number used by others (shared_case) or for
other plates (reused_purpose) still raise theirs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from platekeeper.config import AuditSettings
from platekeeper.domain.access import AccessOutcome, AccessRecord
from platekeeper.domain.plates import normalise_plate_key
from platekeeper.domain.zones import local_datetime
from platekeeper.errors import InvalidInput

SEARCH = "reads:search"
IMAGES = "images:view"
HISTORY = "vehicles:history"
RETROACTIVE = "hotlists:retroactive"
REVEALING_ACTIONS = frozenset(
    {SEARCH, "reads:view", IMAGES, "reads:export", HISTORY, "alerts:view", RETROACTIVE}
)
PLATE_LOOKUPS = frozenset({SEARCH, "reads:export", HISTORY, RETROACTIVE})
"""Accesses that look one plate up: the vehicle-history family the stalking signals watch."""
# What shows that a searched case went on: any access under the case number but a search.
FOLLOW_UP_ACTIONS = (REVEALING_ACTIONS - {SEARCH}) | {"alerts:verify"}


class SignalKind(StrEnum):
    REPEATED_SEARCHES = "repeated_searches"
    UNUSUAL_HOURS = "unusual_hours"
    REUSED_PURPOSE = "reused_purpose"
    SHARED_CASE = "shared_case"
    NO_FOLLOW_UP = "no_follow_up"
    REPEATED_VEHICLE = "repeated_vehicle"
    PATTERN_SEARCHES = "pattern_searches"
    PLATE_SWEEP = "plate_sweep"
    RETROACTIVE_MATCHES = "retroactive_matches"
    OWN_ENTRY_MATCHES = "own_entry_matches"


@dataclass(frozen=True, slots=True)
class MisuseSignal:
    """One pattern, the user it concerns, a sentence without plate text, and its entries."""

    kind: SignalKind
    username: str
    summary: str
    seqs: tuple[int, ...]


def find_signals(
    records: Iterable[AccessRecord],
    settings: AuditSettings,
    now: datetime,
    zones: Mapping[str, str] | None = None,
) -> list[MisuseSignal]:
    """Every signal in ``records``, by kind, then user; ``zones`` maps an agency id to its
    time zone (``settings.timezone`` for an agency it lacks)."""
    zone_of = _zone_of(zones or {}, settings.timezone)
    relevant = one_per_request(
        [r for r in records if _counts(r) or r.event.action in FOLLOW_UP_ACTIONS]
    )
    revealing = [r for r in relevant if _counts(r)]
    return [
        *repeated_searches(
            revealing,
            settings.repeat_searches,
            timedelta(days=settings.repeat_window_days),
            Work(settings.case_volume, zone_of),
        ),
        *unusual_hours(revealing, zone_of, settings.working_hours),
        *reused_purpose(revealing, settings.purpose_reuse),
        *shared_case(revealing, settings.shared_case_people),
        *no_follow_up(relevant, timedelta(days=settings.follow_up_days), now),
        *stalking_signals(revealing, settings),
    ]


def stalking_signals(
    records: Sequence[AccessRecord], settings: AuditSettings
) -> list[MisuseSignal]:
    """The signals of someone following a vehicle, or fishing for one."""
    window = timedelta(days=settings.repeat_window_days)
    return [
        *repeated_vehicle(records, settings.vehicle_repeat_days, settings.vehicle_repeat_cases),
        *dense_per_user(
            [r for r in records if _pattern_search(r)],
            SignalKind.PATTERN_SEARCHES,
            settings.pattern_searches,
            window,
            "pattern searches (partial plates, misread-tolerant or areas)",
        ),
        *plate_sweep(records, settings.plate_sweep, timedelta(hours=settings.plate_sweep_hours)),
        *dense_per_user(
            [r for r in records if r.event.action == RETROACTIVE],
            SignalKind.RETROACTIVE_MATCHES,
            settings.retroactive_matches,
            window,
            "retroactive matches",
        ),
        *own_entry_matches(records, settings.own_entry_matches),
    ]


def plate_of(record: AccessRecord) -> str | None:
    """The plate a look-up named, normalised as matching compares it; None if it named none."""
    if record.event.action not in PLATE_LOOKUPS:
        return None
    plate = record.event.query.get("plate")
    if not plate:
        return None
    try:
        return normalise_plate_key(plate)
    except InvalidInput:
        return plate.strip().upper()


def repeated_vehicle(records: Iterable[AccessRecord], days: int, cases: int) -> list[MisuseSignal]:
    groups: dict[tuple[str, str], list[AccessRecord]] = defaultdict(list)
    for record in records:
        plate = plate_of(record)
        if plate is not None:
            groups[(record.event.actor.username, plate)].append(record)
    signals = []
    for (username, _plate), looks in sorted(groups.items()):
        on_days = {r.event.at.date() for r in looks}
        under = {r.event.case_number for r in looks if r.event.case_number}
        if len(on_days) >= days or len(under) >= cases:
            signals.append(
                MisuseSignal(
                    SignalKind.REPEATED_VEHICLE,
                    username,
                    f"looked up one plate {len(looks)} times, on {len(on_days)} days, under "
                    f"{len(under)} case numbers",
                    tuple(sorted(r.seq for r in looks)),
                )
            )
    return signals


def dense_per_user(
    records: Iterable[AccessRecord],
    kind: SignalKind,
    threshold: int,
    window: timedelta,
    what: str,
) -> list[MisuseSignal]:
    """One signal per user with ``threshold`` or more of ``records`` within ``window``."""
    groups: dict[str, list[AccessRecord]] = defaultdict(list)
    for record in records:
        groups[record.event.actor.username].append(record)
    signals = []
    for username, mine in sorted(groups.items()):
        flagged = _in_dense_windows(mine, threshold, window)
        if flagged:
            summary = f"{len(flagged)} {what}, {threshold} or more within {_span(window)}"
            signals.append(MisuseSignal(kind, username, summary, tuple(r.seq for r in flagged)))
    return signals


def plate_sweep(
    records: Iterable[AccessRecord], threshold: int, window: timedelta
) -> list[MisuseSignal]:
    groups: dict[str, list[tuple[AccessRecord, str]]] = defaultdict(list)
    for record in records:
        plate = plate_of(record)
        if plate is not None:
            groups[record.event.actor.username].append((record, plate))
    signals = []
    for username, looks in sorted(groups.items()):
        ordered = sorted(looks, key=lambda item: (item[0].event.at, item[0].seq))
        flagged: dict[int, AccessRecord] = {}
        # The window's plates counted as it slides, and each record flagged once (as in
        # ``_in_dense_windows``): linear in the person's look-ups.
        in_window: Counter[str] = Counter()
        start = unflagged = 0
        for end, (record, plate) in enumerate(ordered):
            in_window[plate] += 1
            while record.event.at - ordered[start][0].event.at > window:
                left = ordered[start][1]
                in_window[left] -= 1
                if not in_window[left]:
                    del in_window[left]
                start += 1
            if len(in_window) >= threshold:
                flagged.update((r.seq, r) for r, _ in ordered[max(start, unflagged) : end + 1])
                unflagged = end + 1
        if flagged:
            plates = len({plate for r, plate in looks if r.seq in flagged})
            signals.append(
                MisuseSignal(
                    SignalKind.PLATE_SWEEP,
                    username,
                    f"looked up {plates} different plates, {threshold} or more within "
                    f"{_span(window)}",
                    tuple(sorted(flagged)),
                )
            )
    return signals


def own_entry_matches(records: Iterable[AccessRecord], threshold: int) -> list[MisuseSignal]:
    groups: dict[str, list[int]] = defaultdict(list)
    for record in records:
        event = record.event
        if event.action == RETROACTIVE and event.query.get("entered_by") == event.actor.username:
            groups[event.actor.username].append(record.seq)
    return [
        MisuseSignal(
            SignalKind.OWN_ENTRY_MATCHES,
            username,
            f"matched retroactively {len(seqs)} time(s) hot-list entries they listed themselves",
            tuple(sorted(seqs)),
        )
        for username, seqs in sorted(groups.items())
        if len(seqs) >= threshold
    ]


def _pattern_search(record: AccessRecord) -> bool:
    query = record.event.query
    return record.event.action in (SEARCH, "reads:export") and bool(
        query.get("plate_pattern") or query.get("area") or query.get("tolerate_misreads")
    )


def _span(window: timedelta) -> str:
    hours = int(window.total_seconds() // 3600)
    return f"{hours // 24} days" if hours % 24 == 0 else f"{hours} hours"


@dataclass(frozen=True, slots=True)
class Work:
    """What makes look-ups one piece of work: at most ``case_volume`` under one case number on
    one day of the agency (``zone_of(agency_id)``)."""

    case_volume: int
    zone_of: Callable[[str], str]


def repeated_searches(
    records: Iterable[AccessRecord], threshold: int, window: timedelta, work: Work
) -> list[MisuseSignal]:
    groups: dict[tuple[str, str], list[AccessRecord]] = defaultdict(list)
    for record in records:
        plate = plate_of(record)
        if plate is not None:
            groups[(record.event.actor.username, plate)].append(record)
    signals = []
    for (username, _plate), searches in sorted(groups.items()):
        units = _units_of_work(searches, work)
        firsts = _in_dense_windows([unit[0] for unit in units], threshold, window)
        counted = {record.seq for record in firsts}
        flagged = sorted(
            (r for unit in units if unit[0].seq in counted for r in unit), key=lambda r: r.seq
        )
        if flagged:
            signals.append(
                MisuseSignal(
                    SignalKind.REPEATED_SEARCHES,
                    username,
                    f"searched one plate {len(flagged)} times, {threshold} or more within "
                    f"{window.days} days",
                    tuple(r.seq for r in flagged),
                )
            )
    return signals


def _in_dense_windows(
    records: Sequence[AccessRecord], threshold: int, window: timedelta
) -> list[AccessRecord]:
    """The records that lie in some span of ``window`` holding ``threshold`` or more."""
    ordered = sorted(records, key=lambda r: (r.event.at, r.seq))
    flagged: dict[int, AccessRecord] = {}
    start = 0
    # Both ends only move forward, so a dense window's records up to the last one flagged are
    # flagged already: each record is taken once, not once per window (quadratic for a person
    # searching one plate thousands of times).
    unflagged = 0
    for end, record in enumerate(ordered):
        while record.event.at - ordered[start].event.at > window:
            start += 1
        if end - start + 1 >= threshold:
            flagged.update((r.seq, r) for r in ordered[max(start, unflagged) : end + 1])
            unflagged = end + 1
    return sorted(flagged.values(), key=lambda r: r.seq)


def unusual_hours(
    records: Iterable[AccessRecord],
    zone_of: Callable[[str], str],
    working_hours: tuple[int, int],
) -> list[MisuseSignal]:
    """Accesses outside ``working_hours`` on the clock of each person's agency
    (``zone_of(agency_id)``)."""
    start, end = working_hours
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for record in records:
        zone = zone_of(record.event.actor.agency_id)
        if not start <= local_datetime(record.event.at, zone).hour < end:
            groups[(record.event.actor.username, zone)].append(record.seq)
    return [
        MisuseSignal(
            SignalKind.UNUSUAL_HOURS,
            username,
            f"{len(seqs)} accesses outside {start:02d}:00-{end:02d}:00 {zone}",
            tuple(sorted(seqs)),
        )
        for (username, zone), seqs in sorted(groups.items())
    ]


def _zone_of(zones: Mapping[str, str], fallback: str) -> Callable[[str], str]:
    return lambda agency_id: zones.get(agency_id, fallback)


def one_per_request(records: Sequence[AccessRecord]) -> list[AccessRecord]:
    """``records`` with the images a page fetched folded into the page's one access: an
    ``images:view`` is left out when the same person's previous entry, within
    ``IMAGE_FOLLOWS``, was another access that returned that read, or an image view too
    (the next crop of the same page)."""
    kept: list[AccessRecord] = []
    last: dict[str, AccessRecord] = {}
    for record in sorted(records, key=lambda r: (r.event.at, r.seq)):
        username = record.event.actor.username
        before = last.get(username)
        last[username] = record
        if before is not None and _part_of(record, before):
            continue
        kept.append(record)
    return sorted(kept, key=lambda r: r.seq)


IMAGE_FOLLOWS = timedelta(minutes=2)
"""How soon after a page's access (or its previous image) an image still belongs to it."""


def _part_of(image: AccessRecord, before: AccessRecord) -> bool:
    event = image.event
    if event.action != IMAGES or event.at - before.event.at > IMAGE_FOLLOWS:
        return False
    return before.event.action == IMAGES or bool(set(event.read_ids) & set(before.event.read_ids))


def _units_of_work(looks: Sequence[AccessRecord], work: Work) -> list[list[AccessRecord]]:
    """``looks`` (one person's, of one plate) as pieces of work, each in time order: those under
    one case number on one local day together, unless more than ``work.case_volume``; any other
    look-up alone."""
    together: dict[tuple[str, date], list[AccessRecord]] = defaultdict(list)
    units: list[list[AccessRecord]] = []
    for record in sorted(looks, key=lambda r: (r.event.at, r.seq)):
        event = record.event
        if not event.case_number:
            units.append([record])
            continue
        day = local_datetime(event.at, work.zone_of(event.actor.agency_id)).date()
        together[(event.case_number, day)].append(record)
    for unit in together.values():
        units.extend([unit] if len(unit) <= work.case_volume else [[r] for r in unit])
    return units


def shared_case(records: Iterable[AccessRecord], people: int) -> list[MisuseSignal]:
    """One signal per person naming a case number that ``people`` or more people named."""
    groups: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        if record.event.case_number:
            groups[record.event.case_number][record.event.actor.username].append(record.seq)
    return [
        MisuseSignal(
            SignalKind.SHARED_CASE,
            username,
            f"named case {case_number}, which {len(users)} different people named",
            tuple(sorted(seqs)),
        )
        for case_number, users in sorted(groups.items())
        if len(users) >= people
        for username, seqs in sorted(users.items())
    ]


def reused_purpose(records: Iterable[AccessRecord], threshold: int) -> list[MisuseSignal]:
    groups: dict[tuple[str, str], list[AccessRecord]] = defaultdict(list)
    for record in records:
        if record.event.case_number and record.event.query.get("plate"):
            groups[(record.event.actor.username, record.event.case_number)].append(record)
    signals = []
    for (username, case_number), accesses in sorted(groups.items()):
        plates = {r.event.query["plate"] for r in accesses}
        if len(plates) >= threshold:
            signals.append(
                MisuseSignal(
                    SignalKind.REUSED_PURPOSE,
                    username,
                    f"named case {case_number} for {len(plates)} different plates",
                    tuple(sorted(r.seq for r in accesses)),
                )
            )
    return signals


def no_follow_up(
    records: Iterable[AccessRecord], follow_up: timedelta, now: datetime
) -> list[MisuseSignal]:
    searches: dict[str, list[AccessRecord]] = defaultdict(list)
    later: dict[str, list[datetime]] = defaultdict(list)
    for record in records:
        case_number = record.event.case_number
        if not case_number or record.event.outcome is not AccessOutcome.ALLOWED:
            continue
        if record.event.action == SEARCH:
            searches[case_number].append(record)
        elif record.event.action in FOLLOW_UP_ACTIONS:
            later[case_number].append(record.event.at)
    signals = []
    for case_number, found in sorted(searches.items()):
        first = min(r.event.at for r in found)
        last = max(r.event.at for r in found)
        if now < last + follow_up:
            continue  # still within its time
        if any(first <= at <= last + follow_up for at in later[case_number]):
            continue
        for username in sorted({r.event.actor.username for r in found}):
            mine = [r.seq for r in found if r.event.actor.username == username]
            signals.append(
                MisuseSignal(
                    SignalKind.NO_FOLLOW_UP,
                    username,
                    f"searched under case {case_number} ({len(mine)} searches) with no other "
                    f"access under it within {follow_up.days} days",
                    tuple(sorted(mine)),
                )
            )
    return signals


def _counts(record: AccessRecord) -> bool:
    return (
        record.event.outcome is AccessOutcome.ALLOWED and record.event.action in REVEALING_ACTIONS
    )
