"""The menu: each page once, shown only to people whose roles open it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from platekeeper.domain.people import Role
from platekeeper.domain.permissions import Permission, permissions_of


@dataclass(frozen=True, slots=True)
class MenuItem:
    label: str
    href: str
    permission: Permission


@dataclass(frozen=True, slots=True)
class MenuLink:
    label: str
    href: str
    current: bool


MENU: tuple[MenuItem, ...] = (
    MenuItem("Dashboard", "/dashboard", Permission.ACCOUNTS_SELF),
    MenuItem("Alerts", "/alerts", Permission.ALERTS_VIEW),
    MenuItem("Search", "/search", Permission.READS_SEARCH),
    MenuItem("Hot lists", "/hotlists", Permission.HOTLISTS_VIEW),
    MenuItem("Cameras", "/cameras", Permission.POLICY_MANAGE),
    MenuItem("People", "/people", Permission.ACCOUNTS_MANAGE),
    MenuItem("Access log", "/audit", Permission.AUDIT_READ),
    MenuItem("Sharing", "/sharing", Permission.SHARING_MANAGE),
    MenuItem("Legal holds", "/holds", Permission.HOLDS_MANAGE),
    MenuItem("Retention", "/retention", Permission.RECORDS_VIEW),
    MenuItem("Reports", "/reports", Permission.RECORDS_VIEW),
)


def menu_for(roles: Iterable[Role], current_path: str) -> list[MenuLink]:
    granted = permissions_of(roles)
    return [
        MenuLink(item.label, item.href, _opens(current_path, item.href))
        for item in MENU
        if item.permission in granted
    ]


def _opens(path: str, href: str) -> bool:
    return path == href or path.startswith(f"{href}/")
