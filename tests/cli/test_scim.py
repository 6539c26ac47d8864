"""``platekeeper scim token``: a custodian signed in at the console issues, lists and revokes the
provisioning tokens of their agency's directory; nobody else does."""

from __future__ import annotations

import re
from pathlib import Path

from platekeeper.config import load_settings
from platekeeper.domain.credentials import hash_token
from platekeeper.services import build_services
from tests.cli.test_cli import assert_user_error
from tests.cli.test_users import OWN, add_user, data_dir, empty_dir, enrol_at_console, ok, run

__all__ = ["data_dir", "empty_dir"]


def test_a_custodian_issues_lists_and_revokes_the_directorys_token(data_dir: Path) -> None:
    issued = ok(data_dir, "scim", "token", "issue", "--name", "entra-id", "--days", "90")
    [token] = re.findall(r"pkp_\S+", issued)
    token_id = re.search(r"Provisioning token (\S+) \(entra-id\) for agency demo-pd", issued)
    assert token_id is not None, issued
    listing = ok(data_dir, "scim", "token", "list")
    assert "entra-id" in listing
    assert "boss" in listing
    assert token not in listing  # shown once, at issue
    services = build_services(load_settings(data_dir=data_dir))
    try:
        [stored] = services.store.directory_tokens.list("demo-pd")
        assert stored.token_hash == hash_token(token)  # only its hash is kept
        assert services.directory_tokens.authenticate(token).id == stored.id
    finally:
        services.close()
    assert "is revoked" in ok(data_dir, "scim", "token", "revoke", token_id.group(1))
    again = run(data_dir, "scim", "token", "revoke", token_id.group(1))
    assert_user_error(again, "revoked already")


def test_only_a_custodian_signed_in_issues_a_token(data_dir: Path) -> None:
    add_user(data_dir, "avery", "analyst")
    # avery replaces the password boss set, as its owner must before acting.
    ok(
        data_dir,
        "user",
        "change-password",
        "avery",
        "--password-stdin",
        stdin=OWN + "\n",
        as_user="avery",
    )
    # ... and enrols a second factor, so that she is signed in whole and only her role refuses.
    enrol_at_console(data_dir, "avery", OWN)
    avery = {"as_user": "avery", "password": OWN}
    refused = run(data_dir, "scim", "token", "issue", "--name", "entra-id", **avery)
    assert_user_error(refused, "accounts:manage")
    wrong = run(data_dir, "scim", "token", "issue", "--name", "entra-id", password="wrong")
    assert_user_error(wrong)
    too_long = run(data_dir, "scim", "token", "issue", "--name", "entra-id", "--days", "4000")
    assert_user_error(too_long, "scim_token_max_days")
    assert "pkp_" not in refused.stdout + wrong.stdout + too_long.stdout
