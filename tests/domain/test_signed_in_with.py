"""How the access log names a credential's sign-in (``Principal.actor``): the session's own
method, ``api-token`` for any token, ``console+`` before a console sign-in's method, once."""

from __future__ import annotations

import pytest

from platekeeper.domain.credentials import (
    API_TOKEN_SIGN_IN,
    CredentialKind,
    Principal,
)
from tests.store.test_accounts_contract import make_account

ACCOUNT = make_account("jdoe", "demo-pd")


@pytest.mark.parametrize(
    ("kind", "signed_in_with", "logged"),
    [
        (CredentialKind.SESSION, "password", "password"),
        (CredentialKind.SESSION, "password+totp", "password+totp"),
        (CredentialKind.SESSION, "oidc", "oidc"),
        # A token is its own way in, whatever session issued it: the log never lends a
        # script the second factor of the browser that made its token.
        (CredentialKind.TOKEN, "password+totp", API_TOKEN_SIGN_IN),
        (CredentialKind.TOKEN, "password", API_TOKEN_SIGN_IN),
        (CredentialKind.CONSOLE, "password", "console+password"),
        (CredentialKind.CONSOLE, "password+totp", "console+password+totp"),
        (CredentialKind.CONSOLE, "console+password+totp", "console+password+totp"),
    ],
)
def test_the_actor_of_a_principal_names_how_it_signed_in(
    kind: CredentialKind, signed_in_with: str, logged: str
) -> None:
    actor = Principal(ACCOUNT, kind, "credential-id", signed_in_with).actor
    assert (actor.username, actor.agency_id, actor.signed_in_with) == ("jdoe", "demo-pd", logged)
