"""``platekeeper policy`` and ``serve``'s refusal, run as real commands."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import assert_user_error, run
from tests.policy.samples import write_complete_policy
from tests.ports import free_port


def test_init_writes_a_policy_that_check_reports_as_incomplete(tmp_path: Path) -> None:
    init = run(tmp_path, "policy", "init", "--profile", "ca", "--agency", "city-pd")
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "policy.toml").exists()
    check = run(tmp_path, "policy", "check")
    assert check.returncode == 1, check.stderr
    for needle in ["(E) official custodian: custodian_title", "public_comment.minutes_url"]:
        assert needle in check.stdout
    assert "incomplete" in check.stdout
    again = run(tmp_path, "policy", "init", "--profile", "ca", "--agency", "city-pd")
    assert_user_error(again, "already exists", "--force")


def test_init_needs_an_agency_and_a_profile_it_can_find(tmp_path: Path) -> None:
    assert_user_error(run(tmp_path, "policy", "init"), "no agency is registered", "agency add")
    assert run(tmp_path, "db", "upgrade").returncode == 0
    added = run(tmp_path, "agency", "add", "austin-pd", "--name", "Austin PD", "--state", "TX")
    assert added.returncode == 0, added.stderr
    assert_user_error(run(tmp_path, "policy", "init"), "no jurisdiction profile for state TX")
    init = run(tmp_path, "policy", "init", "--profile", "ca")
    assert init.returncode == 0, init.stderr
    written = (tmp_path / "policy.toml").read_text(encoding="utf-8")
    assert 'id = "austin-pd"\nname = "Austin PD"\nstate = "TX"' in written


def test_check_passes_a_complete_policy_and_show_names_the_rules(tmp_path: Path) -> None:
    write_complete_policy(tmp_path)
    check = run(tmp_path, "policy", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "is complete (profiles: California)" in check.stdout
    show = run(tmp_path, "policy", "show")
    assert show.returncode == 0, show.stderr
    assert "non-hit-reads" in show.stdout
    assert "30 days" in show.stdout
    assert "recipients: public-agency; states: CA" in show.stdout
    assert "2023-DLE-06" in show.stdout


def test_check_without_a_policy_file_says_how_to_write_one(tmp_path: Path) -> None:
    assert_user_error(run(tmp_path, "policy", "check"), "no policy file", "policy init")


def test_an_unknown_profile_is_a_user_error(tmp_path: Path) -> None:
    result = run(tmp_path, "policy", "init", "--profile", "zz", "--agency", "a-pd")
    assert_user_error(result, "no jurisdiction profile 'zz'")


def test_serve_refuses_to_start_without_a_complete_policy(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    assert_user_error(
        run(tmp_path, "serve", "--port", str(free_port())), "platekeeper policy check"
    )
    run(tmp_path, "policy", "init", "--profile", "ca", "--agency", "city-pd")
    assert_user_error(
        run(tmp_path, "serve", "--port", str(free_port())),
        "is incomplete",
        "platekeeper policy check",
    )
