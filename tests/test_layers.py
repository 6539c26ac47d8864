"""Imports point downwards: domain <- store <- services (ingest, accounts, audit, access) <-
api/web/cli. This test holds them to it."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "platekeeper"

# For each layer, the parts of platekeeper it must not import.
FORBIDDEN = {
    "domain": {"config", "store", "ingest", "services", "api", "web", "cli", "demo"},
    "store": {"ingest", "accounts", "audit", "access", "services", "api", "web", "cli", "demo"},
    "ingest": {"services", "api", "web", "cli", "demo"},
    "accounts": {"ingest", "access", "services", "api", "web", "cli", "demo"},
    "audit": {"ingest", "accounts", "access", "services", "api", "web", "cli", "demo"},
    "access": {"ingest", "accounts", "services", "api", "web", "cli", "demo"},
    "api": {"cli", "demo"},
    "web": {"cli", "demo"},
    "demo": {"api", "web", "cli"},
}


def imported_modules(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def modules_of(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_upwards(layer: str) -> None:
    assert modules_of(layer), f"platekeeper/{layer} has no modules"
    offences = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in modules_of(layer)
        for module in imported_modules(path)
        if module.startswith("platekeeper.") and module.split(".")[1] in FORBIDDEN[layer]
    ]
    assert offences == []


def test_the_domain_uses_only_the_standard_library() -> None:
    third_party = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in modules_of("domain")
        for module in imported_modules(path)
        if module.split(".")[0] not in sys.stdlib_module_names | {"platekeeper", "__future__"}
    ]
    assert third_party == []
