"""The alert list's shape: which hits (filters), how many at once (a page and the cursor to the
next), and how they are grouped (a plate on a list: its newest hit in full, the others folded).

A page stays short however many hits there are: ``PAGE_SIZE`` hits, newest first, then a link to
the older ones that starts after the page's last hit (a cursor, so a hit arriving meanwhile
neither repeats one nor skips one). The crops come with the page, inlined as ``data:`` addresses,
so that one page load is one access in the log, not one per thumbnail.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, Query

from platekeeper.domain.hotlists import AlertLevel, HitStatus, HitTier, Hotlist, HotlistEntry
from platekeeper.errors import FieldError, InvalidInput
from platekeeper.hotlists.alerts.payload import media_type
from platekeeper.hotlists.hits import HitPage, HitQuery, HitView
from platekeeper.store.protocols import HitCursor

E = TypeVar("E", bound=StrEnum)
PAGE_SIZE = 25
"""Hits on one page of the list: enough for a shift's burst, short enough to scroll."""


class Show(StrEnum):
    """Which hits by where they stand, as the list's "Status" choice offers them."""

    OPEN = "open"
    PENDING = "pending"
    AWAITING_OUTCOME = "awaiting-outcome"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    ALL = "all"

    @property
    def label(self) -> str:
        return _SHOW_LABELS[self]

    def query(self) -> tuple[frozenset[HitStatus] | None, bool | None]:
        """The statuses and whether an outcome is recorded, as the store filters them. A
        rejected hit never awaits an outcome: nothing may come of it but no stop."""
        pending, confirmed = HitStatus.PENDING, HitStatus.CONFIRMED
        return {
            Show.OPEN: (frozenset({pending, confirmed}), False),
            Show.PENDING: (frozenset({pending}), None),
            Show.AWAITING_OUTCOME: (frozenset({confirmed}), False),
            Show.CONFIRMED: (frozenset({confirmed}), None),
            Show.REJECTED: (frozenset({HitStatus.REJECTED}), None),
            Show.ALL: (None, None),
        }[self]


class Tier(StrEnum):
    """Which tiers the list shows: alerts by default, the lower tier (one character off,
    stored without an alert) when asked for, or both."""

    ALERTS = "alert"
    LOWER = "lower"
    ALL = "all"

    @property
    def label(self) -> str:
        return _TIER_LABELS[self]

    def query(self) -> HitTier | None:
        return None if self is Tier.ALL else HitTier(self.value)


_TIER_LABELS = {
    Tier.ALERTS: "Alerts",
    Tier.LOWER: "Lower tier: one character off, no alert",
    Tier.ALL: "Alerts and lower tier",
}


_SHOW_LABELS = {
    Show.OPEN: "Open: to verify or awaiting the outcome",
    Show.PENDING: "To verify",
    Show.AWAITING_OUTCOME: "Confirmed, awaiting the outcome",
    Show.CONFIRMED: "Confirmed",
    Show.REJECTED: "Rejected",
    Show.ALL: "All hits",
}


@dataclass(frozen=True, slots=True)
class Filters:
    """The list's filters as the page's form and links carry them."""

    list_id: str = ""
    level: AlertLevel | None = None
    show: Show = Show.OPEN
    after: HitCursor | None = None
    tier: Tier = Tier.ALERTS

    def hit_query(self) -> HitQuery:
        statuses, with_outcome = self.show.query()
        return HitQuery(
            list_id=self.list_id or None,
            level=self.level,
            statuses=statuses,
            with_outcome=with_outcome,
            before=self.after,
            tier=self.tier.query(),
            limit=PAGE_SIZE,
        )

    def params(self, after: HitCursor | None = None) -> str:
        """The filters as a query string, starting after ``after`` (the first page without)."""
        values = {"list": self.list_id, "level": "" if self.level is None else self.level.value}
        values |= {"show": self.show.value, "after": "" if after is None else cursor_text(after)}
        values |= {"tier": "" if self.tier is Tier.ALERTS else self.tier.value}
        return urlencode({key: value for key, value in values.items() if value})

    @property
    def here(self) -> str:
        """The filters with this page's own start: what reloading this page asks for."""
        return self.params(self.after)


def filters(
    list_id: Annotated[str, Query(alias="list", max_length=64)] = "",
    level: Annotated[str, Query(max_length=20)] = "",
    show: Annotated[str, Query(max_length=20)] = "",
    after: Annotated[str, Query(max_length=200)] = "",
    tier: Annotated[str, Query(max_length=20)] = "",
) -> Filters:
    """The filters from the query string; a value the form never offers is refused, naming
    the field as the form labels it."""
    return Filters(
        list_id=list_id,
        level=None if not level else _one_of(AlertLevel, level, "Level"),
        show=Show.OPEN if not show else _one_of(Show, show, "Status"),
        after=None if not after else parse_cursor(after),
        tier=Tier.ALERTS if not tier else _one_of(Tier, tier, "Tier"),
    )


FiltersDep = Annotated[Filters, Depends(filters)]


def _one_of(kind: type[E], value: str, label: str) -> E:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        message = f"{label}: {value!r} is not one of the choices ({choices})"
        raise InvalidInput(
            message,
            hint=f"Choose the {label.lower()} from the list.",
            fields=[FieldError(label.lower(), message)],
        ) from None


def cursor_text(cursor: HitCursor) -> str:
    raw = f"{cursor.created_at.isoformat()}|{cursor.hit_id}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def parse_cursor(text: str) -> HitCursor:
    """The cursor of an "Older hits" link; a link cut short or typed by hand is refused."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        at, hit_id = raw.split("|", 1)
        created_at = datetime.fromisoformat(at)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        message = "the link to the older hits is damaged"
        raise InvalidInput(
            message,
            hint="Go back to the newest hits and page from there.",
            fields=[FieldError("after", message)],
        ) from None
    if created_at.tzinfo is None or not hit_id:
        raise InvalidInput("the link to the older hits is damaged", hint="Start from the newest.")
    return HitCursor(created_at, hit_id)


@dataclass(frozen=True, slots=True)
class HitGroup:
    """The hits of one listed plate on one list on this page, newest first."""

    hotlist: Hotlist
    entry: HotlistEntry
    views: list[HitView] = field(default_factory=list)

    @property
    def newest(self) -> HitView:
        return self.views[0]

    @property
    def earlier(self) -> list[HitView]:
        return self.views[1:]

    @property
    def pending(self) -> int:
        return sum(view.hit.status is HitStatus.PENDING for view in self.views)


def grouped(views: list[HitView]) -> list[HitGroup]:
    """``views`` (newest first) by listed plate and list, the group with the newest hit first."""
    groups: dict[tuple[str, str], HitGroup] = {}
    for view in views:
        key = (view.hotlist.id, view.entry.id)
        groups.setdefault(key, HitGroup(view.hotlist, view.entry)).views.append(view)
    return list(groups.values())


@dataclass(frozen=True, slots=True)
class AlertPage:
    """What the list shows: the groups of this page, their thumbnails, the filters, and how
    many hits wait for verification in all (not only on this page)."""

    page: HitPage
    filters: Filters
    pending_total: int

    @property
    def groups(self) -> list[HitGroup]:
        return grouped(self.page.views)

    @property
    def thumbnails(self) -> dict[str, str]:
        return thumbnails(self.page.crops)

    def count(self, status: HitStatus) -> int:
        return sum(view.hit.status is status for view in self.page.views)

    @property
    def awaiting_outcome(self) -> int:
        return sum(
            view.hit.status is HitStatus.CONFIRMED and view.hit.outcome is None
            for view in self.page.views
        )


def thumbnails(crops: Mapping[str, bytes]) -> dict[str, str]:
    """Crops by hit id as ``data:`` addresses, to show within the page that fetched them."""
    return {hit_id: data_uri(crop) for hit_id, crop in crops.items()}


def data_uri(image: bytes) -> str:
    """``image`` as a ``data:`` address, of the media type its first bytes name."""
    encoded = base64.b64encode(image).decode("ascii")
    return f"data:{media_type(image)};base64,{encoded}"
