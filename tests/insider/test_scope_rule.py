"""One agency, one world, decided in one place: no module compares agencies on its own.

Which agency's records a person sees is ``domain/scope.py``'s rule (``AgencyScope``): a service
asks ``scope.admits(agency)``, ``scope.keep(records, key)`` or ``scope.own(record, ...)``, or
hands the store ``scope.agency_id``. A comparison of agency ids written anywhere else
(``if x.agency_id != who.actor.agency_id``) is a second copy of the rule, and the copies drift:
one forgets the console, another answers "not yours" where the rule answers "does not exist".
This test reads every module of the package and fails on such a comparison.

Not flagged: ``agency_id is None`` and the like, which test whether a filter was given (the
store builds its ``WHERE`` from them) rather than whose record it is. A comparison that is not
about access goes in ``ALLOWED`` with its reason; an entry that no longer matches fails too, so
the list cannot outlive what it excuses.
"""

from __future__ import annotations

import ast
from pathlib import Path

import platekeeper

PACKAGE = Path(platekeeper.__file__).parent
THE_RULE = "domain/scope.py"

ALLOWED: dict[tuple[str, str], str] = {
    ("domain/federation.py", "g in self.agency_by_group"): "a directory group's name looked up "
    "in the custodian's mapping to find a person's agency, not whose record something is",
}
"""(module, comparison as ``ast.unparse`` writes it) -> why it is not an access decision."""

IN_CONVERSION: dict[str, str] = {}
"""Modules being moved onto the rule by work in progress (module -> what); the stale-entry
check below says when an entry can go."""

_COMPARING = (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)


def _names_an_agency(node: ast.expr) -> bool:
    """Whether ``node`` is an agency: ``x.agency_id``, ``agency_id``, ``list_agency``,
    ``_agency(change)``, ``agencies.get(camera_id)``."""
    if isinstance(node, ast.Attribute):
        return "agenc" in node.attr
    if isinstance(node, ast.Name):
        return "agenc" in node.id
    if isinstance(node, ast.Call):
        return _names_an_agency(node.func) or (
            isinstance(node.func, ast.Attribute) and _names_an_agency(node.func.value)
        )
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_names_an_agency(element) for element in node.elts)
    return False


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def agency_comparisons(source: str) -> list[str]:
    """Every comparison in ``source`` that tells one agency from another."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands[:-1], operands[1:], strict=True):
            if not isinstance(op, _COMPARING) or _is_none(left) or _is_none(right):
                continue
            if _names_an_agency(left) or _names_an_agency(right):
                found.append(f"{node.lineno}: {ast.unparse(node)}")
                break
    return found


def _modules() -> dict[str, str]:
    return {
        path.relative_to(PACKAGE).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_the_check_sees_the_comparisons_it_is_for() -> None:
    flagged = [
        "if hotlist.agency_id != who.actor.agency_id:\n    pass",
        "ok = camera is not None and camera.agency_id == agency_id",
        "mine = [a for a in approvals if a.agency_id == who.actor.agency_id]",
        "ok = span.agency_id in (None, agency_id)",
        "ok = list_agency is not None and list_agency != _agency(change)",
        "ok = hotlist.agency_id != agencies.get(read.camera_id)",
    ]
    for source in flagged:
        assert agency_comparisons(source), source
    not_flagged = [
        "where = '' if agency_id is None else ' WHERE agency_id = ?'",
        "ok = scope.admits(hotlist.agency_id)",
        "ok = read.camera_id == camera.id",
    ]
    for source in not_flagged:
        assert agency_comparisons(source) == [], source


def test_no_module_compares_agencies_but_the_scope() -> None:
    found = []
    for module, source in _modules().items():
        if module == THE_RULE or module in IN_CONVERSION:
            continue
        for comparison in agency_comparisons(source):
            text = comparison.split(": ", 1)[1]
            if (module, text) not in ALLOWED:
                found.append(f"platekeeper/{module}:{comparison}")
    assert found == [], (
        "Decide whose record it is with AgencyScope (domain/scope.py): scope.admits(agency), "
        "scope.keep(records, key), scope.own(record, key, missing), or hand the store "
        "scope.agency_id:\n" + "\n".join(found)
    )


def test_every_exception_still_excuses_something() -> None:
    modules = _modules()
    stale = [
        f"ALLOWED {module}: {text}"
        for module, text in ALLOWED
        if not any(c.endswith(f": {text}") for c in agency_comparisons(modules.get(module, "")))
    ]
    stale += [
        f"IN_CONVERSION {module}: it compares no agencies now; remove the entry"
        for module in IN_CONVERSION
        if not agency_comparisons(modules.get(module, ""))
    ]
    assert stale == [], "\n".join(stale)
