"""Docs that cannot rot: the README's commands exist, references match the code, links resolve."""

from __future__ import annotations

import os
import re
from pathlib import Path

from platekeeper.config_reference import reference_markdown
from platekeeper.permission_reference import permission_table_markdown

ROOT = Path(__file__).parents[1]


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the quick start has no shell block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_quick_start_is_two_commands_that_exist() -> None:
    commands = quick_start_commands()
    assert commands == ["scripts/demo", "scripts/test"]
    for command in commands:
        assert os.access(ROOT / command, os.X_OK), f"{command} is not executable"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^exec scripts/test$", ci, re.MULTILINE)


def test_the_configuration_reference_matches_the_code() -> None:
    document = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert document.endswith(reference_markdown()), "run: platekeeper config reference"


def test_relative_links_in_the_docs_resolve() -> None:
    for document in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+)\)", document.read_text(encoding="utf-8")):
            assert (document.parent / target).exists(), f"{document.name} links to {target}"


def test_the_permission_table_matches_the_code() -> None:
    document = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    assert permission_table_markdown() in document
