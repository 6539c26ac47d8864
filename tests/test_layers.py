"""Imports point downwards: domain <- store <- services (ingest, accounts, audit, access) <-
http <- api/web <- app <- cli. This test holds them to it. Beside the layers, a few modules at the
top of the package (the floors) import nothing of PlateKeeper's, so that any layer may use them."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "platekeeper"

_EDGES = {"services", "http", "api", "web", "app", "cli", "demo", "edge"}
_FLOORS = ("errors", "background")
_SERVICES = {
    "ingest", "accounts", "audit", "access", "hotlists", "policy", "retention", "sharing",
    "reports", "incidents",
}  # fmt: skip

# For each layer, the parts of platekeeper it must not import. Services sit side by side and do
# not import each other; they meet in services.py.
FORBIDDEN = {
    # The domain is pure: no threads of its own (background).
    "domain": {"config", "store", "recognition", "background", *_SERVICES, *_EDGES},
    "recognition": {"store", *_SERVICES, *_EDGES},
    "store": {*_SERVICES, *_EDGES},
    **{service: (_SERVICES - {service}) | _EDGES for service in _SERVICES},
    # Reports read what the services keep (policy, audit, retention): only the edges are above.
    "reports": set(_EDGES),
    # The HTTP floor: the plumbing both front ends share. It knows neither of them; the app
    # (platekeeper/app.py) composes the two on it, and they never import each other.
    "http": {"api", "web", "app", "cli", "demo"},
    "api": {"web", "app", "cli", "demo"},
    "web": {"api", "app", "cli", "demo"},
    "demo": {"http", "api", "web", "app", "cli"},
    # The edge agent runs away from the server: it speaks to it over HTTP only, and uses the
    # recogniser, the ingest helpers and the hot-list index as any camera-side tool would.
    "edge": {"store", "services", "http", "api", "web", "app", "cli", "demo"},
}


def imported_modules(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "platekeeper":
            # ``from platekeeper import web`` imports the layer as surely as ``import``.
            yield from (f"platekeeper.{alias.name}" for alias in node.names)
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


@pytest.mark.parametrize("floor", _FLOORS)
def test_floors_import_nothing_of_platekeeper(floor: str) -> None:
    path = PACKAGE / f"{floor}.py"
    ours = [module for module in imported_modules(path) if module.startswith("platekeeper")]
    assert ours == []


def test_the_domain_uses_only_the_standard_library() -> None:
    third_party = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in modules_of("domain")
        for module in imported_modules(path)
        if module.split(".")[0] not in sys.stdlib_module_names | {"platekeeper", "__future__"}
    ]
    assert third_party == []
