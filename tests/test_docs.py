"""Docs that cannot rot: the README's commands exist, references match the code, links resolve."""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path

from platekeeper.config_reference import reference_markdown
from platekeeper.errors import PlateKeeperError
from platekeeper.http.problems import HTTP_CODES, INTERNAL_ERROR
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


# Codes of errors that never reach an HTTP client, and where each ends instead.
_NOT_ANSWERED_OVER_HTTP = {
    "platekeeper_error",  # the root of the tree, never raised itself
    "port_unavailable",  # `platekeeper serve`, before the server listens
    "plain_http_refused",  # `platekeeper serve`, before the server listens
    "tls_certificate_unusable",  # `platekeeper serve` at start; a renewal's is logged
    "policy_incomplete",  # `platekeeper serve` refuses to start without a complete policy
    "source_unavailable",  # the hot-list refresh thread logs it and tries again later
    "delivery_failed",  # the alert outbox logs it and tries again later
}


def error_codes_of_the_code() -> set[tuple[str, int]]:
    """Each (code, status) a client may get: PlateKeeper's errors, of everything the app and
    the CLI import, and the framework's."""
    for root in ("platekeeper.app", "platekeeper.cli.main"):
        importlib.import_module(root)  # defines every error class the program can raise
    found: set[tuple[str, int]] = set()
    pending = [PlateKeeperError]
    while pending:
        error = pending.pop()
        pending.extend(error.__subclasses__())
        if (
            error.__module__.startswith("platekeeper.")
            and error.code not in _NOT_ANSWERED_OVER_HTTP
        ):
            found.add((error.code, error.status))
    return found | {(code, status) for status, code in HTTP_CODES.items()} | {(INTERNAL_ERROR, 500)}


def error_codes_of_the_docs() -> set[tuple[str, int]]:
    section = (ROOT / "docs" / "api.md").read_text(encoding="utf-8").split("## Errors", 1)[1]
    found: set[tuple[str, int]] = set()
    for row in re.findall(r"^\| (`.*?) \| (.*?) \|", section, re.MULTILINE):
        codes, statuses = re.findall(r"`(\w+)`", row[0]), re.findall(r"\d{3}", row[1])
        assert len(codes) == len(statuses), f"the row of {codes} gives {statuses}"
        found.update(zip(codes, map(int, statuses), strict=True))
    return found


def test_the_error_table_lists_every_code_the_api_answers_with() -> None:
    assert error_codes_of_the_docs() == error_codes_of_the_code()


def test_the_threat_model_names_tests_that_exist() -> None:
    """Each guarantee of docs/threat-model.md names the tests that show it; they must exist."""
    document = (ROOT / "docs" / "threat-model.md").read_text(encoding="utf-8")
    sections = document.split("\n## ")[2:]
    assert sections, "the threat model lists no guarantee"
    for section in sections:
        named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", section)
        assert named, f"'{section.splitlines()[0]}' names no test"
        for path, test in named:
            source = (ROOT / path).read_text(encoding="utf-8")
            assert not test or re.search(rf"^def {test}\(", source, re.MULTILINE), (
                f"{path} has no {test}"
            )
