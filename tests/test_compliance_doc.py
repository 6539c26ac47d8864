"""docs/compliance.md cannot rot: every code reference resolves, every test reference exists,
R01 to R43 each appear once, and the summary line counts the rows as they are."""

from __future__ import annotations

import ast
import importlib
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOC = ROOT / "docs" / "compliance.md"
STATUSES = ("Y", "partly", "no")
CODE_REF = re.compile(r"`(platekeeper/[\w/]+\.py)::([\w.]+)`")
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)`")
SUMMARY = re.compile(r"^Summary: (\d+) Y, (\d+) partly, (\d+) no, of (\d+) rows\.$", re.MULTILINE)


@dataclass(frozen=True)
class Row:
    id: str
    status: str
    code: tuple[tuple[str, str], ...]
    tests: tuple[tuple[str, str], ...]
    spans: int
    """Backquoted spans in the code and test cells: each must be a reference."""


def _rows() -> list[Row]:
    found = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 6 or not re.fullmatch(r"[RN]\d\d", cells[0]):
            continue
        found.append(
            Row(
                cells[0],
                cells[2],
                tuple(CODE_REF.findall(cells[3])),
                tuple(TEST_REF.findall(cells[4])),
                len(re.findall(r"`[^`]*`", cells[3] + cells[4])),
            )
        )
    return found


def _code_refs() -> list[tuple[str, str]]:
    return sorted({ref for row in _rows() for ref in row.code})


def _test_refs() -> list[tuple[str, str]]:
    return sorted({ref for row in _rows() for ref in row.tests})


def test_each_legal_requirement_appears_exactly_once() -> None:
    counts = Counter(row.id for row in _rows())
    expected = {f"R{n:02d}" for n in range(1, 44)}
    assert expected <= set(counts), f"missing: {sorted(expected - set(counts))}"
    assert [rid for rid, n in counts.items() if n > 1] == []


def test_each_row_has_a_status_and_references_to_back_it() -> None:
    for row in _rows():
        assert row.status in STATUSES, f"{row.id}: status {row.status!r}"
        if row.status != "no":
            assert row.code, f"{row.id} is {row.status} without the code that enforces it"
            assert row.tests, f"{row.id} is {row.status} without the test that proves it"


def test_every_reference_is_well_formed() -> None:
    for row in _rows():
        assert row.spans == len(row.code) + len(row.tests), (
            f"{row.id}: write code as `platekeeper/path.py::symbol`, tests as "
            "`tests/path.py::test_name`"
        )


def test_the_summary_counts_the_rows() -> None:
    match = SUMMARY.search(DOC.read_text(encoding="utf-8"))
    assert match, "the page needs its line 'Summary: N Y, N partly, N no, of N rows.'"
    statuses = Counter(row.status for row in _rows())
    stated = tuple(int(group) for group in match.groups())
    assert stated == (statuses["Y"], statuses["partly"], statuses["no"], len(_rows()))


@pytest.mark.parametrize(("path", "symbol"), _code_refs())
def test_each_code_reference_resolves(path: str, symbol: str) -> None:
    assert (ROOT / path).is_file(), path
    target: object = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    for part in symbol.split("."):
        assert hasattr(target, part), f"{path}::{symbol}: no {part!r}"
        target = getattr(target, part)


@cache
def defined_tests(path: str) -> frozenset[str]:
    """``name`` and ``Class::name`` for each test function the file defines."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef)
            }
    return frozenset(name for name in names if name.split("::")[-1].startswith("test_"))


@pytest.mark.parametrize(("path", "name"), _test_refs())
def test_each_test_reference_exists(path: str, name: str) -> None:
    assert (ROOT / path).is_file(), path
    assert name in defined_tests(path), f"{path} defines no test {name}"
