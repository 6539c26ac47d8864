"""Hot lists of cars of interest, their entries, and the hits that reads make against them.

A hit is a *question*, never an answer: the worst failure of an ALPR system is a misread that
sends officers to stop the wrong car. So every hit records how it matched (exactly, through an
OCR-confusable character, or one character off) and whether the read's state agrees with the
entry's, and no hit is actionable until a person has confirmed the characters and the state
against the image and checked that the entry is still active in its source system.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from platekeeper.domain.agencies import require_slug
from platekeeper.domain.plates import normalise_plate_key
from platekeeper.domain.purpose_words import points_at
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.domain.reads import PlateRead
from platekeeper.domain.time import require_utc
from platekeeper.errors import FieldError, InvalidInput

MANUAL_ENTRY_DAYS = 30
"""A manual entry expires within this many days unless a supervisor renews it."""
STALE_AFTER = timedelta(hours=24)
"""A fed list not refreshed for this long marks every alert it produces as stale."""


class ListSource(StrEnum):
    STATE_FEED = "state-feed"
    NCIC = "ncic"
    AGENCY = "agency"
    MANUAL = "manual"

    @property
    def fed(self) -> bool:
        """Whether the list is refreshed from an outside feed (and so can go stale)."""
        return self in (ListSource.STATE_FEED, ListSource.NCIC)


class OneOffPolicy(StrEnum):
    """Whether a list's one-character-off matches alert (see ``domain/hit_tiers.py``)."""

    ALERT = "alert"
    """Always: a short list of cars wanted urgently, where a miss costs more than a false hit."""
    RECORD = "record"
    """Never: stored as lower-tier hits, searchable, nobody is asked to verify them."""
    AUTO = "auto"
    """Only while the list is small enough that a random read matches it one character off
    less often than the configured threshold."""


class AlertLevel(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class Hotlist:
    """A list of cars of interest. A covert list's alerts go only to its owners, never to
    patrol, so that a car under investigation is not approached."""

    id: str
    agency_id: str
    name: str
    source: ListSource
    priority: int
    alert_level: AlertLevel
    covert: bool
    created_at: datetime
    refreshed_at: datetime | None = None
    category: PurposeCategory = PurposeCategory.CRIMINAL_INVESTIGATION
    """The kind of matter the list serves: a profile that forbids it forbids the list."""
    one_off: OneOffPolicy = OneOffPolicy.AUTO
    """Whether a match one character off alerts (the look-alike and exact tiers always do)."""

    def __post_init__(self) -> None:
        require_slug(self.id, "hot list id")
        require_slug(self.agency_id, "agency id")
        if not self.name.strip():
            raise InvalidInput("the hot list's name is empty")
        if not 1 <= self.priority <= 9:
            raise InvalidInput(
                f"priority {self.priority} is outside 1..9", hint="1 is the most urgent."
            )
        object.__setattr__(self, "created_at", require_utc(self.created_at, "created_at"))

    def stale_at(self, now: datetime) -> bool:
        if not self.source.fed:
            return False
        return self.refreshed_at is None or now - self.refreshed_at > STALE_AFTER


def default_category(source: ListSource) -> PurposeCategory:
    """A list's category when its maker names none: fed lists carry stolen cars and plates above
    all, an agency's own lists its cases. Migration 0021 gave existing lists the same."""
    if source.fed:
        return PurposeCategory.STOLEN_VEHICLE
    return PurposeCategory.CRIMINAL_INVESTIGATION


def forbidden_list(hotlist: Hotlist, forbidden: Mapping[PurposeCategory, str]) -> FieldError | None:
    """Why the applicable law forbids ``hotlist``, or None: its category is forbidden, or its
    id or name points at a forbidden matter under another category ('ICE detainers' filed as a
    criminal investigation, NCIC's 'Immigration Violator File' as stolen vehicles)."""
    if hotlist.category in forbidden:
        why = forbidden[hotlist.category]
        return FieldError("category", f"{hotlist.category.value!r} is forbidden by {why}")
    found = points_at(f"{hotlist.id} {hotlist.name}", forbidden)
    if found is None:
        return None
    category, word = found
    why = forbidden[PurposeCategory(category)]
    return FieldError("name", f"{word!r} points at {category}, forbidden by {why}")


def refuse_forbidden_list(hotlist: Hotlist, forbidden: Mapping[PurposeCategory, str]) -> None:
    """Raise ``InvalidInput`` if the law forbids ``hotlist``: no one makes, fills or refreshes
    it (R20: no subscription to an immigration hot list in California or Illinois)."""
    problem = forbidden_list(hotlist, forbidden)
    if problem is None:
        return
    raise InvalidInput(
        f"hot list {hotlist.id!r} serves a forbidden matter: {problem.location} {problem.message}",
        hint="A jurisdiction that applies to this agency forbids this kind of list; it cannot be "
        "created, imported into or refreshed, and its entries raise no hits.",
        fields=[problem],
    )


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """What a feed's record says beside the plate, by its NCIC field (LIC and LIS are the
    entry's plate and state): where a feed has them, they let the person verifying a hit
    compare the car in the image with the record, and tell which file the record came from."""

    plate_type: str | None = None
    """LIT: the plate's type code, e.g. ``PC`` (passenger)."""
    plate_year: str | None = None
    """LIY: the year the plate's registration expires, or ``NX`` (a plate that does not)."""
    vin: str | None = None
    """VIN: the vehicle identification number."""
    make: str | None = None
    """VMA: the make, e.g. ``TOYT``."""
    model: str | None = None
    """VMO: the model, e.g. ``CAM``."""
    vehicle_year: int | None = None
    """VYR: the model year."""
    colour: str | None = None
    """VCO: the colour code, e.g. ``BLK`` or ``BLK/WHI``."""
    ncic_number: str | None = None
    """NIC: the record's NCIC number, e.g. ``V123456789``."""
    ori: str | None = None
    """ORI: the identifier of the agency that entered the record."""
    oca: str | None = None
    """OCA: that agency's case number for it."""
    message_key: str | None = None
    """MKE: the record's message key: its kind (stolen vehicle, felony vehicle...)."""
    source_file: str | None = None
    """The file the record came from: 'NCIC Stolen Vehicle File', a state file, a local list."""

    @property
    def empty(self) -> bool:
        return self == NO_RECORD

    def shown(self) -> list[tuple[str, str, str]]:
        """``(NCIC code, label, value)`` of each field the record has, in NCIC order."""
        values = [
            ("LIT", "plate type", self.plate_type),
            ("LIY", "plate expires", self.plate_year),
            ("VIN", "VIN", self.vin),
            ("VMA", "make", self.make),
            ("VMO", "model", self.model),
            ("VYR", "year", None if self.vehicle_year is None else str(self.vehicle_year)),
            ("VCO", "colour", self.colour),
            ("NIC", "NCIC number", self.ncic_number),
            ("ORI", "originating agency", self.ori),
            ("OCA", "originating case", self.oca),
            ("MKE", "message key", self.message_key),
            ("", "source file", self.source_file),
        ]
        return [(code, label, value) for code, label, value in values if value is not None]


NO_RECORD = EntryRecord()


@dataclass(frozen=True, slots=True)
class HotlistEntry:
    """One plate on a list. ``state`` is the region as reads carry it, e.g. ``us-ca``."""

    id: str
    list_id: str
    plate_text: str
    state: str | None
    reason: str
    entered_by: str
    entered_at: datetime
    expires_at: datetime | None
    source_record_id: str | None = None
    case_number: str | None = None
    note: str | None = None
    plate_key: str = ""
    record: EntryRecord = NO_RECORD
    """The feed record's other fields and its source file, where the feed gave them."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "plate_key", normalise_plate_key(self.plate_text))
        if not self.reason.strip():
            raise InvalidInput("the entry gives no reason", hint="Say the offense, e.g. 'stolen'.")
        object.__setattr__(self, "entered_at", require_utc(self.entered_at, "entered_at"))
        if self.expires_at is not None:
            expires_at = require_utc(self.expires_at, "expires_at")
            if expires_at <= self.entered_at:
                raise InvalidInput("the entry expires before it was entered")
            object.__setattr__(self, "expires_at", expires_at)

    def active_at(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at

    def renewed(self, until: datetime) -> HotlistEntry:
        return replace(self, expires_at=until)


class MatchKind(StrEnum):
    EXACT = "exact"
    CONFUSABLE = "confusable"
    """Equal once OCR-confusable characters (O/0/D/Q, I/1/L/T, B/8, S/5, Z/2, G/6) are folded."""
    ONE_OFF = "one-off"
    """One character missing, extra or different."""


class HitTier(StrEnum):
    """Whether a hit alerts. Only what a reader could have misread alerts: the read or one of
    its alternative readings equal to the entry, or equal but for look-alike characters. A
    plain one-character-off match is kept as a lower-tier hit, searchable, but it raises no
    alert and asks nobody to verify it, unless its list says otherwise."""

    ALERT = "alert"
    LOWER = "lower"


class StateAgreement(StrEnum):
    AGREES = "agrees"
    DIFFERS = "differs"
    UNKNOWN = "unknown"
    """The read or the entry names no state."""


def state_agreement(read_region: str | None, entry_state: str | None) -> StateAgreement:
    if read_region is None or entry_state is None:
        return StateAgreement.UNKNOWN
    same = read_region.lower() == entry_state.lower()
    return StateAgreement.AGREES if same else StateAgreement.DIFFERS


class HitStatus(StrEnum):
    PENDING = "pending"
    """Waiting for a person to verify it; not actionable."""
    CONFIRMED = "confirmed"
    """A person confirmed characters, state and the entry's standing at its source."""
    REJECTED = "rejected"


class RejectionReason(StrEnum):
    MISREAD = "misread"
    WRONG_STATE = "wrong-state"
    EXPIRED_ENTRY = "expired-entry"
    OTHER = "other"


class HitOutcome(StrEnum):
    NO_STOP = "no-stop"
    STOP = "stop"
    ARREST = "arrest"
    FALSE_HIT = "false-hit"


REJECTED_HIT_OUTCOMES = (HitOutcome.NO_STOP, HitOutcome.FALSE_HIT)
"""All that may come of a rejected hit: nobody was stopped, or the hit was false."""
STATE_OVERRIDE_PREFIX = "state override: "
"""How a confirmed hit's note begins when a person overrode the read's differing state."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A read that matched an entry, and what people made of it."""

    id: str
    read_id: str
    entry_id: str
    list_id: str
    match_kind: MatchKind
    score: float
    state_agreement: StateAgreement
    stale: bool
    created_at: datetime
    status: HitStatus = HitStatus.PENDING
    verified_by: str | None = None
    verified_at: datetime | None = None
    rejection_reason: RejectionReason | None = None
    verification_note: str | None = None
    outcome: HitOutcome | None = None
    outcome_by: str | None = None
    outcome_at: datetime | None = None
    tier: HitTier = HitTier.ALERT
    reading: int = 0
    """Which of the reader's readings matched: 0 its own text, 1 its first alternative..."""

    @property
    def strong(self) -> bool:
        """An exact match of the read's own text in an agreeing state: still to be verified, but
        worth a stop if it is."""
        exact = self.match_kind is MatchKind.EXACT and self.reading == 0
        return exact and self.state_agreement is StateAgreement.AGREES

    @property
    def actionable(self) -> bool:
        """Only a hit a person confirmed may lead to a stop."""
        return self.status is HitStatus.CONFIRMED

    def confirmed(
        self,
        by: str,
        at: datetime,
        *,
        characters_match: bool,
        state_matches: bool,
        active_at_source: bool,
        note: str | None = None,
        state_override: str | None = None,
    ) -> Hit:
        """Confirmed by ``by``, who compared characters and state with the image and checked
        the entry at its source. All three must hold; otherwise reject the hit instead.

        When the read's state differs from the listed one, ticking "state matches" is not
        enough: the reader's state was wrong only if a person says why (``state_override``),
        and that reason stays on the hit."""
        self._require_pending()
        missing = [
            what
            for what, done in (
                ("the characters match the image", characters_match),
                ("the state matches the image", state_matches),
                ("the entry is still active in its source system", active_at_source),
            )
            if not done
        ]
        if missing:
            raise InvalidInput(
                "a hit is confirmed only when " + "; ".join(missing),
                hint="If one of them does not hold, reject the hit with its reason.",
            )
        return replace(
            self,
            status=HitStatus.CONFIRMED,
            verified_by=by,
            verified_at=require_utc(at, "verified_at"),
            verification_note=self._overridden(state_override, note),
        )

    def _overridden(self, state_override: str | None, note: str | None) -> str | None:
        """The verification note, led by the reason for overriding a differing state."""
        reason = (state_override or "").strip()
        if self.state_agreement is not StateAgreement.DIFFERS:
            if reason:
                raise InvalidInput(
                    "the read's state does not differ from the listed one; there is nothing "
                    "to override",
                    hint="Leave the state override empty.",
                )
            return note
        if not reason:
            raise InvalidInput(
                "the read's state differs from the listed one: a hit with a differing state is "
                "confirmed only with a state override saying why",
                hint="If the image shows the listed state (the reader took the state wrongly), "
                "give that as the state override's reason; otherwise reject the hit as "
                "wrong-state.",
            )
        return f"{STATE_OVERRIDE_PREFIX}{reason}" + (f"; {note}" if note else "")

    def rejected(
        self, by: str, at: datetime, reason: RejectionReason, note: str | None = None
    ) -> Hit:
        self._require_pending()
        if reason is RejectionReason.OTHER and not (note or "").strip():
            raise InvalidInput("a rejection for another reason needs a note saying which")
        return replace(
            self,
            status=HitStatus.REJECTED,
            verified_by=by,
            verified_at=require_utc(at, "verified_at"),
            rejection_reason=reason,
            verification_note=note,
        )

    @property
    def open_outcomes(self) -> tuple[HitOutcome, ...]:
        """The outcomes that may still be recorded: none before a verdict or after an outcome;
        for a rejected hit only that nothing came of it, since a hit found wrong must not lead
        to a stop or an arrest."""
        if self.status is HitStatus.PENDING or self.outcome is not None:
            return ()
        if self.status is HitStatus.REJECTED:
            return REJECTED_HIT_OUTCOMES
        return tuple(HitOutcome)

    def with_outcome(self, outcome: HitOutcome, by: str, at: datetime) -> Hit:
        """What came of the hit. A stop or an arrest needs a confirmed hit."""
        if self.status is HitStatus.PENDING:
            raise InvalidInput(
                "the hit is not verified yet", hint="Confirm or reject it before its outcome."
            )
        if self.outcome is not None:
            raise InvalidInput(f"the hit's outcome was recorded already: {self.outcome.value}")
        if outcome not in self.open_outcomes:
            raise InvalidInput(
                f"a rejected hit cannot have led to a {outcome.value}",
                hint="A rejected hit's outcome is "
                + " or ".join(f"'{choice.value}'" for choice in REJECTED_HIT_OUTCOMES)
                + ".",
            )
        return replace(self, outcome=outcome, outcome_by=by, outcome_at=require_utc(at, "at"))

    def _require_pending(self) -> None:
        if self.status is not HitStatus.PENDING:
            raise InvalidInput(f"the hit was {self.status.value} already")


@dataclass(frozen=True, slots=True)
class Alert:
    """A new hit with everything a person needs to judge it: the read (with its images), the
    entry and its list. ``hit.stale`` is set when the list was not refreshed in time."""

    hit: Hit
    read: PlateRead
    entry: HotlistEntry
    hotlist: Hotlist


class AlertSink(Protocol):
    """Where new alerts go: the live stream, the webhook and MQTT outbox."""

    def publish(self, alerts: Sequence[Alert]) -> None: ...
