"""docs/cjis.md cannot rot: each control row names a setting that exists (or says it is always
on), code that resolves and a test that exists; the controls the issue asks for are all there."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_compliance_doc import CODE_REF, TEST_REF, defined_tests

ROOT = Path(__file__).parents[1]
DOC = ROOT / "docs" / "cjis.md"
CONFIGURATION = ROOT / "docs" / "configuration.md"
ALWAYS_ON = "(always on)"
SETTING = re.compile(r"`([a-z_]+\.[a-z_.]+)`")
# The controls issue 16 names, each of which must have its row.
REQUIRED = ("IA-2(1)", "IA-5", "AC-7", "AC-8", "AC-11", "AC-12", "AC-2(3)", "AU-3", "AU-11", "SC-8")


@dataclass(frozen=True)
class Control:
    name: str
    settings: tuple[str, ...]
    always_on: bool
    code: tuple[tuple[str, str], ...]
    tests: tuple[tuple[str, str], ...]


def _controls() -> list[Control]:
    found = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not re.match(r"[A-Z]{2}-\d", cells[0]):
            continue
        found.append(
            Control(
                cells[0],
                tuple(SETTING.findall(cells[2])),
                cells[2] == ALWAYS_ON,
                tuple(CODE_REF.findall(cells[3])),
                tuple(TEST_REF.findall(cells[4])),
            )
        )
    return found


def _documented_settings() -> set[str]:
    table = CONFIGURATION.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z_.]+)` \|", table, re.MULTILINE))


def test_each_control_the_issue_names_has_its_row() -> None:
    names = " ".join(control.name for control in _controls())
    assert [required for required in REQUIRED if required not in names] == []


def test_each_row_names_a_setting_code_and_a_test() -> None:
    for control in _controls():
        assert control.settings or control.always_on, f"{control.name}: which setting?"
        assert control.code, f"{control.name}: which code enforces it?"
        assert control.tests, f"{control.name}: which test shows it?"


def test_each_setting_named_exists() -> None:
    documented = _documented_settings()
    named = {setting for control in _controls() for setting in control.settings}
    assert sorted(named - documented) == []


@pytest.mark.parametrize(
    ("path", "symbol"), sorted({ref for control in _controls() for ref in control.code})
)
def test_each_code_reference_resolves(path: str, symbol: str) -> None:
    target: object = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    for part in symbol.split("."):
        assert hasattr(target, part), f"{path}::{symbol}: no {part!r}"
        target = getattr(target, part)


@pytest.mark.parametrize(
    ("path", "name"), sorted({ref for control in _controls() for ref in control.tests})
)
def test_each_test_reference_exists(path: str, name: str) -> None:
    assert (ROOT / path).is_file(), path
    assert name in defined_tests(path), f"{path} defines no test {name}"
