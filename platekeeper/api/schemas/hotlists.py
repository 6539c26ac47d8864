"""Bodies of the hot-list routes: lists, entries and import reports."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from platekeeper.domain.hotlists import (
    AlertLevel,
    EntryRecord,
    Hotlist,
    HotlistEntry,
    ListSource,
    OneOffPolicy,
)
from platekeeper.domain.purposes import PurposeCategory
from platekeeper.hotlists.chance import ListChance
from platekeeper.hotlists.importing import ImportReport


class HotlistCreate(BaseModel):
    id: str = Field(max_length=63, description="A lower-case slug, e.g. 'ca-stolen'.")
    name: str = Field(min_length=1, max_length=200)
    source: ListSource
    priority: int = Field(ge=1, le=9, description="1 is the most urgent.")
    alert_level: AlertLevel
    covert: bool = Field(default=False, description="Alerts go only to the list's owners.")
    category: PurposeCategory | None = Field(
        default=None,
        description="The kind of matter the list serves; by default stolen-vehicle for a fed "
        "list, criminal-investigation for the agency's own. A category the applicable law "
        "forbids (immigration-enforcement in California and Illinois) is refused.",
    )
    one_off: OneOffPolicy = Field(
        default=OneOffPolicy.AUTO,
        description="Whether a read one character off an entry alerts: 'alert', 'record' "
        "(a lower-tier hit, stored and searchable, no alert) or 'auto' (alert while the list "
        "is small enough: hotlists.auto_one_off_one_in).",
    )


class HotlistPublic(BaseModel):
    id: str
    name: str
    source: ListSource
    priority: int
    alert_level: AlertLevel
    covert: bool
    category: PurposeCategory
    created_at: datetime
    refreshed_at: datetime | None
    one_off: OneOffPolicy

    @classmethod
    def of(cls, hotlist: Hotlist) -> HotlistPublic:
        return cls(
            id=hotlist.id,
            name=hotlist.name,
            source=hotlist.source,
            priority=hotlist.priority,
            alert_level=hotlist.alert_level,
            covert=hotlist.covert,
            category=hotlist.category,
            created_at=hotlist.created_at,
            refreshed_at=hotlist.refreshed_at,
            one_off=hotlist.one_off,
        )


class HotlistList(BaseModel):
    hotlists: list[HotlistPublic]


class OneOffIn(BaseModel):
    one_off: OneOffPolicy


class ChancePublic(BaseModel):
    """The chance per read of a random read matching the list by chance, as matching stands."""

    list_id: str
    one_off: OneOffPolicy
    one_off_alerts: bool = Field(description="Whether one-off matches alert now.")
    alerting_per_read: float = Field(description="Chance of an alert by chance, per read.")
    lower_per_read: float = Field(description="Chance of a lower-tier hit by chance, per read.")
    alerting: str = Field(description="The same in words: 'about 1 in 2,000 reads'.")
    lower: str
    look_alike_per_read: float
    one_off_per_read: float
    samples: int = Field(description="Synthetic reads, in the formats of the listed plates.")

    @classmethod
    def of(cls, hotlist: Hotlist, chance: ListChance) -> ChancePublic:
        return cls(
            list_id=hotlist.id,
            one_off=hotlist.one_off,
            one_off_alerts=chance.one_off_alerts,
            alerting_per_read=chance.alerting,
            lower_per_read=chance.lower,
            alerting=chance.alerting_words,
            lower=chance.lower_words,
            look_alike_per_read=chance.chance.look_alike,
            one_off_per_read=chance.chance.one_off,
            samples=chance.chance.samples,
        )


class EntryCreate(BaseModel):
    plate: str = Field(min_length=1, max_length=32)
    state: str | None = Field(default=None, max_length=10, description="e.g. 'CA' or 'us-ca'.")
    reason: str = Field(min_length=1, max_length=200, description="The offense, e.g. 'stolen'.")
    case_number: str | None = Field(default=None, max_length=64)
    source_record_id: str | None = Field(default=None, max_length=64)
    expires_at: datetime | None = Field(
        default=None, description="Manual lists: at most hotlists.manual_entry_days ahead."
    )
    note: str | None = Field(
        default=None, max_length=1000, description="No names, addresses or dates of birth."
    )


class EntryPublic(BaseModel):
    id: str
    list_id: str
    plate_text: str
    plate_key: str
    state: str | None
    reason: str
    entered_by: str
    entered_at: datetime
    expires_at: datetime | None
    source_record_id: str | None
    case_number: str | None
    note: str | None
    record: RecordPublic | None = Field(
        default=None,
        description="The feed record's NCIC fields and source file; null when it has none.",
    )

    @classmethod
    def of(cls, entry: HotlistEntry) -> EntryPublic:
        return cls(
            id=entry.id,
            list_id=entry.list_id,
            plate_text=entry.plate_text,
            plate_key=entry.plate_key,
            state=entry.state,
            reason=entry.reason,
            entered_by=entry.entered_by,
            entered_at=entry.entered_at,
            expires_at=entry.expires_at,
            source_record_id=entry.source_record_id,
            case_number=entry.case_number,
            note=entry.note,
            record=None if entry.record.empty else RecordPublic.of(entry.record),
        )


class RecordPublic(BaseModel):
    """An entry's feed record, by NCIC field: LIT, LIY, VIN, VMA, VMO, VYR, VCO, NIC, ORI, OCA,
    MKE, and the file it came from."""

    plate_type: str | None = Field(description="LIT")
    plate_year: str | None = Field(description="LIY")
    vin: str | None = Field(description="VIN")
    make: str | None = Field(description="VMA")
    model: str | None = Field(description="VMO")
    vehicle_year: int | None = Field(description="VYR")
    colour: str | None = Field(description="VCO")
    ncic_number: str | None = Field(description="NIC")
    ori: str | None = Field(description="ORI")
    oca: str | None = Field(description="OCA")
    message_key: str | None = Field(description="MKE")
    source_file: str | None

    @classmethod
    def of(cls, record: EntryRecord) -> RecordPublic:
        return cls(**{name: getattr(record, name) for name in cls.model_fields})


class EntryList(BaseModel):
    entries: list[EntryPublic]


class RenewIn(BaseModel):
    until: datetime | None = Field(
        default=None,
        description="Defaults to hotlists.manual_entry_days (agency lists: agency_entry_days) "
        "from now.",
    )


class RowProblemPublic(BaseModel):
    line: int
    reason: str


class HeaderPublic(BaseModel):
    line: int | None = Field(description="The header's line number; null when there is none.")
    why: str = Field(description="Declared, or how it was detected.")


class ImportReportPublic(BaseModel):
    imported: int
    rejected: list[RowProblemPublic]
    lines_read: int = Field(
        description="header + blank_lines + imported + rejected rows + excluded entries."
    )
    blank_lines: int
    header: HeaderPublic
    summary: str
    excluded: list[ExcludedPublic] = Field(
        default=[], description="Rows kept out by law or policy, by source file and rule."
    )

    @classmethod
    def of(cls, report: ImportReport) -> ImportReportPublic:
        return cls(
            imported=report.imported,
            rejected=[RowProblemPublic(line=p.line, reason=p.reason) for p in report.rejected],
            lines_read=report.lines_read,
            blank_lines=report.blank_lines,
            header=HeaderPublic(line=report.header.line, why=report.header.why),
            summary=report.summary,
            excluded=[
                ExcludedPublic(
                    source_file=group.source_file,
                    message_key=group.message_key,
                    rule=group.rule,
                    entries=group.entries,
                )
                for group in report.excluded
            ],
        )


class ExcludedPublic(BaseModel):
    source_file: str | None
    message_key: str | None
    rule: str
    entries: int
