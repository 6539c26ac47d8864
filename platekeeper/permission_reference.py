"""The table of roles and permissions in docs/policy.md, generated from the code."""

from __future__ import annotations

from platekeeper.domain.people import Role
from platekeeper.domain.permissions import PURPOSE_BOUND, ROLE_PERMISSIONS, Permission


def permission_table_markdown() -> str:
    roles = list(Role)
    lines = [
        "| permission | " + " | ".join(role.value for role in roles) + " |",
        "| --- | " + " | ".join("---" for _ in roles) + " |",
    ]
    for permission in Permission:
        name = f"`{permission.value}`" + (" (purpose-bound)" if permission in PURPOSE_BOUND else "")
        cells = ("yes" if permission in ROLE_PERMISSIONS[role] else "" for role in roles)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
